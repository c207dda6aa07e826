"""Each listing keeps the HSDS ids of its organization and service, so that the open data API
finds one by its id with one indexed query rather than by deriving the id of every slug."""

import uuid

from django.db import migrations

import orgs.models.organisation

# orgs/opendata/ids.py, as it was when this migration was written: ids never change.
NAMESPACE = uuid.UUID("6f1d3c9e-5b0a-4d55-9a43-2c4e8f0b7d21")


def fill_ids(apps, schema_editor):
    Organisation = apps.get_model("orgs", "Organisation")
    listings = list(Organisation.objects.only("pk", "slug"))
    for listing in listings:
        listing.hsds_organization_uuid = uuid.uuid5(NAMESPACE, f"organization:{listing.slug}")
        listing.hsds_service_uuid = uuid.uuid5(NAMESPACE, f"service:{listing.slug}")
    Organisation.objects.bulk_update(
        listings, ["hsds_organization_uuid", "hsds_service_uuid"], batch_size=500
    )


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0014_correction_names_lists_and_criteria"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="hsds_organization_uuid",
            field=orgs.models.organisation.HsdsIdField(
                editable=False, null=True, role="organization"
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="hsds_service_uuid",
            field=orgs.models.organisation.HsdsIdField(editable=False, null=True, role="service"),
        ),
        migrations.RunPython(fill_ids, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="organisation",
            name="hsds_organization_uuid",
            field=orgs.models.organisation.HsdsIdField(editable=False, role="organization"),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="hsds_service_uuid",
            field=orgs.models.organisation.HsdsIdField(editable=False, role="service"),
        ),
    ]
