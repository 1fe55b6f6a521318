"""Who ratifies a community's conventions: one vote per household (the default) or per verified
resident, a community setting."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('huakai', '0011_shared_comments')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Community',
            name='convention_vote_mode',
            field=fields.CharField(default='household', db_default='household', max_length=16),
        ),
    ]
