"""HSDS identifiers: the stable UUID of every exported object, derived from the listing's slug
(which never changes) and the object's role, so every export gives an object the same id."""

import uuid

# Never change it: every exported id is derived from it.
NAMESPACE = uuid.UUID("6f1d3c9e-5b0a-4d55-9a43-2c4e8f0b7d21")


def hsds_id(*parts):
    """The stable UUID of one exported object, as text."""
    return str(uuid.uuid5(NAMESPACE, ":".join(str(part) for part in parts)))


def organization_id(slug):
    return hsds_id("organization", slug)


def service_id(slug):
    return hsds_id("service", slug)
