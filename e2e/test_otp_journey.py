"""Two-factor authentication in a real browser: a salesperson sets it up from the top bar (secret and
otpauth:// link shown, confirmed with a code), logs out, and the next login asks for the code after
the password. Codes are real TOTP codes computed from the device's key. Each screen is saved under
var/e2e/ and checked: no server error, no English left on the Chinese page."""

import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD

from .journey import LATIN_WORD, expect, snapshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# the apps named as examples, and the otpauth:// link's own words
OTP_WORDS = {"Google", "Microsoft", "Authenticator", "FreeOTP", "otpauth", "totp", "secret", "algorithm"}
OTP_WORDS |= {"digits", "period", "issuer", "SHA1"}


def code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def test_a_salesperson_sets_up_two_factor_and_the_next_login_asks_for_the_code(page, salesperson):
    errors: list = []
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    page.goto("/accounts/login/")
    page.fill("#id_username", salesperson.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("nav.side")).to_be_visible()

    page.locator("[data-testid=otp-link]").click()
    page.locator("form:has(input[value=start]) button").click()
    expect(page.locator("[data-testid=otp-secret]")).to_be_visible()
    secret = page.locator("[data-testid=otp-secret]").inner_text()
    assert page.locator("[data-testid=otp-uri]").get_attribute("href").startswith("otpauth://totp/")
    allowed = OTP_WORDS | set(LATIN_WORD.findall(secret)) | {salesperson.username}
    snapshot(page, "otp-setup", errors, allowed=allowed)

    device = TOTPDevice.objects.get(user=salesperson)
    page.fill("#id_code", code(device))
    page.locator("form:has(input[value=confirm]) button").click()
    expect(page.locator("[data-testid=otp-status]")).to_be_visible()
    snapshot(page, "otp-set-up", errors, allowed={salesperson.username})

    # the next login: password, then the code (the next time step's: the last one was used)
    page.locator("form[action*=logout] button").click()
    page.goto("/accounts/login/")
    page.fill("#id_username", salesperson.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#id_code")).to_be_visible()
    expect(page.locator("nav.side")).to_have_count(0)
    snapshot(page, "otp-code", errors, allowed={salesperson.username})
    page.fill("#id_code", "000000" if code(device) != "000000" else "111111")
    page.click("button[type=submit]")
    expect(page.locator("[data-testid=otp-error]")).to_be_visible()
    snapshot(page, "otp-code-wrong", errors, allowed={salesperson.username})
    time.sleep(1.5)  # django-otp's throttle after one wrong code
    page.fill("#id_code", code(device, steps_ahead=1))
    page.click("button[type=submit]")
    expect(page.locator("nav.side")).to_be_visible()
