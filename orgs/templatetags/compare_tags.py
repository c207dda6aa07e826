"""Template helpers of the comparison's tick boxes."""

from django import template

register = template.Library()


@register.filter
def several(listings):
    """Whether there is more than one listing: what a comparison needs to be offered."""
    return len(listings) > 1
