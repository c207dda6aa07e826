"""What the public sends the curators: organisations to consider, and corrections to published
listings. Both wait in a moderation queue in the admin; nothing here is ever shown publicly,
least of all the sender's email address."""

import re

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django_countries import countries
from django_countries.fields import CountryField

from .curation import Criterion
from .organisation import Organisation, Source
from .vocabularies import OrganisationType, Pillar

TEXT_LIMIT = 2000
SOURCE_SUPPORTS = "suggested by the public; to be verified"

# The facts a member of the public can correct, named as the profile page shows them. Each is
# a single value on the listing, so the model field's own validation can judge the proposal.
CORRECTABLE_FIELDS = {
    "name": "Name",
    "summary": "Summary",
    "description": "About",
    "website": "Website",
    "donate_url": "Donation page",
    "volunteer_url": "Volunteering page",
    "organisation_type": "Type",
    "founded": "Year founded",
    "hq_country": "Headquarters (country)",
    "registration_regulator": "Registration: regulator",
    "registration_number": "Registration: number",
    "registration_url": "Registration: register entry",
    "email": "Email",
    "phone": "Phone",
    "helpline_name": "Helpline: name",
    "helpline_phone": "Helpline: phone number",
    "helpline_url": "Helpline: website",
}
# Parts of a listing that hold several values or a judgement: a curator reads the proposal
# and makes the change by hand.
CORRECTABLE_LISTS = {
    "pillars": "Pillars it works on",
    "countries": "Countries it works in",
}
CRITERION = "criterion"
SOMETHING_ELSE = "other"


class Refused(Exception):
    """A curator's action that cannot be carried out; the message says why, in their words."""


class SubmissionQuerySet(models.QuerySet):
    def awaiting_decision(self):
        return self.filter(status=PublicSubmission.Status.NEW)


class PublicSubmission(models.Model):
    """What every message from the public has: where it stands in the queue, when it arrived,
    who decided about it, and an optional address to reply to (for curators only)."""

    class Status(models.TextChoices):
        NEW = "new", "New — awaiting a curator"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    email = models.EmailField(
        "sender's email",
        blank=True,
        help_text="Given so a curator can ask a question. Never shown publicly.",
    )
    received_at = models.DateTimeField("received", default=timezone.now, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-received_at"]

    @property
    def is_decided(self):
        return self.status != self.Status.NEW

    def decide(self, status, by=None):
        self.status = status
        self.decided_at = timezone.now()
        self.decided_by = by
        self.save(update_fields=["status", "decided_at", "decided_by"])

    def reject(self, by=None):
        if self.is_decided:
            raise Refused(f"already {self.get_status_display().lower()}")
        self.decide(self.Status.REJECTED, by)


class OrganisationSuggestion(PublicSubmission):
    """An organisation the public thinks belongs in the directory. A curator can turn it into
    a draft listing, which is then vetted like any other."""

    name = models.CharField("organisation name", max_length=200)
    website = models.URLField(max_length=200)
    description = models.TextField(
        "why it belongs and what it does",
        max_length=TEXT_LIMIT,
        validators=[MaxLengthValidator(TEXT_LIMIT)],
    )
    pillars = models.ManyToManyField(Pillar, related_name="suggestions", blank=True)
    country = CountryField("country where it is based")
    source_url = models.URLField("source or evidence", max_length=500, blank=True)
    listing = models.ForeignKey(
        Organisation,
        verbose_name="draft listing created",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )

    class Meta(PublicSubmission.Meta):
        verbose_name = "suggested organisation"

    def __str__(self):
        return self.name

    @transaction.atomic
    def create_draft_listing(self, by=None):
        """A draft listing from what the public told us, linked back to this suggestion."""
        if self.is_decided:
            raise Refused(f"already {self.get_status_display().lower()}")
        organisation = Organisation(
            name=self.name,
            slug=unique_slug(self.name),
            summary=summary_from(self.description),
            website=self.website,
            hq_country=self.country,
            status=Organisation.Status.DRAFT,
        )
        organisation._change_reason = f"Created from suggestion #{self.pk} from the public"
        organisation.save()
        organisation.pillars.set(self.pillars.all())
        if self.source_url:
            Source.objects.create(
                organisation=organisation, url=self.source_url, supports=SOURCE_SUPPORTS
            )
        self.listing = organisation
        self.save(update_fields=["listing"])
        self.decide(self.Status.ACCEPTED, by)
        return organisation


class Correction(PublicSubmission):
    """Something the public says is wrong or out of date in a published listing, with the
    evidence. A curator applies it (when it names one fact) or deals with it by hand."""

    FIELD_CHOICES = [
        *CORRECTABLE_FIELDS.items(),
        *CORRECTABLE_LISTS.items(),
        (CRITERION, "How it was vetted (choose the criterion)"),
        (SOMETHING_ELSE, "Something else"),
    ]

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="corrections"
    )
    field = models.CharField("what is wrong", max_length=40, choices=FIELD_CHOICES)
    proposed_value = models.TextField(
        "the correct value, or what is wrong",
        max_length=TEXT_LIMIT,
        validators=[MaxLengthValidator(TEXT_LIMIT)],
    )
    evidence_url = models.URLField("evidence", max_length=500)
    criterion = models.ForeignKey(
        Criterion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="corrections",
        help_text="The vetting criterion a correction about how the listing was vetted names.",
    )

    class Meta(PublicSubmission.Meta):
        verbose_name = "correction"

    def __str__(self):
        return f"Correction #{self.pk} to {self.organisation}"

    def clean(self):
        super().clean()
        if self.field == CRITERION and self.criterion_id is None:
            raise ValidationError({"criterion": "Choose which criterion is wrong."})
        if self.field != CRITERION:
            self.criterion = None

    @property
    def names_one_fact(self):
        return self.field in CORRECTABLE_FIELDS

    @property
    def current_value(self):
        """What the listing says now about the part the correction names, for the curator."""
        organisation = self.organisation
        if self.field == "pillars":
            return ", ".join(pillar.name for pillar in organisation.pillars.all())
        if self.field == "countries":
            return ", ".join(row.country.name for row in organisation.operating_countries.all())
        if self.field == CRITERION and self.criterion is not None:
            assessment = organisation.assessments.filter(criterion=self.criterion).first()
            result = assessment.get_result_display() if assessment else "not yet assessed"
            return f"{self.criterion.name}: {result}"
        if not self.names_one_fact:
            return None
        if self.field == "hq_country":
            return self.organisation.hq_country.name
        display = getattr(self.organisation, f"get_{self.field}_display", None)
        return display() if display else getattr(self.organisation, self.field)

    def value_for_field(self):
        """The proposal as the listing stores it: people type a country's or a type's name,
        the listing keeps its code."""
        value = self.proposed_value.strip()
        if self.field == "hq_country":
            return countries.by_name(value) or value.upper()
        if self.field == "organisation_type":
            by_label = {label.lower(): code for code, label in OrganisationType.choices}
            return by_label.get(value.lower(), value)
        return value

    @transaction.atomic
    def apply(self, by=None):
        """Write the proposed value into the listing, judged by the listing's own validation.
        The listing stays as it is otherwise (published stays published); its history records
        where the change came from."""
        if self.is_decided:
            raise Refused(f"already {self.get_status_display().lower()}")
        if not self.names_one_fact:
            raise Refused("it is about something else; make the change by hand")
        organisation = Organisation.objects.select_for_update().get(pk=self.organisation_id)
        try:
            # The field turns the text into its own type first, so that the listing's clean()
            # only ever sees a value of the right type.
            try:
                value = Organisation._meta.get_field(self.field).to_python(self.value_for_field())
            except ValidationError as error:
                raise ValidationError({self.field: error.messages}) from error
            setattr(organisation, self.field, value)
            organisation.full_clean()
        except ValidationError as error:
            problems = [
                f"{label_of(field)}: {message}"
                for field, messages in error.message_dict.items()
                for message in messages
            ]
            raise Refused("the listing would not accept it: " + " ".join(problems)) from error
        organisation._change_reason = f"Correction #{self.pk} from the public"
        organisation.save()
        self.organisation = organisation
        self.decide(self.Status.ACCEPTED, by)
        return organisation


def label_of(field):
    if field in CORRECTABLE_FIELDS:
        return CORRECTABLE_FIELDS[field]
    try:
        return Organisation._meta.get_field(field).verbose_name
    except FieldDoesNotExist:
        return "listing"


def summary_from(text, limit=300):
    """One line of at most ``limit`` characters, cut at a word and marked as cut."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "…"


def unique_slug(name):
    max_length = Organisation._meta.get_field("slug").max_length
    base = slugify(name)[:max_length].strip("-") or "suggested-organisation"
    slug, number = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        number += 1
        suffix = f"-{number}"
        slug = base[: max_length - len(suffix)].rstrip("-") + suffix
    return slug
