"""A report that something breaks the community's convention names the article by a reference
that holds across conventions and versions ("12:4": the convention, the article's key), in
place of a bare number. Nothing could set the number before (the form did not ask for it)."""

from importlib import import_module

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

# On SQLite, tortoise's own table rebuild loses the table's UNIQUE(item, reporter): 0011's
# rebuild (rename aside, create from the model, copy, drop) keeps every constraint.
RebuildWithout = import_module("migrations.0011_shared_comments").RemoveForeignKey


class Migration(migrations.Migration):
    dependencies = [('huakai', '0014_care_log_hiding_moves_to_moderation')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Report',
            name='article_ref',
            field=fields.CharField(default='', db_default='', max_length=32),
        ),
        RebuildWithout(model_name='Report', name='article'),
    ]
