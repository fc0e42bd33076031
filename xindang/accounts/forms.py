from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=256)


class OtpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "class": "otp-code",
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "size": 8,
            }
        ),
    )


class ClearanceForm(forms.Form):
    """Grant or revoke one role, with the reason (the service checks everything else)."""

    role = forms.CharField(label=_("Role"), max_length=40)
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
