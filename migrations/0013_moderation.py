"""Moderation: reported and moderated items, reports (one per person and item), the public
moderation log, suspensions and appeals (one per action); and each community's threshold of
trusted reports that hides an item pending review."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('huakai', '0012_convention_vote_mode')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ModeratedItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=24)),
                ('item_id', fields.IntField()),
                ('community', fields.ForeignKeyField('huakai.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='moderated_items', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('huakai.User', source_field='author_id', db_constraint=True, to_field='id', related_name='moderated_items', on_delete=OnDelete.CASCADE)),
                ('hidden', fields.BooleanField(default=False)),
                ('hidden_by', fields.CharField(default='', max_length=12)),
                ('reason', fields.CharField(default='', max_length=24)),
                ('private_note', fields.TextField(default='', unique=False)),
                ('original_text', fields.TextField(default='', unique=False)),
                ('redacted', fields.BooleanField(default=False)),
                ('escalated', fields.BooleanField(default=False)),
                ('counted_reports', fields.IntField(default=0)),
                ('open_reports', fields.IntField(default=0)),
                ('first_reported_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'moderated_item', 'app': 'huakai', 'unique_together': (('kind', 'item_id'),), 'indexes': [Index(fields=['community_id', 'open_reports'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ModerationEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('huakai.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='moderation_entries', on_delete=OnDelete.CASCADE)),
                ('item', fields.ForeignKeyField('huakai.ModeratedItem', source_field='item_id', null=True, db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.CASCADE)),
                ('actor', fields.ForeignKeyField('huakai.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='moderation_done', on_delete=OnDelete.SET_NULL)),
                ('subject', fields.ForeignKeyField('huakai.User', source_field='subject_id', null=True, db_constraint=True, to_field='id', related_name='moderation_received', on_delete=OnDelete.SET_NULL)),
                ('kind', fields.CharField(max_length=24)),
                ('action', fields.CharField(max_length=24)),
                ('reason', fields.CharField(default='', max_length=24)),
                ('role', fields.CharField(max_length=12)),
                ('public_reason', fields.TextField(default='', unique=False)),
                ('days', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'moderation_entry', 'app': 'huakai', 'indexes': [Index(fields=['community_id', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Appeal',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('entry', fields.ForeignKeyField('huakai.ModerationEntry', source_field='entry_id', db_constraint=True, to_field='id', related_name='appeals', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('huakai.User', source_field='author_id', db_constraint=True, to_field='id', related_name='appeals', on_delete=OnDelete.CASCADE)),
                ('decided_by', fields.ForeignKeyField('huakai.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='appeals_decided', on_delete=OnDelete.SET_NULL)),
                ('text', fields.TextField(unique=False)),
                ('status', fields.CharField(default='open', max_length=12)),
                ('public_reason', fields.TextField(default='', unique=False)),
                ('escalated', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'appeal', 'app': 'huakai', 'unique_together': (('entry',),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Report',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('item', fields.ForeignKeyField('huakai.ModeratedItem', source_field='item_id', db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.CASCADE)),
                ('reporter', fields.ForeignKeyField('huakai.User', source_field='reporter_id', db_constraint=True, to_field='id', related_name='reports_made', on_delete=OnDelete.CASCADE)),
                ('reason', fields.CharField(max_length=24)),
                ('article', fields.IntField(null=True)),
                ('text', fields.TextField(default='', unique=False)),
                ('counts', fields.BooleanField(default=False)),
                ('open', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'report', 'app': 'huakai', 'unique_together': (('item', 'reporter'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Suspension',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('huakai.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='suspensions', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('huakai.User', source_field='user_id', db_constraint=True, to_field='id', related_name='suspensions', on_delete=OnDelete.CASCADE)),
                ('entry', fields.ForeignKeyField('huakai.ModerationEntry', source_field='entry_id', db_constraint=True, to_field='id', related_name='suspensions', on_delete=OnDelete.CASCADE)),
                ('until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('lifted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'suspension', 'app': 'huakai', 'indexes': [Index(fields=['community_id', 'user_id', 'until'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Community',
            name='report_threshold',
            field=fields.IntField(default=3, db_default=3),
        ),
    ]
