"""The second-factor pages: setting up an authenticator app (the first time a staff member signs
in), and giving a code from it at each sign-in. They belong to the admin site (its addresses)
but look like the rest of the site; signed-in staff only."""

from base64 import b32encode
from functools import wraps

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import SecondFactorForm

RECOVERY_CODES = 10


def signed_in_staff(view):
    @wraps(view)
    def checked(request, *args, **kwargs):
        user = request.user
        if not (user.is_active and user.is_staff):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if user.is_verified():
            return redirect(next_url(request))
        return view(request, *args, **kwargs)

    return sensitive_post_parameters("code")(never_cache(checked))


def next_url(request):
    """Where the admin sent the user from: an address on this site, or the admin's home."""
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("admin:index")


def same_query(request, name):
    query = request.GET.urlencode()
    return f"{reverse(name)}?{query}" if query else reverse(name)


@signed_in_staff
def verify(request):
    if not user_has_device(request.user):
        return redirect(same_query(request, "admin:enrol_second_factor"))
    form = SecondFactorForm(request.user, request.POST or None)
    if form.is_valid():
        django_otp.login(request, form.device)
        return redirect(next_url(request))
    return render(
        request, "staff/verify_second_factor.html", {"form": form, "next": next_url(request)}
    )


@signed_in_staff
def enrol(request):
    """Set up the authenticator app: its secret as a QR code and as text, confirmed by a first
    code; then the recovery codes, shown this once. Only for staff with no confirmed device:
    anyone else must give a code first, so a stolen password cannot add a device."""
    user = request.user
    if user_has_device(user):
        return redirect(same_query(request, "admin:verify_second_factor"))
    # The same secret until it is confirmed, so reloading the page keeps the app's entry valid.
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = SecondFactorForm(user, request.POST or None, devices=[device])
    if form.is_valid():
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = new_recovery_codes(user)
        django_otp.login(request, device)
        return render(
            request,
            "staff/recovery_codes.html",
            {"codes": codes, "next": next_url(request)},
        )
    return render(
        request,
        "staff/enrol_second_factor.html",
        {
            "form": form,
            "next": next_url(request),
            "qr_code": qr_code_svg(device.config_url),
            "secret": spaced(b32encode(device.bin_key).decode()),
        },
    )


def new_recovery_codes(user):
    """Replace the user's recovery codes with RECOVERY_CODES new ones, and return them."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return [spaced(code) for code in codes]


def qr_code_svg(text):
    """The QR code of ``text`` as an inline SVG element: drawn here, nothing fetched."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def spaced(text, group=4):
    """Easier to read and to type: groups of four characters."""
    return " ".join(text[i : i + group] for i in range(0, len(text), group))
