# Joins three branches' migrations: sign-in lockouts, search, vetting.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0011_editors_unlock_sign_ins'),
        ('orgs', '0011_search_in_migrations'),
        ('orgs', '0011_vetting_sources_notes_links'),
    ]

    operations = [
    ]
