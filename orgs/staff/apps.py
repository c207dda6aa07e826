"""Django's admin app, with our admin site as ``admin.site`` (Django's documented way of
replacing the default site), so every ``@admin.register`` lands on the site that requires a
second factor."""

from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    default_site = "orgs.staff.site.StaffAdminSite"
