"""Lockouts after failed staff sign-ins (django-axes), and the page a locked-out client sees.

django-axes counts failures per account and address (``AXES_LOCKOUT_PARAMETERS``,
``AXES_FAILURE_LIMIT``); the handler here adds a larger limit per address whatever the
accounts tried, so one address cannot try 5 passwords on each of many usernames, and one per
account whatever the addresses, so many addresses cannot each try 4 passwords on one account.
A locked-out client is refused before its password is checked, so its guesses cost no
password hash."""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render


def _failures(request, **where):
    """Failures within the cool-off, over every attempt row matching ``where``."""
    attempts = AccessAttempt.objects.filter(
        attempt_time__gte=get_cool_off_threshold(request), **where
    )
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class StaffLoginHandler(AxesDatabaseHandler):
    """Locked when, within the cool-off, the account-and-address count reaches
    ``AXES_FAILURE_LIMIT``, the address's count (all accounts together) reaches
    ``STAFF_LOGIN_ADDRESS_LIMIT``, or the account's count (all addresses together) reaches
    ``STAFF_LOGIN_ACCOUNT_TOTAL_LIMIT``."""

    def get_failures(self, request, credentials=None):
        failures = super().get_failures(request, credentials)
        username = get_client_username(request, credentials)
        by_address = _failures(request, ip_address=request.axes_ip_address)
        by_account = _failures(request, username=username) if username else 0
        if (
            by_address >= settings.STAFF_LOGIN_ADDRESS_LIMIT
            or by_account >= settings.STAFF_LOGIN_ACCOUNT_TOTAL_LIMIT
        ):
            # Axes compares one number with one limit: report either lock as that limit.
            return max(failures, get_failure_limit(request, credentials))
        return failures


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: a page on the site's own layout, 429 with Retry-After, saying
    when to try again and who can unlock the account sooner."""
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds())
    response = render(
        request,
        "registration/locked_out.html",
        {
            "try_again_at": request.axes_attempt_time + cool_off,
            "minutes": seconds // 60,
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
