"""Curators and editors handle what the public sends in: the suggestion and correction queues."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATION = [
    "view_organisationsuggestion",
    "change_organisationsuggestion",
    "view_correction",
    "change_correction",
]
ROLES = {
    "Curators": MODERATION,
    "Editors": [*MODERATION, "delete_organisationsuggestion", "delete_correction"],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group = Group.objects.get(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="orgs", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group = Group.objects.filter(name=name).first()
        if group:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="orgs", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [("orgs", "0007_suggestions")]

    operations = [migrations.RunPython(grant, revoke)]
