from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('huakai', '0009_published_ballots')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Convention',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('huakai.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='conventions', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=120)),
                ('status', fields.CharField(default='drafting', max_length=16)),
                ('next_article_key', fields.IntField(default=1)),
                ('created_by', fields.ForeignKeyField('huakai.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='conventions_created', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'convention', 'app': 'huakai', 'indexes': [Index(fields=['community_id', 'status'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ConventionVersion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('convention', fields.ForeignKeyField('huakai.Convention', source_field='convention_id', db_constraint=True, to_field='id', related_name='versions', on_delete=OnDelete.CASCADE)),
                ('number', fields.IntField()),
                ('preamble', fields.TextField(default='', unique=False)),
                ('articles', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('amendment_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_by', fields.ForeignKeyField('huakai.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'convention_version', 'app': 'huakai', 'unique_together': (('convention', 'number'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Amendment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('convention', fields.ForeignKeyField('huakai.Convention', source_field='convention_id', db_constraint=True, to_field='id', related_name='amendments', on_delete=OnDelete.CASCADE)),
                ('version', fields.ForeignKeyField('huakai.ConventionVersion', source_field='version_id', db_constraint=True, to_field='id', related_name='amendments', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=8)),
                ('article_key', fields.IntField()),
                ('base_text', fields.TextField(default='', unique=False)),
                ('body', fields.TextField(default='', unique=False)),
                ('rationale', fields.TextField(default='', unique=False)),
                ('author', fields.ForeignKeyField('huakai.User', source_field='author_id', db_constraint=True, to_field='id', related_name='amendments', on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharField(default='open', max_length=12)),
                ('support_count', fields.IntField(default=0)),
                ('reason', fields.TextField(default='', unique=False)),
                ('decided_by', fields.ForeignKeyField('huakai.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('result_version', fields.ForeignKeyField('huakai.ConventionVersion', source_field='result_version_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'amendment', 'app': 'huakai', 'indexes': [Index(fields=['convention_id', 'status'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AmendmentSupport',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('amendment', fields.ForeignKeyField('huakai.Amendment', source_field='amendment_id', db_constraint=True, to_field='id', related_name='supports', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('huakai.User', source_field='user_id', db_constraint=True, to_field='id', related_name='amendment_supports', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'amendment_support', 'app': 'huakai', 'unique_together': (('amendment', 'user'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Ratification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('convention', fields.ForeignKeyField('huakai.Convention', source_field='convention_id', db_constraint=True, to_field='id', related_name='ratifications', on_delete=OnDelete.CASCADE)),
                ('version', fields.ForeignKeyField('huakai.ConventionVersion', source_field='version_id', db_constraint=True, to_field='id', related_name='ratifications', on_delete=OnDelete.CASCADE)),
                ('mode', fields.CharField(max_length=12)),
                ('quorum_percent', fields.IntField()),
                ('majority', fields.CharField(max_length=16)),
                ('opens_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('closes_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('vote_count', fields.IntField(default=0)),
                ('outcome', fields.CharField(default='', max_length=12)),
                ('yes', fields.IntField(default=0)),
                ('no', fields.IntField(default=0)),
                ('abstain', fields.IntField(default=0)),
                ('eligible', fields.IntField(default=0)),
                ('counted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closing_notice_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_by', fields.ForeignKeyField('huakai.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'ratification', 'app': 'huakai', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RatificationVote',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ratification', fields.ForeignKeyField('huakai.Ratification', source_field='ratification_id', db_constraint=True, to_field='id', related_name='votes', on_delete=OnDelete.CASCADE)),
                ('voter_key', fields.CharField(max_length=24)),
                ('voter', fields.ForeignKeyField('huakai.User', source_field='voter_id', db_constraint=True, to_field='id', related_name='ratification_votes', on_delete=OnDelete.RESTRICT)),
                ('choice', fields.CharField(max_length=8)),
                ('channel', fields.CharField(default='online', max_length=8)),
                ('entered_by', fields.ForeignKeyField('huakai.User', source_field='entered_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'ratification_vote', 'app': 'huakai', 'unique_together': (('ratification', 'voter_key'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Convention',
            name='current_version',
            field=fields.ForeignKeyField('huakai.ConventionVersion', source_field='current_version_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='Convention',
            name='adopted_version',
            field=fields.ForeignKeyField('huakai.ConventionVersion', source_field='adopted_version_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
    ]
