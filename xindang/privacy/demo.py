"""Demo data: bases and identity numbers for some contacts, a few persons' requests and a consent to
share, so the privacy screens are not empty after `manage.py demo`."""

from datetime import timedelta

from xindang.customers.rules import ID_CHECK_CHARS, ID_CHECK_WEIGHTS


def demo_id_number(rng) -> str:
    """A well-formed resident identity number (valid check digit) for demo data."""
    area = rng.choice(["110105", "310104", "440305", "330106", "510107"])
    birth = f"{rng.randint(1960, 1995)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body = f"{area}{birth}{rng.randint(0, 999):03d}"
    total = sum(int(d) * w for d, w in zip(body, ID_CHECK_WEIGHTS, strict=True))
    return body + ID_CHECK_CHARS[total % 11]


def seed_privacy(ctx) -> str:
    from xindang.approvals.demo import users_by_role
    from xindang.customers.models import Contact

    from . import services

    people = users_by_role(ctx.users)
    credit = people.get("credit_manager")
    gm = people.get("general_manager")
    if credit is None:
        return "no credit manager"
    recorded = requests = consents = 0
    for customer in ctx.customers[:40]:
        for contact in Contact.objects.filter(customer=customer)[:2]:
            consent = ctx.rng.random() < 0.5
            services.record_personal_data(
                by=credit,
                customer=customer,
                person_kind="contact",
                person_id=contact.pk,
                collection_purpose="业务联络与合同履行",
                collection_basis="consent" if consent else "contract",
                consent_on=ctx.today - timedelta(days=ctx.rng.randint(30, 700)) if consent else None,
                id_kind="id_card",
                id_number=demo_id_number(ctx.rng),
            )
            recorded += 1
            if ctx.rng.random() < 0.15:
                dsr = services.receive_request(
                    by=credit,
                    customer=customer,
                    person_kind="contact",
                    person_id=contact.pk,
                    kind=ctx.rng.choice(["access", "correction"]),
                    received_on=ctx.today - timedelta(days=ctx.rng.randint(0, 20)),
                    details="来电要求查阅本人在我司登记的信息"
                    if ctx.rng.random() < 0.5
                    else "手机号码已变更",
                )
                requests += 1
                if dsr.kind == "access" and ctx.rng.random() < 0.5:
                    services.export_person(
                        by=credit, customer=customer, person_kind="contact", person_id=contact.pk, dsr=dsr
                    )
        if gm is not None and ctx.rng.random() < 0.1:
            services.record_sharing_consent(
                by=gm,
                customer=customer,
                recipient="中诚信征信有限公司",
                purpose="企业征信报告",
                consent_on=ctx.today - timedelta(days=60),
                agreement_no=f"GX-{ctx.today.year}-{customer.pk:04d}",
                agreement_on=ctx.today - timedelta(days=55),
                valid_until=ctx.today + timedelta(days=305),
            )
            consents += 1
    return f"{recorded} persons' bases, {requests} requests, {consents} consents to share"
