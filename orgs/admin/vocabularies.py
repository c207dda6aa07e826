"""Curation of the controlled vocabularies."""

from django.contrib import admin

from ..models import ExploitationForm, Language, Pillar, Population
from .forgiving import ForgivingAdminMixin


@admin.register(Pillar, ExploitationForm, Population)
class TermAdmin(ForgivingAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Language)
class LanguageAdmin(ForgivingAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
