"""PostgreSQL's trigram index on names is no longer read: a misspelt name is widened to the
closest words of names before the query reaches either database (orgs/search/query.py), so
both match and rank names the same way. The statement is valid SQL on SQLite too, where no
such index exists. Going back does not rebuild the index: the code of 0011-0015 still
searches without it, only more slowly on misspelt names."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0015_opsdata_hsds_ids"),
    ]

    operations = [
        migrations.RunSQL(
            "DROP INDEX IF EXISTS orgs_searchdocument_name_trgm", migrations.RunSQL.noop
        ),
    ]
