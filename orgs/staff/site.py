"""The admin site: every page needs a staff account that has also given a second factor in this
session. A staff member signed in with a password only is sent to give one (or to set one up,
the first time); only signing out is open to them before that."""

from functools import update_wrapper

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import user_has_device

from . import views


def needs_second_factor(user):
    return user.is_active and user.is_staff and not user.is_verified()


def second_factor_url(user, next_url):
    name = "admin:verify_second_factor" if user_has_device(user) else "admin:enrol_second_factor"
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


class StaffAdminSite(admin.AdminSite):
    def has_permission(self, request):
        # Also checked here, not only in admin_view(), for the few places Django asks the site
        # directly (its login page, autocomplete, each_context).
        return super().has_permission(request) and request.user.is_verified()

    def admin_view(self, view, cacheable=False):
        if view == self.logout:
            # Open to anyone signed in, second factor or not (Django's admin_view would send
            # a user the site refuses back to the index, still signed in).
            return update_wrapper(csrf_protect(never_cache(view)), view)
        wrapped = super().admin_view(view, cacheable)

        def second_factor_first(request, *args, **kwargs):
            if needs_second_factor(request.user):
                return redirect(second_factor_url(request.user, request.get_full_path()))
            return wrapped(request, *args, **kwargs)

        return update_wrapper(second_factor_first, wrapped)

    def get_urls(self):
        return [
            path("second-factor/", views.verify, name="verify_second_factor"),
            path("second-factor/set-up/", views.enrol, name="enrol_second_factor"),
            *super().get_urls(),
        ]
