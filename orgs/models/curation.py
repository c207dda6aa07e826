"""Vetting: the criteria a listing is judged against, and each organisation's assessment
against each criterion, with the evidence behind it. Which criteria must be met before a
listing is published is a setting (``MANDATORY_CRITERIA``)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords


class CriterionQuerySet(models.QuerySet):
    def mandatory(self):
        return self.filter(slug__in=settings.MANDATORY_CRITERIA)


class Criterion(models.Model):
    """A test every listing is held to, following from the directory's thesis that long-term,
    accountable, survivor-centred work is what ends trafficking."""

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=120, unique=True)
    question = models.CharField(
        max_length=200, help_text="What a curator checks, as a question answered yes or no."
    )
    explanation = models.TextField(help_text="Why it matters, in plain words (/methodology/).")
    position = models.PositiveSmallIntegerField(default=0)

    objects = CriterionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "criteria"

    def __str__(self):
        return self.name

    @property
    def is_mandatory(self):
        return self.slug in settings.MANDATORY_CRITERIA


class Assessment(models.Model):
    """Whether one organisation meets one criterion, the page that shows it, and who checked
    it when. "Unknown" is an honest answer: it is shown as such, never guessed."""

    class Result(models.TextChoices):
        MET = "met", "Met"
        NOT_MET = "not-met", "Not met"
        UNKNOWN = "unknown", "Unknown"

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="assessments"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="assessments")
    result = models.CharField(max_length=10, choices=Result.choices, default=Result.UNKNOWN)
    evidence_url = models.URLField(
        "evidence", max_length=500, blank=True, help_text="A public page that shows the answer."
    )
    note = models.CharField(max_length=500, blank=True, help_text="Shown on the public page.")
    curator_note = models.CharField(
        max_length=1000,
        blank=True,
        help_text="For curators only, never shown publicly: what was searched, what is "
        "still to check.",
    )
    checked_on = models.DateField(null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Never shown publicly.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["criterion__position", "criterion__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "criterion"], name="assessment_once_per_criterion"
            ),
            models.CheckConstraint(
                condition=models.Q(result__in=["met", "not-met", "unknown"]),
                name="assessment_result_valid",
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.get_result_display()}"

    def clean(self):
        super().clean()
        if self.result != self.Result.UNKNOWN:
            errors = {}
            if not self.evidence_url:
                errors["evidence_url"] = "Give the page that shows this answer."
            if not self.checked_on:
                errors["checked_on"] = "Say when this was checked."
            if errors:
                raise ValidationError(errors)

    @property
    def is_met(self):
        return self.result == self.Result.MET
