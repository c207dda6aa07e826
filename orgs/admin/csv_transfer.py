"""CSV export and import of listings in the admin: an "Export CSV" button on the list (which
exports what the list's filters and search show) and an "Import CSV" page. The format and the
rules are in orgs/csv_format.py and orgs/csv_import.py; these views only check permissions,
read the upload and show the outcome."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from ..csv_format import COLUMNS, REQUIRED_COLUMNS, write_csv
from ..csv_import import import_listings

# Spreadsheets (Excel above all) read a CSV file as UTF-8 only when it starts with a BOM.
BOM = "\ufeff"


class CsvImportForm(forms.Form):
    file = forms.FileField(label="CSV file")
    dry_run = forms.BooleanField(
        label="Only check the file; change nothing", required=False, initial=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.ORGS_CSV_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"{upload.name} is {upload.size / 1e6:.1f} MB; files up to {limit / 1e6:.0f} MB "
                "can be imported. Split it into smaller files."
            )
        return upload


class CsvTransferMixin:
    """For ``OrganisationAdmin``: the export and import views and their links."""

    change_list_template = "admin/orgs/organisation/change_list.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "export-csv/",
                self.admin_site.admin_view(self.export_csv_view),
                name="{}_{}_export_csv".format(*info),
            ),
            path(
                "import-csv/",
                self.admin_site.admin_view(self.import_csv_view),
                name="{}_{}_import_csv".format(*info),
            ),
            *super().get_urls(),
        ]

    def has_csv_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import_csv": self.has_csv_import_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def export_csv_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        try:
            listings = self.get_changelist_instance(request).queryset
        except IncorrectLookupParameters:
            self.message_user(request, "Those filters cannot be exported.", messages.ERROR)
            return redirect(self.changelist_url())
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"pillars-listings-{timezone.localdate().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.write(BOM)
        write_csv(listings.for_export().iterator(chunk_size=1000), response)
        return response

    def import_csv_view(self, request):
        if not self.has_csv_import_permission(request):
            raise PermissionDenied
        form = CsvImportForm(request.POST or None, request.FILES or None)
        upload = request.FILES.get("file")
        result = None
        if request.method == "POST" and form.is_valid():
            result = import_listings(
                upload.read(),
                filename=upload.name,
                user=request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
            if result.applied:
                self.message_user(
                    request, f"Imported {upload.name}. {result.summary()}", messages.SUCCESS
                )
                return redirect(self.changelist_url())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import listings from CSV",
            "form": form,
            "filename": upload.name if upload else "",
            "result": result,
            "columns": COLUMNS,
            "required_columns": REQUIRED_COLUMNS,
        }
        return TemplateResponse(request, "admin/orgs/organisation/import_csv.html", context)

    def changelist_url(self):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
