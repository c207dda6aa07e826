"""The public's forms: suggest an organisation, suggest a correction. Both carry a honeypot
and say, at the top, what needs fixing and where."""

from django import forms
from django.db import models

from .keys import KeyCheckedChoiceField, KeyCheckedMultipleChoiceField
from .models import Correction, Criterion, OrganisationSuggestion, Pillar

HONEYPOT = "fax_number"


def formfield_for_public(field, **kwargs):
    # URLs typed without a scheme are taken as https (Django 6's default, chosen now).
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class PublicSubmissionForm(forms.ModelForm):
    """What both public forms share: a field only robots fill in, and the error summary."""

    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT] = forms.CharField(
            label="Leave this field empty",
            required=False,
            max_length=100,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    @property
    def caught_in_honeypot(self):
        return bool(self.data.get(HONEYPOT, "").strip())

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != HONEYPOT]

    @property
    def honeypot(self):
        return self[HONEYPOT]

    def error_summary(self):
        """(anchor, message) for each error, in the order of the fields, for the links at the
        top of the page; an anchor is None when the error is about the form as a whole."""
        summary = [(None, message) for message in self.non_field_errors()]
        for field in self.visible_fields():
            for message in field.errors:
                # A group of checkboxes has no element of its own id; its first box has.
                multiple = isinstance(field.field.widget, forms.CheckboxSelectMultiple)
                anchor = f"{field.auto_id}_0" if multiple else field.auto_id
                summary.append((anchor, f"{field.label}: {message}"))
        return summary


class OrganisationSuggestionForm(PublicSubmissionForm):
    # Key-checked: a value such as 99999999999999999999999 is a wrong choice, not an error.
    pillars = KeyCheckedMultipleChoiceField(
        label="Which pillars it works on",
        queryset=Pillar.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose every one that applies.",
        error_messages={
            "required": "Choose at least one pillar.",
            "invalid_choice": "Choose pillars from the list.",
            "invalid_pk_value": "Choose pillars from the list.",
        },
    )

    class Meta:
        model = OrganisationSuggestion
        fields = ["name", "website", "description", "pillars", "country", "email", "source_url"]
        formfield_callback = formfield_for_public
        labels = {
            "name": "Organisation name",
            "description": "What it does, and why it belongs in Pillars",
            "email": "Your email address (optional)",
            "source_url": "A page that backs this up (optional)",
        }
        help_texts = {
            "website": "For example https://example.org",
            "description": "A few sentences in your own words: the work, where, and for how "
            "long. At most 2,000 characters.",
            "country": "Where its main office is.",
            "email": "Only our curators see it, and only to ask you a question. "
            "It is never published.",
            "source_url": "A report, register entry or article about the organisation.",
        }
        error_messages = {
            "name": {"required": "Enter the organisation's name."},
            "website": {
                "required": "Enter the organisation's website.",
                "invalid": "Enter the website as a full address, like https://example.org",
            },
            "description": {"required": "Tell us what the organisation does."},
            "country": {"required": "Choose the country where it is based."},
            "email": {
                "invalid": "Enter an email address like name@example.org, or leave it empty."
            },
            "source_url": {"invalid": "Enter the page's full address, like https://example.org"},
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "off"}),
            "website": forms.URLInput(attrs={"autocomplete": "off"}),
            "description": forms.Textarea(attrs={"rows": 6}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "source_url": forms.URLInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [
            ("", "Choose a country"),
            *self.fields["country"].choices[1:],
        ]


class CorrectionForm(PublicSubmissionForm):
    criterion = KeyCheckedChoiceField(
        label="Which vetting criterion (only if that is what is wrong)",
        queryset=Criterion.objects.all(),
        required=False,
        empty_label="Not about how it was vetted",
        error_messages={"invalid_choice": "Choose a criterion from the list."},
    )

    class Meta:
        model = Correction
        fields = ["field", "criterion", "proposed_value", "evidence_url", "email"]
        formfield_callback = formfield_for_public
        labels = {
            "field": "Which part is wrong",
            "proposed_value": "What it should say, or what is wrong",
            "evidence_url": "A page that shows the correct information",
            "email": "Your email address (optional)",
        }
        help_texts = {
            "proposed_value": "For a single fact, type just the correct value; for pillars "
            "or countries, the whole list as it should be. At most 2,000 characters.",
            "evidence_url": "For example the organisation's own page or an official register.",
            "email": "Only our curators see it, and only to ask you a question. "
            "It is never published.",
        }
        error_messages = {
            "field": {"required": "Choose which part of the listing is wrong."},
            "proposed_value": {"required": "Tell us the correct value or what is wrong."},
            "evidence_url": {
                "required": "Enter the address of a page that shows the correct information.",
                "invalid": "Enter the page's full address, like https://example.org",
            },
            "email": {
                "invalid": "Enter an email address like name@example.org, or leave it empty."
            },
        }
        widgets = {
            "proposed_value": forms.Textarea(attrs={"rows": 4}),
            "evidence_url": forms.URLInput(attrs={"autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.fields["field"].choices = [
            ("", "Choose a part of the listing"),
            *self.fields["field"].choices[1:],
        ]
