from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('huakai', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('huakai.User', source_field='user_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=48)),
                ('payload', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification', 'app': 'huakai', 'indexes': [Index(fields=['user_id', 'read_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Photo',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('huakai.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='photos', on_delete=OnDelete.CASCADE)),
                ('owner', fields.ForeignKeyField('huakai.User', source_field='owner_id', db_constraint=True, to_field='id', related_name='photos', on_delete=OnDelete.CASCADE)),
                ('storage_key', fields.CharField(unique=True, max_length=64)),
                ('width', fields.IntField()),
                ('height', fields.IntField()),
                ('alt_text', fields.CharField(max_length=300)),
                ('variants', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('byte_size', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'photo', 'app': 'huakai', 'indexes': [Index(fields=['owner_id', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Proposal',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('huakai.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='proposals', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('huakai.User', source_field='author_id', db_constraint=True, to_field='id', related_name='proposals', on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=120)),
                ('body', fields.TextField(unique=False)),
                ('category', fields.CharField(max_length=32)),
                ('cost_yuan', fields.IntField()),
                ('committee_cost_yuan', fields.IntField(null=True)),
                ('feasibility_note', fields.TextField(default='', unique=False)),
                ('location', fields.CharField(default='', max_length=200)),
                ('latitude', fields.FloatField(null=True)),
                ('longitude', fields.FloatField(null=True)),
                ('status', fields.CharField(default='draft', db_index=True, max_length=16)),
                ('support_count', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('submitted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'proposal', 'app': 'huakai', 'indexes': [Index(fields=['community_id', 'status', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProgressUpdate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('proposal', fields.ForeignKeyField('huakai.Proposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='updates', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('huakai.User', source_field='author_id', db_constraint=True, to_field='id', related_name='progress_updates', on_delete=OnDelete.CASCADE)),
                ('body', fields.TextField(unique=False)),
                ('status', fields.CharField(default='published', max_length=16)),
                ('decided_by', fields.ForeignKeyField('huakai.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='progress_decisions', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'progress_update', 'app': 'huakai', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Comment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('proposal', fields.ForeignKeyField('huakai.Proposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='comments', on_delete=OnDelete.CASCADE)),
                ('update', fields.ForeignKeyField('huakai.ProgressUpdate', source_field='update_id', null=True, db_constraint=True, to_field='id', related_name='comments', on_delete=OnDelete.CASCADE)),
                ('parent', fields.ForeignKeyField('huakai.Comment', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='replies', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('huakai.User', source_field='author_id', db_constraint=True, to_field='id', related_name='comments', on_delete=OnDelete.CASCADE)),
                ('body', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('edited_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('deleted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'comment', 'app': 'huakai', 'indexes': [Index(fields=['proposal_id', 'update_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProgressPhoto',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('update', fields.ForeignKeyField('huakai.ProgressUpdate', source_field='update_id', db_constraint=True, to_field='id', related_name='photo_links', on_delete=OnDelete.CASCADE)),
                ('photo', fields.ForeignKeyField('huakai.Photo', source_field='photo_id', db_constraint=True, to_field='id', related_name='progress_links', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharField(default='', max_length=8)),
                ('position', fields.IntField(default=0)),
            ],
            options={'table': 'progress_photo', 'app': 'huakai', 'unique_together': (('update', 'photo'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProposalCoAuthor',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('proposal', fields.ForeignKeyField('huakai.Proposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='co_authors', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('huakai.User', source_field='user_id', db_constraint=True, to_field='id', related_name='co_authorships', on_delete=OnDelete.CASCADE)),
                ('invited_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('accepted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'proposal_co_author', 'app': 'huakai', 'unique_together': (('proposal', 'user'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProposalEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('proposal', fields.ForeignKeyField('huakai.Proposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('actor', fields.ForeignKeyField('huakai.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='proposal_events', on_delete=OnDelete.SET_NULL)),
                ('from_status', fields.CharField(max_length=16)),
                ('to_status', fields.CharField(max_length=16)),
                ('reason', fields.TextField(default='', unique=False)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'proposal_event', 'app': 'huakai', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProposalPhoto',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('proposal', fields.ForeignKeyField('huakai.Proposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='photo_links', on_delete=OnDelete.CASCADE)),
                ('photo', fields.ForeignKeyField('huakai.Photo', source_field='photo_id', db_constraint=True, to_field='id', related_name='proposal_links', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField(default=0)),
            ],
            options={'table': 'proposal_photo', 'app': 'huakai', 'unique_together': (('proposal', 'photo'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Support',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('proposal', fields.ForeignKeyField('huakai.Proposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='supports', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('huakai.User', source_field='user_id', db_constraint=True, to_field='id', related_name='supports', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'support', 'app': 'huakai', 'unique_together': (('proposal', 'user'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Community',
            name='support_threshold',
            field=fields.IntField(default=0),
        ),
    ]
