"""Curation of listings: the organisation admin, its form and its actions."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.db import models, transaction
from django.utils import timezone
from django.utils.html import format_html
from django_countries import countries
from simple_history.admin import SimpleHistoryAdmin

from ..models import (
    OperatingCountry,
    Organisation,
    Source,
)
from .csv_transfer import CsvTransferMixin

# URLs typed without a scheme are taken as https (Django 6's default, chosen now).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


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
    formfield_overrides = URL_FIELDS
    extra = 1


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

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Organisation.Status.PUBLISHED and not cleaned.get("pillars"):
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


@admin.register(Organisation)
class OrganisationAdmin(CsvTransferMixin, SimpleHistoryAdmin):
    form = OrganisationForm
    formfield_overrides = URL_FIELDS
    inlines = [SourceInline]
    history_list_display = ["status", "last_reviewed_on"]
    save_on_top = True
    list_display = [
        "name",
        "status",
        "pillar_list",
        "hq_country",
        "founded",
        "last_reviewed_on",
        "public_page",
    ]
    list_filter = [
        "status",
        "pillars",
        "organisation_type",
        ("hq_country", admin.AllValuesFieldListFilter),
        "last_reviewed_on",
    ]
    search_fields = ["name", "slug", "summary", "tags", "registration_number"]
    filter_horizontal = ["pillars", "exploitation_forms", "populations", "languages"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "updated_at"
    actions = ["publish", "archive", "mark_reviewed_today"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "status", "last_reviewed_on"]}),
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
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("pillars")

    def get_readonly_fields(self, request, obj=None):
        # A slug is the address of a public page that people share: fixed once created.
        if obj is not None:
            return [*self.readonly_fields, "slug"]
        return self.readonly_fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else self.prepopulated_fields

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.save_countries(form.instance)

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

    @admin.action(description="Publish selected organisations")
    def publish(self, request, queryset):
        published, refused = 0, []
        with transaction.atomic():
            for organisation in queryset.prefetch_related("pillars", "sources"):
                problems = organisation.publication_problems()
                if problems:
                    refused.append(f"{organisation.name} ({', '.join(problems)})")
                    continue
                organisation.status = Organisation.Status.PUBLISHED
                organisation.save(update_fields=["status", "updated_at"])
                published += 1
        if published:
            self.message_user(request, f"Published {published} organisation(s).", messages.SUCCESS)
        if refused:
            self.message_user(
                request, "Not published: " + "; ".join(refused) + ".", messages.WARNING
            )

    @admin.action(description="Archive selected organisations")
    def archive(self, request, queryset):
        count = queryset.update(status=Organisation.Status.ARCHIVED, updated_at=timezone.now())
        self.message_user(request, f"Archived {count} organisation(s).", messages.SUCCESS)

    @admin.action(description="Mark selected organisations as reviewed today")
    def mark_reviewed_today(self, request, queryset):
        count = queryset.update(last_reviewed_on=timezone.localdate(), updated_at=timezone.now())
        self.message_user(
            request, f"Marked {count} organisation(s) as reviewed today.", messages.SUCCESS
        )
