"""The curators' queue of links that failed or moved (``manage.py check_links`` fills it)."""

from django.contrib import admin
from django.db.models import F
from django.urls import reverse
from django.utils.html import format_html_join

from ..links import listings_using
from ..models import BrokenLink
from .forgiving import ForgivingAdminMixin


class ProblemFilter(admin.SimpleListFilter):
    title = "problem"
    parameter_name = "problem"

    def lookups(self, request, model_admin):
        return [
            ("dead", "Dead (hidden from profiles)"),
            ("failing", "Failed the last check"),
            ("moved", "Moved"),
            ("refused", "Refused the checker (still shown)"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "dead":
            return queryset.dead()
        if self.value() == "failing":
            return queryset.filter(consecutive_failures__gt=0)
        if self.value() == "moved":
            return queryset.filter(consecutive_failures=0).exclude(final_url=F("url"))
        if self.value() == "refused":
            return queryset.filter(consecutive_failures=0, status_code__gte=400)
        return queryset


@admin.register(BrokenLink)
class BrokenLinkAdmin(ForgivingAdminMixin, admin.ModelAdmin):
    """Read-only: a link is fixed where it is used (the listing), and the next check clears it."""

    list_display = [
        "url",
        "answer",
        "final_url",
        "consecutive_failures",
        "first_failed_at",
        "checked_at",
        "used_by",
    ]
    list_display_links = None
    list_filter = [ProblemFilter]
    search_fields = ["url", "final_url", "error"]

    def get_queryset(self, request):
        return super().get_queryset(request).broken_or_moved()

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        # Which listings use each address on the page, found once for the whole page.
        checks = list(changelist.result_list)
        using = listings_using(check.url for check in checks)
        for check in checks:
            check.listings = using.get(check.url, [])
        return changelist

    @admin.display(description="Last answer")
    def answer(self, check):
        if check.error:
            return check.error
        return f"HTTP {check.status_code}" if check.status_code else "—"

    @admin.display(description="Used by")
    def used_by(self, check):
        listings = getattr(check, "listings", [])
        if not listings:
            return "—"
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:orgs_organisation_change", args=[o.pk]), o.name) for o in listings),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Whoever curates listings needs the queue.
        return request.user.has_perm("orgs.change_organisation") or super().has_view_permission(
            request, obj
        )
