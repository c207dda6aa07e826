"""Curation of listings: the organisation admin, its form and its actions."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django_countries import countries
from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME

from .. import caching
from ..models import (
    Assessment,
    Criterion,
    ListingDueForReview,
    OperatingCountry,
    Organisation,
    Source,
)
from .csv_transfer import CsvTransferMixin
from .forgiving import ForgivingAdminMixin, ForgivingHistoryMixin

# URLs typed without a scheme are taken as https (Django 6's default, chosen now).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}
# In an inline's row, a plain box: the admin's "Currently: <address>" line above it does not
# wrap, and a long address made the form wider than the window.
INLINE_URL_FIELDS = {
    models.URLField: {**URL_FIELDS[models.URLField], "widget": forms.URLInput(attrs={"size": 20})}
}


def formfield_with_https(field, **kwargs):
    return field.formfield(**{**URL_FIELDS.get(type(field), {}), **kwargs})


class SourceInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if self.instance.status != Organisation.Status.PUBLISHED:
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("url")
        ]
        if not kept:
            raise forms.ValidationError("A published listing needs at least one source.")


class SourceInline(admin.TabularInline):
    model = Source
    formset = SourceInlineFormSet
    formfield_overrides = INLINE_URL_FIELDS
    extra = 1


class CriterionShown(forms.HiddenInput):
    """A row's criterion as text, sent back unchanged: a curator never picks it."""

    is_hidden = False  # its own column, headed "Criterion"

    def __init__(self, names):
        super().__init__()
        self.names = names

    def render(self, name, value, attrs=None, renderer=None):
        hidden = super().render(name, value, attrs, renderer)
        return format_html("{}{}", hidden, self.names.get(str(value), ""))


class AssessmentInlineFormSet(forms.BaseInlineFormSet):
    """One row per criterion: those assessed, then one for each criterion not yet assessed,
    pre-filled with it and "unknown". A row left as it was is not saved, so opening and saving
    a listing adds nothing; the criterion travels with its row (a hidden field), so a row
    keeps its criterion even if another curator assessed one meanwhile (the database's
    constraint then refuses the duplicate, with a message)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        criteria = list(Criterion.objects.all())
        assessed = {assessment.criterion_id for assessment in self.get_queryset()}
        self.initial_extra = [
            {"criterion": criterion.pk, "result": Assessment.Result.UNKNOWN}
            for criterion in criteria
            if criterion.pk not in assessed
        ]
        self.criterion_names = {str(criterion.pk): criterion.name for criterion in criteria}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["criterion"].widget = CriterionShown(self.criterion_names)

    def clean(self):
        super().clean()
        # Django leaves the (organisation, criterion) constraint to the database for an
        # inline's rows: a row for a criterion assessed meanwhile would be a server error.
        if not self.instance.pk:
            return
        taken = set(self.instance.assessments.values_list("criterion_id", flat=True))
        for form in self.extra_forms:
            criterion = form.has_changed() and form.cleaned_data.get("criterion")
            if criterion and criterion.pk in taken:
                raise ValidationError(
                    f"“{criterion.name}” was assessed by someone else while this page was "
                    "open. Your row for it was not saved: reload the page to see theirs."
                )


class AssessmentInline(admin.TabularInline):
    """Each vetting criterion, met / not met / unknown, with its evidence: one row each."""

    model = Assessment
    formset = AssessmentInlineFormSet
    formfield_overrides = INLINE_URL_FIELDS
    fields = [
        "criterion",
        "result",
        "evidence_url",
        "note",
        "curator_note",
        "checked_on",
        "checked_by",
    ]
    readonly_fields = ["checked_by"]
    # A criterion not met is said so; removing its row would only make it "not yet known".
    can_delete = False

    def get_extra(self, request, obj=None, **kwargs):
        assessed = obj.assessments.count() if obj else 0
        return max(Criterion.objects.count() - assessed, 0)

    def get_max_num(self, request, obj=None, **kwargs):
        return Criterion.objects.count()


class PillarFilter(admin.RelatedFieldListFilter):
    """The pillars by name, without Django's "-" choice for a listing with none: a listing
    cannot be published without a pillar, and a lone "-" read as a stray mark."""

    @property
    def include_empty_choice(self):
        return False


class HeadquartersFilter(admin.SimpleListFilter):
    """The countries listings have their head office in, by name (Django's own filter showed
    their ISO codes)."""

    title = "headquarters"
    parameter_name = "hq_country"

    def lookups(self, request, model_admin):
        codes = (
            model_admin.get_queryset(request)
            .exclude(hq_country="")
            .values_list("hq_country", flat=True)
            .distinct()
            .order_by()
        )
        return sorted(((code, countries.name(code) or code) for code in codes), key=lambda c: c[1])

    def queryset(self, request, queryset):
        return queryset.filter(hq_country=self.value()) if self.value() else queryset


class ReviewDueFilter(admin.SimpleListFilter):
    title = "yearly review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("due", "Due or overdue"), ("soon", "Due within 30 days")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "due":
            return queryset.due_for_review()
        if self.value() == "soon":
            return queryset.due_for_review(on=today + timedelta(days=30))
        return queryset


# A listing's place in the workflow moves only through Organisation.move_to(), which checks who
# may make the move and that a listing to publish meets the mandatory criteria.
WORKFLOW_FIELDS = ["status", "status_changed_at", "status_changed_by"]


def keep_workflow_of_today(past_version):
    """Give a past version being reverted to the listing's current workflow fields, so that a
    revert restores content and never a status (an archived listing would become public)."""
    current = Organisation.objects.filter(pk=past_version.pk).values(*WORKFLOW_FIELDS).first()
    if current is None:  # the listing was deleted: its history cannot bring it back
        raise PermissionDenied
    for name in WORKFLOW_FIELDS:
        setattr(past_version, f"{name}_id" if name == "status_changed_by" else name, current[name])


class OrganisationForm(forms.ModelForm):
    countries = forms.MultipleChoiceField(
        label="Countries of operation",
        choices=list(countries),
        required=False,
        widget=FilteredSelectMultiple("countries", is_stacked=False),
    )

    class Meta:
        model = Organisation
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose what is shown)
        formfield_callback = formfield_with_https

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["countries"] = [
                row.country.code for row in self.instance.operating_countries.all()
            ]
        # On django-simple-history's revert page the instance is a past version: offer its
        # pillars, forms, populations and languages, not today's.
        past = getattr(self.instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None)
        if past is not None:
            keep_workflow_of_today(self.instance)
            for name in ["pillars", "exploitation_forms", "populations", "languages"]:
                target = self._meta.model._meta.get_field(name).related_model._meta.model_name
                self.initial[name] = [
                    getattr(row, f"{target}_id") for row in getattr(past, name).all()
                ]

    def clean(self):
        cleaned = super().clean()
        if self.instance.is_published and "pillars" in cleaned and not cleaned["pillars"]:
            self.add_error("pillars", "A published listing needs at least one pillar.")
        return cleaned

    def save_countries(self, organisation):
        wanted = set(self.cleaned_data.get("countries", []))
        current = {row.country.code for row in organisation.operating_countries.all()}
        organisation.operating_countries.exclude(country__in=wanted).delete()
        OperatingCountry.objects.bulk_create(
            OperatingCountry(organisation=organisation, country=code)
            for code in sorted(wanted - current)
        )
        caching.changed()  # a bulk write sends no signal


@admin.register(Organisation)
class OrganisationAdmin(
    ForgivingHistoryMixin, ForgivingAdminMixin, CsvTransferMixin, SimpleHistoryAdmin
):
    form = OrganisationForm
    formfield_overrides = URL_FIELDS
    inlines = [SourceInline, AssessmentInline]
    history_list_display = ["status", "last_reviewed_on"]
    save_on_top = True
    # Fits 1,280 px beside the filters (tests/browser/test_admin.py): the founding year and
    # the last review are on the form; the review due date says what the last review means.
    list_display = [
        "name",
        "status",
        "pillar_list",
        "hq_country",
        "review_due",
        "public_page",
    ]
    list_filter = [
        "status",
        ("pillars", PillarFilter),
        "organisation_type",
        HeadquartersFilter,
        ReviewDueFilter,
    ]
    search_fields = ["name", "slug", "summary", "tags", "registration_number"]
    filter_horizontal = ["pillars", "exploitation_forms", "populations", "languages"]
    # Status only moves through the workflow actions, which check permissions and criteria.
    readonly_fields = [
        "status",
        "status_changed_at",
        "status_changed_by",
        "review_due",
        "created_at",
        "updated_at",
    ]
    date_hierarchy = "updated_at"
    actions = [
        "submit_for_review",
        "publish",
        "send_back_to_draft",
        "unpublish",
        "archive",
        "mark_reviewed_today",
    ]
    fieldsets = [
        (None, {"fields": ["name", "slug", "status", "last_reviewed_on", "review_due"]}),
        ("What they do", {"fields": ["summary", "description", "tags", "pillars"]}),
        (
            "Who and where",
            {
                "fields": [
                    "organisation_type",
                    "founded",
                    "hq_country",
                    "countries",
                    "exploitation_forms",
                    "populations",
                    "languages",
                ]
            },
        ),
        ("Links", {"fields": ["website", "donate_url", "volunteer_url"]}),
        (
            "Registration",
            {"fields": ["registration_regulator", "registration_number", "registration_url"]},
        ),
        (
            "Contact",
            {"fields": ["email", "phone", "helpline_name", "helpline_phone", "helpline_url"]},
        ),
        ("For curators only", {"fields": ["curator_note"]}),
        (
            "Record",
            {
                "fields": ["status_changed_at", "status_changed_by", "created_at", "updated_at"],
                "classes": ["collapse"],
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("pillars")

    def get_readonly_fields(self, request, obj=None):
        # A slug is the address of a public page that people share: fixed once created.
        if obj is not None:
            return [*self.readonly_fields, "slug"]
        return self.readonly_fields

    def get_prepopulated_fields(self, request, obj=None):
        # Only when adding: the slug is read-only afterwards. (Not a class attribute, which
        # django-simple-history's revert page would use on a form without a slug field.)
        return {} if obj is not None else {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        past = getattr(obj, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None)
        if past is not None:
            when = timezone.localtime(past.history_date).strftime("%Y-%m-%d %H:%M")
            obj._change_reason = (
                f"Reverted to the version of {when} (status kept: {obj.get_status_display()})"
            )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        organisation = form.instance
        before = organisation.related_record() if change else None
        super().save_related(request, form, formsets, change)
        form.save_countries(organisation)
        if before is not None:
            organisation.record_related_changes(before)

    def save_formset(self, request, form, formset, change):
        # Who checked a criterion is recorded for curators; it is never shown publicly.
        if formset.model is Assessment:
            for inline_form in formset.forms:
                if inline_form.has_changed() and inline_form.instance.result != "unknown":
                    inline_form.instance.checked_by = request.user
        super().save_formset(request, form, formset, change)

    @admin.display(description="Review due")
    def review_due(self, organisation):
        if not organisation.is_published:
            return "—"
        if organisation.review_due_on is None:
            return "Never reviewed"
        label = organisation.review_due_on.isoformat()
        return f"{label} (overdue)" if organisation.is_review_overdue else label

    def view_on_site(self, organisation):
        # Only published listings have a public page; a draft's link would be a 404.
        return organisation.get_absolute_url() if organisation.is_published else None

    @admin.display(description="Pillars")
    def pillar_list(self, organisation):
        return ", ".join(pillar.name for pillar in organisation.pillars.all())

    @admin.display(description="Public page")
    def public_page(self, organisation):
        if not organisation.is_published:
            return "—"
        return format_html('<a href="{}">View</a>', organisation.get_absolute_url())

    def has_publish_permission(self, request):
        return request.user.has_perm(Organisation.PUBLISH_PERMISSION)

    def move(self, request, queryset, status, done):
        """Move each listing along the workflow, reporting by name any that cannot move."""
        moved, refused = 0, []
        with transaction.atomic():
            for organisation in queryset.prefetch_related("pillars", "sources", "assessments"):
                try:
                    organisation.move_to(status, by=request.user)
                except ValidationError as error:
                    refused.append(f"{organisation.name} ({', '.join(error.messages)})")
                else:
                    moved += 1
        if moved:
            self.message_user(request, f"{done} {moved} organisation(s).", messages.SUCCESS)
        if refused:
            self.message_user(request, "Not changed: " + "; ".join(refused) + ".", messages.WARNING)

    @admin.action(description="Submit selected drafts for review")
    def submit_for_review(self, request, queryset):
        self.move(request, queryset, Organisation.Status.REVIEW, "Submitted for review")

    @admin.action(description="Send selected listings back to draft", permissions=["change"])
    def send_back_to_draft(self, request, queryset):
        self.move(request, queryset, Organisation.Status.DRAFT, "Sent back to draft")

    @admin.action(description="Publish selected listings", permissions=["publish"])
    def publish(self, request, queryset):
        self.move(request, queryset, Organisation.Status.PUBLISHED, "Published")

    @admin.action(description="Unpublish selected listings for review", permissions=["publish"])
    def unpublish(self, request, queryset):
        self.move(request, queryset, Organisation.Status.REVIEW, "Unpublished")

    @admin.action(description="Archive selected listings", permissions=["publish"])
    def archive(self, request, queryset):
        self.move(request, queryset, Organisation.Status.ARCHIVED, "Archived")

    @admin.action(description="Mark selected listings as reviewed today", permissions=["change"])
    def mark_reviewed_today(self, request, queryset):
        count = 0
        for organisation in queryset:
            organisation.mark_reviewed(by=request.user)
            count += 1
        self.message_user(
            request, f"Marked {count} organisation(s) as reviewed today.", messages.SUCCESS
        )


@admin.register(ListingDueForReview)
class ListingDueForReviewAdmin(ForgivingAdminMixin, admin.ModelAdmin):
    """The review queue: published listings whose yearly review is due, oldest first."""

    list_display = ["name", "last_reviewed_on", "review_due_on", "edit_listing"]
    list_display_links = None
    search_fields = ["name", "slug"]
    actions = ["mark_reviewed_today"]
    mark_reviewed_today = OrganisationAdmin.mark_reviewed_today

    def get_queryset(self, request):
        return super().get_queryset(request).due_for_review()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Review due on")
    def review_due_on(self, organisation):
        return organisation.review_due_on or "Never reviewed"

    @admin.display(description="Listing")
    def edit_listing(self, organisation):
        url = reverse("admin:orgs_organisation_change", args=[organisation.pk])
        return format_html('<a href="{}">Review and edit</a>', url)
