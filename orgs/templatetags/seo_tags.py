"""Structured data for search engines: schema.org JSON-LD describing an organisation."""

import json

from django import template
from django.utils.safestring import mark_safe

from ..models import OrganisationType

register = template.Library()

# As Django's json_script does: no "<", ">" or "&" can end the script element early.
SCRIPT_SAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

# Funders and research bodies are organisations, but not NGOs in schema.org's sense.
NGO_TYPES = {OrganisationType.CHARITY, OrganisationType.NETWORK, OrganisationType.SURVIVOR_LED}


def structured_data(organisation, page_url):
    data = {
        "@context": "https://schema.org",
        "@type": "NGO" if organisation.organisation_type in NGO_TYPES else "Organization",
        "@id": page_url + "#organisation",
        "name": organisation.name,
        "description": organisation.summary,
        "mainEntityOfPage": page_url,
        "url": organisation.website or None,
        "foundingDate": str(organisation.founded) if organisation.founded else None,
        "email": organisation.email or None,
        "telephone": organisation.phone or None,
        "address": {"@type": "PostalAddress", "addressCountry": organisation.hq_country.code}
        if organisation.hq_country
        else None,
        "areaServed": [
            {"@type": "Country", "name": row.country.name}
            for row in organisation.operating_countries.all()
        ]
        or None,
        "knowsLanguage": [language.code for language in organisation.languages.all()] or None,
        "knowsAbout": [pillar.name for pillar in organisation.pillars.all()] or None,
        "identifier": {
            "@type": "PropertyValue",
            "propertyID": organisation.registration_regulator or "registration number",
            "value": organisation.registration_number,
        }
        if organisation.registration_number
        else None,
        "sameAs": organisation.registration_url or None,
    }
    return {key: value for key, value in data.items() if value is not None}


@register.simple_tag
def organisation_json_ld(organisation, page_url):
    """A <script type="application/ld+json"> block, escaped so that no text in a listing can
    close the script element."""
    text = json.dumps(structured_data(organisation, page_url), ensure_ascii=False, indent=1)
    return mark_safe(  # noqa: S308 (escaped above: <, > and & become \u escapes)
        '<script type="application/ld+json">' + text.translate(SCRIPT_SAFE) + "</script>"
    )
