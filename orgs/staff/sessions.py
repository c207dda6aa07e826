"""How long a staff session lasts: ``STAFF_SESSION_HOURS`` from signing in, and no longer than
``STAFF_IDLE_MINUTES`` between two requests. A visitor's session is left as it is.

A forgotten signed-in browser is the admin left open to whoever sits at it next; Django's own
session age (two weeks, renewed only on sign-in) is meant for visitors' conveniences."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.urls import reverse

SIGNED_IN_AT = "staff_signed_in_at"
SEEN_AT = "staff_seen_at"
# The last-seen time is written at most this often, not on every request.
SEEN_RESOLUTION_SECONDS = 60


def note_sign_in(sender, request, user, **kwargs):
    """``user_logged_in`` receiver: the session's clock starts now."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[SEEN_AT] = now


def ended_because(session, now):
    """Why this staff session is over, or None while it is valid."""
    signed_in_at = session.get(SIGNED_IN_AT, now)
    seen_at = session.get(SEEN_AT, now)
    hours, minutes = settings.STAFF_SESSION_HOURS, settings.STAFF_IDLE_MINUTES
    if now - signed_in_at >= hours * 3600:
        return f"Staff sessions last {hours:g} hours. Please sign in again."
    if now - seen_at >= minutes * 60:
        return f"You were signed out after {minutes:g} minutes without activity."
    return None


class StaffSessionMiddleware:
    """After AuthenticationMiddleware: on the admin's pages (where staff use their rights; public
    pages never look at the session, and so cost no session lookup), signs a staff member out
    when the session has ended, and keeps the session cookie's expiry at the nearer of the two
    limits."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(reverse("admin:index")):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and user.is_staff:
                self.check(request)
        return self.get_response(request)

    def check(self, request):
        session, now = request.session, time.time()
        reason = ended_because(session, now)
        if reason:
            logout(request)
            messages.info(request, reason)
            return
        if SIGNED_IN_AT not in session:  # signed in before this limit existed: from now on
            session[SIGNED_IN_AT] = now
        if SEEN_AT not in session or now - session[SEEN_AT] >= SEEN_RESOLUTION_SECONDS:
            session[SEEN_AT] = now
            left = settings.STAFF_SESSION_HOURS * 3600 - (now - session[SIGNED_IN_AT])
            session.set_expiry(int(min(settings.STAFF_IDLE_MINUTES * 60, left)) or 1)
