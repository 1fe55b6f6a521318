from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('huakai', '0004_proposal_search_index')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Milestone',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('proposal', fields.ForeignKeyField('huakai.Proposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='milestones', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=120)),
                ('due_on', fields.DateField(null=True)),
                ('done_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('position', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'milestone', 'app': 'huakai', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='VotingRound',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('huakai.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='voting_rounds', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=120)),
                ('description', fields.TextField(default='', unique=False)),
                ('budget_yuan', fields.IntField()),
                ('opens_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('closes_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('min_projects', fields.IntField(default=0)),
                ('max_projects', fields.IntField(default=0)),
                ('min_spend_percent', fields.IntField(default=0)),
                ('vote_unit', fields.CharField(default='resident', max_length=16)),
                ('result_rule', fields.CharField(default='equal_shares', max_length=16)),
                ('status', fields.CharField(default='draft', max_length=16)),
                ('lot', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('ballot_count', fields.IntField(default=0)),
                ('pb_sha256', fields.CharField(default='', max_length=64)),
                ('created_by', fields.ForeignKeyField('huakai.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='rounds_created', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'voting_round', 'app': 'huakai', 'indexes': [Index(fields=['community_id', 'status'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Ballot',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('round', fields.ForeignKeyField('huakai.VotingRound', source_field='round_id', db_constraint=True, to_field='id', related_name='ballots', on_delete=OnDelete.CASCADE)),
                ('voter_key', fields.CharField(max_length=32)),
                ('voter', fields.ForeignKeyField('huakai.User', source_field='voter_id', db_constraint=True, to_field='id', related_name='ballots', on_delete=OnDelete.RESTRICT)),
                ('channel', fields.CharField(default='online', max_length=8)),
                ('entered_by', fields.ForeignKeyField('huakai.User', source_field='entered_by_id', null=True, db_constraint=True, to_field='id', related_name='paper_ballots_entered', on_delete=OnDelete.SET_NULL)),
                ('receipt_hash', fields.CharField(unique=True, max_length=64)),
                ('total_cost', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'ballot', 'app': 'huakai', 'unique_together': (('round', 'voter_key'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RoundProject',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('round', fields.ForeignKeyField('huakai.VotingRound', source_field='round_id', db_constraint=True, to_field='id', related_name='projects', on_delete=OnDelete.CASCADE)),
                ('proposal', fields.ForeignKeyField('huakai.Proposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='round_entries', on_delete=OnDelete.RESTRICT)),
                ('cost_yuan', fields.IntField()),
                ('position', fields.IntField(default=0)),
                ('vote_count', fields.IntField(default=0)),
                ('funded', fields.BooleanField(default=False)),
            ],
            options={'table': 'round_project', 'app': 'huakai', 'unique_together': (('round', 'proposal'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BallotChoice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ballot', fields.ForeignKeyField('huakai.Ballot', source_field='ballot_id', db_constraint=True, to_field='id', related_name='choices', on_delete=OnDelete.CASCADE)),
                ('round_project', fields.ForeignKeyField('huakai.RoundProject', source_field='round_project_id', db_constraint=True, to_field='id', related_name='choices', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'ballot_choice', 'app': 'huakai', 'unique_together': (('ballot', 'round_project'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RoundResult',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('round', fields.ForeignKeyField('huakai.VotingRound', source_field='round_id', db_constraint=True, to_field='id', related_name='results', on_delete=OnDelete.CASCADE)),
                ('rule', fields.CharField(max_length=16)),
                ('winners', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('explanation', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('spent_yuan', fields.IntField(default=0)),
                ('voters_with_a_funded_project', fields.IntField(default=0)),
                ('input_hash', fields.CharField(max_length=64)),
                ('computed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'round_result', 'app': 'huakai', 'unique_together': (('round', 'rule'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Proposal',
            name='progress_percent',
            field=fields.IntField(default=0, db_default=0),
        ),
    ]
