from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('huakai', '0008_kept_results')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PublishedBallots',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('round', fields.OneToOneField('huakai.VotingRound', source_field='round_id', db_constraint=True, to_field='id', related_name='published_ballots', on_delete=OnDelete.CASCADE)),
                ('text', fields.TextField(unique=False)),
            ],
            options={'table': 'published_ballots', 'app': 'huakai', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
