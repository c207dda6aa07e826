"""The one field a second factor needs: a code from the authenticator app, or a recovery code."""

import re

from django import forms
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

TOTP_CODE = re.compile(r"\d{6}")


def normalise_code(text):
    """Codes as people type them: spaces and hyphens dropped, letters in lower case."""
    return re.sub(r"[\s-]", "", text).lower()


class SecondFactorForm(forms.Form):
    """A code checked against the user's own devices: six digits against the authenticator app,
    anything else against the unused recovery codes. Each device slows down after a wrong code
    (django-otp's throttling: 1, 2, 4, 8… seconds) and a recovery code works only once."""

    code = forms.CharField(
        label="Code",
        max_length=32,
        help_text="The six digits your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def __init__(self, user, *args, devices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Enrolment checks the first code against the device being set up, not yet confirmed.
        self.devices = devices
        self.device = None

    def candidates(self, code):
        if self.devices is not None:
            return self.devices
        kind = TOTPDevice if TOTP_CODE.fullmatch(code) else StaticDevice
        return [d for d in devices_for_user(self.user, for_verify=True) if isinstance(d, kind)]

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        with transaction.atomic():
            for device in self.candidates(code):
                allowed, _ = device.verify_is_allowed()
                if not allowed:
                    raise forms.ValidationError(
                        "Too many wrong codes in a row: please wait a few seconds and try again."
                    )
                if device.verify_token(code):
                    self.device = device
                    return code
        raise forms.ValidationError("That code is not right. Please check it and try again.")
