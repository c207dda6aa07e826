"""The moderation queue: organisations and corrections the public has sent, and the actions
that turn them into drafts, apply them or reject them. Only staff ever see the senders'
email addresses, here."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from ..models import Correction, OrganisationSuggestion, Refused
from .forgiving import ForgivingAdminMixin
from .organisation import PillarFilter

SUBMITTED = ["email", "received_at"]


class ModerationAdmin(ForgivingAdminMixin, admin.ModelAdmin):
    """What both queues share. What the public sent is kept as it was sent: read-only here,
    and changed only through the actions."""

    list_filter = ["status", "received_at"]
    date_hierarchy = "received_at"
    readonly_fields = ["status", "received_at", "decided_at", "decided_by"]
    actions = ["reject"]
    list_per_page = 50

    def has_add_permission(self, request):
        return False  # only the public sends these, through the public forms

    def has_change_listing_permission(self, request):
        return request.user.has_perm("orgs.change_organisation")

    def has_add_listing_permission(self, request):
        return request.user.has_perm("orgs.add_organisation")

    def report(self, request, done, refused, verb):
        if done:
            self.message_user(request, f"{verb}: " + "; ".join(done) + ".", messages.SUCCESS)
        if refused:
            self.message_user(
                request, f"Not {verb.lower()}: " + "; ".join(refused) + ".", messages.WARNING
            )

    def run(self, request, queryset, method, verb, describe=None):
        """Call ``method`` on each selected item, and report by name what was done and what
        was refused, and why."""
        done, refused = [], []
        for item in queryset:
            try:
                outcome = getattr(item, method)(by=request.user)
            except Refused as reason:
                refused.append(f"{item} ({reason})")
            else:
                done.append(describe(item, outcome) if describe else str(item))
        self.report(request, done, refused, verb)

    @admin.action(description="Reject selected items", permissions=["change"])
    def reject(self, request, queryset):
        self.run(request, queryset, "reject", "Rejected")


@admin.register(OrganisationSuggestion)
class OrganisationSuggestionAdmin(ModerationAdmin):
    list_display = ["name", "status", "received_at", "country", "pillar_list", "draft_listing"]
    list_filter = ["status", ("pillars", PillarFilter), "received_at", "country"]
    search_fields = ["name", "website", "description", "email", "source_url"]
    actions = ["create_draft_listings", "reject"]
    fieldsets = [
        (None, {"fields": ["status", "listing", "received_at", "decided_at", "decided_by"]}),
        (
            "What the public sent",
            {"fields": ["name", "website", "description", "pillars", "country", "source_url"]},
        ),
        ("Sender (staff only)", {"fields": ["email"]}),
    ]
    readonly_fields = [
        *ModerationAdmin.readonly_fields,
        "listing",
        "name",
        "website",
        "description",
        "pillars",
        "country",
        "source_url",
        "email",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("listing").prefetch_related("pillars")

    @admin.display(description="Pillars")
    def pillar_list(self, suggestion):
        return ", ".join(pillar.name for pillar in suggestion.pillars.all())

    @admin.display(description="Draft listing")
    def draft_listing(self, suggestion):
        if suggestion.listing is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:orgs_organisation_change", args=[suggestion.listing.pk]),
            suggestion.listing.name,
        )

    @admin.action(
        description="Create draft listings from selected suggestions",
        permissions=["add_listing"],
    )
    def create_draft_listings(self, request, queryset):
        self.run(
            request,
            queryset,
            "create_draft_listing",
            "Created draft listings",
            describe=lambda suggestion, listing: f"{suggestion} (draft listing “{listing.slug}”)",
        )


@admin.register(Correction)
class CorrectionAdmin(ModerationAdmin):
    list_display = ["__str__", "status", "received_at", "field", "proposed_value_short"]
    list_filter = ["status", "field", "received_at"]
    search_fields = ["organisation__name", "proposed_value", "evidence_url", "email"]
    list_select_related = ["organisation"]
    actions = ["apply_corrections", "reject"]
    fieldsets = [
        (None, {"fields": ["status", "received_at", "decided_at", "decided_by"]}),
        (
            "What the public sent",
            {
                "fields": [
                    "organisation",
                    "field",
                    "criterion",
                    "current_value",
                    "proposed_value",
                    "evidence",
                ]
            },
        ),
        ("Sender (staff only)", {"fields": ["email"]}),
    ]
    readonly_fields = [
        *ModerationAdmin.readonly_fields,
        "organisation",
        "field",
        "criterion",
        "current_value",
        "proposed_value",
        "evidence",
        "email",
    ]

    @admin.display(description="Proposed")
    def proposed_value_short(self, correction):
        text = correction.proposed_value
        return text if len(text) <= 80 else text[:79] + "…"

    @admin.display(description="Evidence")
    def evidence(self, correction):
        return format_html(
            '<a href="{0}" rel="noopener noreferrer nofollow">{0}</a>', correction.evidence_url
        )

    @admin.display(description="The listing says now")
    def current_value(self, correction):
        value = correction.current_value
        return "—" if value in (None, "") else value

    @admin.action(
        description="Apply selected corrections to their listings",
        permissions=["change_listing"],
    )
    def apply_corrections(self, request, queryset):
        self.run(
            request,
            queryset,
            "apply",
            "Applied",
            describe=lambda correction, listing: (
                f"{correction} ({correction.get_field_display()} of {listing.name} changed)"
            ),
        )
