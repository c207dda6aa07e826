"""The vetting criteria (explained on /methodology/) and the two curation roles.

Curators edit listings and their assessments and handle what the public sends in; editors can
also publish, unpublish and archive listings and manage curators' accounts."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CRITERIA = [
    {
        "slug": "long-standing",
        "name": "Long-standing work",
        "question": "Has it worked against trafficking for at least five years?",
        "explanation": (
            "Ending trafficking takes years: networks adapt, laws take time to change, and "
            "survivors need support long after the first months. We list groups that have "
            "shown they can keep going for at least five years, through changes of funding "
            "and of fashion."
        ),
    },
    {
        "slug": "registered",
        "name": "Registered and accountable",
        "question": "Is it registered with a public regulator, such as a charity register, "
        "a court's register of associations or a tax authority?",
        "explanation": (
            "Registration means someone outside the organisation can check who runs it and "
            "hold it to account. A register entry also lets you confirm that a gift goes "
            "where you think it goes."
        ),
    },
    {
        "slug": "publishes-accounts",
        "name": "Open about its money and results",
        "question": "Does it publish annual accounts or an annual report?",
        "explanation": (
            "Groups that say every year what they spent and what it achieved let supporters "
            "judge for themselves. Moving stories are not a substitute for accounts."
        ),
    },
    {
        "slug": "survivor-centred",
        "name": "Survivor-centred, long-term support",
        "question": "Does its work put trafficked people's long-term recovery first, with no "
        "raids or “rescues” left without aftercare?",
        "explanation": (
            "A rescue without shelter, legal help, health care and a way to earn a living can "
            "leave people worse off, or back in the hands of traffickers. We look for work "
            "that stays with people for months and years, and lets survivors choose."
        ),
    },
    {
        "slug": "local-partners",
        "name": "Works with local partners",
        "question": "Does it work with local organisations and the authorities where it "
        "operates?",
        "explanation": (
            "People who live and work in a place know its risks and its people. Groups that "
            "work alongside local organisations, and with police, labour inspectors and "
            "social services, leave lasting capacity behind; outsiders acting alone seldom do."
        ),
    },
]

CURATOR_PERMISSIONS = [
    ("orgs", "add_organisation"),
    ("orgs", "change_organisation"),
    ("orgs", "view_organisation"),
    ("orgs", "view_listingdueforreview"),
    ("orgs", "change_listingdueforreview"),
    ("orgs", "add_source"),
    ("orgs", "change_source"),
    ("orgs", "delete_source"),
    ("orgs", "view_source"),
    ("orgs", "add_assessment"),
    ("orgs", "change_assessment"),
    ("orgs", "delete_assessment"),
    ("orgs", "view_assessment"),
    ("orgs", "view_criterion"),
    ("orgs", "view_pillar"),
    ("orgs", "view_exploitationform"),
    ("orgs", "view_population"),
    ("orgs", "view_language"),
]
EDITOR_PERMISSIONS = [
    *CURATOR_PERMISSIONS,
    ("orgs", "publish_organisation"),
    ("orgs", "change_criterion"),
    ("auth", "add_user"),
    ("auth", "change_user"),
    ("auth", "view_user"),
    ("auth", "view_group"),
]
ROLES = {"Curators": CURATOR_PERMISSIONS, "Editors": EDITOR_PERMISSIONS}


def add_criteria_and_roles(apps, schema_editor):
    Criterion = apps.get_model("orgs", "Criterion")
    for position, criterion in enumerate(CRITERIA):
        Criterion.objects.get_or_create(
            slug=criterion["slug"], defaults={**criterion, "position": position}
        )

    # Permissions are normally created after all migrations; roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in wanted:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("orgs", "0005_vetting_and_workflow"),
    ]

    operations = [migrations.RunPython(add_criteria_and_roles, remove_roles)]
