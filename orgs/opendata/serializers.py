"""What the JSON API says about each thing, field by field.

Every serializer names its fields: none uses ``fields = "__all__"`` or a model's whole
``__dict__``, so a field added to a model later (a curator's note, who checked what) is never
published until someone adds it here on purpose. tests/test_api.py checks the exact keys."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Organisation


def absolute(request, path):
    return request.build_absolute_uri(path) if request is not None else path


class SlugNameSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class OrganisationSummarySerializer(serializers.ModelSerializer):
    """A listing in a list: what a result card shows, and where to find the rest."""

    hq_country = serializers.SerializerMethodField()
    website = serializers.SerializerMethodField()
    pillars = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    countries = serializers.SerializerMethodField()
    profile_url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "name",
            "summary",
            "organisation_type",
            "founded",
            "hq_country",
            "pillars",
            "countries",
            "website",
            "last_reviewed_on",
            "updated_at",
            "profile_url",
            "api_url",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True, "example": "GB"})
    def get_hq_country(self, organisation):
        return organisation.hq_country.code or None

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_website(self, organisation):
        """Empty when unknown, or once found dead (as the profile does: orgs/links.py)."""
        return organisation.shown_link("website")

    @extend_schema_field({"type": "array", "items": {"type": "string", "example": "GB"}})
    def get_countries(self, organisation):
        return [row.country.code for row in organisation.operating_countries.all()]

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_profile_url(self, organisation):
        return absolute(self.context.get("request"), organisation.get_absolute_url())

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_api_url(self, organisation):
        path = reverse("opendata:api-organisation", kwargs={"slug": organisation.slug})
        return absolute(self.context.get("request"), path)


class SourceSerializer(serializers.Serializer):
    url = serializers.URLField()
    supports = serializers.CharField()


class VettingSerializer(serializers.Serializer):
    """One criterion and this listing's assessment of it: the public part only (the note
    shown on the profile, never who checked it)."""

    criterion = serializers.CharField()
    name = serializers.CharField()
    mandatory = serializers.BooleanField()
    result = serializers.ChoiceField(choices=["met", "not-met", "unknown"])
    evidence_url = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)
    checked_on = serializers.DateField(allow_null=True)


class RegistrationSerializer(serializers.Serializer):
    regulator = serializers.CharField(allow_blank=True)
    number = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)


class ContactSerializer(serializers.Serializer):
    email = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)


class HelplineSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)


class OrganisationSerializer(OrganisationSummarySerializer):
    """One published listing: every public fact of its profile page, its links as the
    profile shows them (one found dead is empty, or left out of the sources)."""

    organisation_type_label = serializers.CharField(source="get_organisation_type_display")
    tags = serializers.ListField(source="tag_list", child=serializers.CharField())
    exploitation_forms = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    populations = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    languages = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    registration = serializers.SerializerMethodField()
    contact = serializers.SerializerMethodField()
    helpline = serializers.SerializerMethodField()
    sources = SourceSerializer(source="shown_sources", many=True, read_only=True)
    vetting = serializers.SerializerMethodField()
    review_overdue = serializers.BooleanField(source="is_review_overdue")

    class Meta(OrganisationSummarySerializer.Meta):
        fields = [
            *OrganisationSummarySerializer.Meta.fields,
            "organisation_type_label",
            "description",
            "tags",
            "exploitation_forms",
            "populations",
            "languages",
            "donate_url",
            "volunteer_url",
            "registration",
            "contact",
            "helpline",
            "sources",
            "vetting",
            "review_overdue",
        ]
        read_only_fields = fields

    @extend_schema_field(RegistrationSerializer)
    def get_registration(self, organisation):
        return {
            "regulator": organisation.registration_regulator,
            "number": organisation.registration_number,
            "url": organisation.registration_url,
        }

    @extend_schema_field(ContactSerializer)
    def get_contact(self, organisation):
        return {"email": organisation.email, "phone": organisation.phone}

    @extend_schema_field(HelplineSerializer)
    def get_helpline(self, organisation):
        return {
            "name": organisation.helpline_name,
            "phone": organisation.helpline_phone,
            "url": organisation.helpline_url,
        }

    @extend_schema_field(VettingSerializer(many=True))
    def get_vetting(self, organisation):
        rows = []
        for criterion, assessment in organisation.vetting(self.context["criteria"]):
            rows.append(
                {
                    "criterion": criterion.slug,
                    "name": criterion.name,
                    "mandatory": criterion.is_mandatory,
                    "result": assessment.result if assessment else "unknown",
                    "evidence_url": assessment.evidence_url if assessment else "",
                    "note": assessment.note if assessment else "",
                    "checked_on": assessment.checked_on if assessment else None,
                }
            )
        return VettingSerializer(rows, many=True).data


class PillarSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    organisation_count = serializers.IntegerField()
    page_url = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_page_url(self, pillar):
        return absolute(self.context.get("request"), pillar.get_absolute_url())


class PillarCoverageSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    organisation_count = serializers.IntegerField()


class CountrySerializer(serializers.Serializer):
    """A country where published organisations work, how many, and how many on each pillar
    (0: a gap)."""

    code = serializers.CharField()
    name = serializers.CharField()
    organisation_count = serializers.IntegerField()
    pillars = PillarCoverageSerializer(many=True)
    page_url = serializers.URLField()
    api_url = serializers.URLField()


class TermSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)


class LanguageSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ChoiceSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class CriterionSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    question = serializers.CharField()
    mandatory = serializers.BooleanField(source="is_mandatory")


class VocabulariesSerializer(serializers.Serializer):
    pillars = TermSerializer(many=True)
    exploitation_forms = TermSerializer(many=True)
    populations = TermSerializer(many=True)
    languages = LanguageSerializer(many=True)
    organisation_types = ChoiceSerializer(many=True)
    criteria = CriterionSerializer(many=True)
    sort = ChoiceSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    """Every error the API answers: what went wrong, and for bad parameters which and why."""

    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
