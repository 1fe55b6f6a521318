"""Plots, volunteer teams, adoption and care; the community's lapse and approval settings;
each user's count of unread notices.

The adoption rules that must hold under parallel requests are partial UNIQUE indexes, which
tortoise cannot declare on a model (SQLite and PostgreSQL both support them): at most one
active adoption and one pending request per plot, and one open request per team and plot.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

PARTIAL_UNIQUE = [
    "CREATE UNIQUE INDEX adoption_one_active ON adoption (plot_id) WHERE status = 'active'",
    "CREATE UNIQUE INDEX adoption_one_pending ON adoption (plot_id) WHERE status = 'pending'",
    "CREATE UNIQUE INDEX adoption_one_open_per_team ON adoption (plot_id, team_id) "
    "WHERE status IN ('pending', 'waitlisted', 'active')",
]
DROP = [
    "DROP INDEX IF EXISTS adoption_one_active",
    "DROP INDEX IF EXISTS adoption_one_pending",
    "DROP INDEX IF EXISTS adoption_one_open_per_team",
]


def _run(statements):
    async def run(apps, schema_editor):
        for sql in statements:
            await schema_editor.client.execute_script(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [('huakai', '0005_voting_and_tracking')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Plot',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('huakai.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='plots', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=80)),
                ('kind', fields.CharField(max_length=16)),
                ('description', fields.TextField(default='', unique=False)),
                ('location', fields.CharField(default='', max_length=200)),
                ('latitude', fields.FloatField(null=True)),
                ('longitude', fields.FloatField(null=True)),
                ('area_m2', fields.IntField(null=True)),
                ('care_needs', fields.TextField(default='', unique=False)),
                ('status', fields.CharField(default='available', max_length=16)),
                ('photo', fields.ForeignKeyField('huakai.Photo', source_field='photo_id', null=True, db_constraint=True, to_field='id', related_name='plots', on_delete=OnDelete.SET_NULL)),
                ('source_proposal_id', fields.IntField(null=True)),
                ('last_care_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('care_minutes', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'plot', 'app': 'huakai', 'unique_together': (('community', 'name'),), 'indexes': [Index(fields=['community_id', 'status'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Team',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('huakai.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='teams', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=60)),
                ('description', fields.TextField(default='', unique=False)),
                ('join_policy', fields.CharField(default='open', max_length=16)),
                ('member_count', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'team', 'app': 'huakai', 'unique_together': (('community', 'name'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Adoption',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('plot', fields.ForeignKeyField('huakai.Plot', source_field='plot_id', db_constraint=True, to_field='id', related_name='adoptions', on_delete=OnDelete.CASCADE)),
                ('team', fields.ForeignKeyField('huakai.Team', source_field='team_id', db_constraint=True, to_field='id', related_name='adoptions', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharField(max_length=16)),
                ('term_months', fields.IntField()),
                ('nickname', fields.CharField(default='', max_length=40)),
                ('requested_by_id', fields.IntField(null=True)),
                ('requested_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_by_id', fields.IntField(null=True)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reason', fields.TextField(default='', unique=False)),
                ('starts_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('ended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('end_reason', fields.CharField(default='', max_length=16)),
                ('lapse_warned_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('release_prompted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'adoption', 'app': 'huakai', 'indexes': [Index(fields=['plot_id', 'status']), Index(fields=['team_id', 'status'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CareLog',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('plot', fields.ForeignKeyField('huakai.Plot', source_field='plot_id', db_constraint=True, to_field='id', related_name='care_logs', on_delete=OnDelete.CASCADE)),
                ('team', fields.ForeignKeyField('huakai.Team', source_field='team_id', db_constraint=True, to_field='id', related_name='care_logs', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('huakai.User', source_field='member_id', db_constraint=True, to_field='id', related_name='care_logs', on_delete=OnDelete.CASCADE)),
                ('task_id', fields.IntField(null=True)),
                ('kind', fields.CharField(max_length=16)),
                ('minutes', fields.IntField()),
                ('note', fields.TextField(default='', unique=False)),
                ('done_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('hidden', fields.BooleanField(default=False)),
            ],
            options={'table': 'care_log', 'app': 'huakai', 'indexes': [Index(fields=['plot_id', 'done_at']), Index(fields=['team_id', 'done_at']), Index(fields=['member_id', 'done_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CareLogPhoto',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('log', fields.ForeignKeyField('huakai.CareLog', source_field='log_id', db_constraint=True, to_field='id', related_name='photo_links', on_delete=OnDelete.CASCADE)),
                ('photo', fields.ForeignKeyField('huakai.Photo', source_field='photo_id', db_constraint=True, to_field='id', related_name='care_links', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField(default=0)),
            ],
            options={'table': 'care_log_photo', 'app': 'huakai', 'unique_together': (('log', 'photo'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CareTask',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('plot', fields.ForeignKeyField('huakai.Plot', source_field='plot_id', db_constraint=True, to_field='id', related_name='care_tasks', on_delete=OnDelete.CASCADE)),
                ('team', fields.ForeignKeyField('huakai.Team', source_field='team_id', db_constraint=True, to_field='id', related_name='care_tasks', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=16)),
                ('every_days', fields.IntField()),
                ('note', fields.CharField(default='', max_length=200)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'care_task', 'app': 'huakai', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CareAssignment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('task', fields.ForeignKeyField('huakai.CareTask', source_field='task_id', db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('huakai.User', source_field='user_id', db_constraint=True, to_field='id', related_name='care_assignments', on_delete=OnDelete.CASCADE)),
                ('week_start', fields.DateField()),
            ],
            options={'table': 'care_assignment', 'app': 'huakai', 'unique_together': (('task', 'week_start', 'user'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TeamMember',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('team', fields.ForeignKeyField('huakai.Team', source_field='team_id', db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('huakai.User', source_field='user_id', db_constraint=True, to_field='id', related_name='team_memberships', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharField(default='member', max_length=16)),
                ('status', fields.CharField(default='active', max_length=16)),
                ('joined_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'team_member', 'app': 'huakai', 'unique_together': (('team', 'user'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Community',
            name='auto_approve_adoptions',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='Community',
            name='lapse_days',
            field=fields.IntField(default=14, db_default=14),
        ),
        ops.AddField(
            model_name='Community',
            name='lapse_grace_days',
            field=fields.IntField(default=7, db_default=7),
        ),
        ops.AddField(
            model_name='User',
            name='unread_notices',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.RunPython(_run(PARTIAL_UNIQUE), _run(DROP)),
    ]
