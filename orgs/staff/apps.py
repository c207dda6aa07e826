"""Django's admin app, with our admin site as ``admin.site`` (Django's documented way of
replacing the default site), so every ``@admin.register`` lands on the site that requires a
second factor."""

from django.contrib.admin.apps import AdminConfig
from django.contrib.auth.signals import user_logged_in


class StaffAdminConfig(AdminConfig):
    default_site = "orgs.staff.site.StaffAdminSite"

    def ready(self):
        super().ready()
        from .sessions import note_sign_in

        user_logged_in.connect(note_sign_in, dispatch_uid="orgs.staff.note_sign_in")
