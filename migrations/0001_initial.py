from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('actor_id', fields.IntField(null=True)),
                ('community_id', fields.IntField(null=True)),
                ('action', fields.CharField(max_length=64)),
                ('target', fields.CharField(max_length=120)),
                ('before', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('after', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'audit_entry', 'app': 'huakai', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Community',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=64)),
                ('name', fields.CharField(max_length=120)),
                ('street', fields.CharField(default='', max_length=120)),
                ('district', fields.CharField(default='', max_length=120)),
                ('timezone', fields.CharField(default='Asia/Shanghai', max_length=64)),
                ('default_locale', fields.CharField(default='zh_Hans', max_length=16)),
                ('verify_by_code', fields.BooleanField(default=True)),
                ('verify_by_request', fields.BooleanField(default=True)),
                ('household_member_cap', fields.IntField(default=6)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'community', 'app': 'huakai', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Household',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('huakai.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='households', on_delete=OnDelete.CASCADE)),
                ('label', fields.CharField(max_length=80)),
                ('verified_count', fields.IntField(default=0)),
            ],
            options={'table': 'household', 'app': 'huakai', 'unique_together': (('community', 'label'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RateLimitWindow',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(max_length=160)),
                ('window_start', fields.BigIntField()),
                ('hits', fields.IntField(default=0)),
            ],
            options={'table': 'rate_limit_window', 'app': 'huakai', 'unique_together': (('key', 'window_start'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='User',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('display_name', fields.CharField(max_length=80)),
                ('locale', fields.CharField(null=True, max_length=16)),
                ('is_admin', fields.BooleanField(default=False)),
                ('disabled', fields.BooleanField(default=False)),
                ('session_version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'user', 'app': 'huakai', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='HouseholdCode',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('household', fields.ForeignKeyField('huakai.Household', source_field='household_id', db_constraint=True, to_field='id', related_name='codes', on_delete=OnDelete.CASCADE)),
                ('code_hash', fields.CharField(unique=True, max_length=64)),
                ('hint', fields.CharField(max_length=4)),
                ('created_by', fields.ForeignKeyField('huakai.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='codes_created', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('redeemed_by', fields.ForeignKeyField('huakai.User', source_field='redeemed_by_id', null=True, db_constraint=True, to_field='id', related_name='codes_redeemed', on_delete=OnDelete.SET_NULL)),
                ('redeemed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'household_code', 'app': 'huakai', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Identity',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('huakai.User', source_field='user_id', db_constraint=True, to_field='id', related_name='identities', on_delete=OnDelete.CASCADE)),
                ('provider', fields.CharField(max_length=64)),
                ('subject', fields.CharField(max_length=255)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_login_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'identity', 'app': 'huakai', 'unique_together': (('provider', 'subject'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Membership',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('huakai.User', source_field='user_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.CASCADE)),
                ('community', fields.ForeignKeyField('huakai.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.CASCADE)),
                ('household', fields.ForeignKeyField('huakai.Household', source_field='household_id', null=True, db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.SET_NULL)),
                ('verified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('is_volunteer', fields.BooleanField(default=False)),
                ('is_committee', fields.BooleanField(default=False)),
                ('joined_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'membership', 'app': 'huakai', 'unique_together': (('user', 'community'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='VerificationRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('membership', fields.ForeignKeyField('huakai.Membership', source_field='membership_id', db_constraint=True, to_field='id', related_name='verification_requests', on_delete=OnDelete.CASCADE)),
                ('household_label', fields.CharField(max_length=80)),
                ('note', fields.TextField(unique=False)),
                ('status', fields.CharField(default='pending', max_length=16)),
                ('reason', fields.TextField(default='', unique=False)),
                ('decided_by', fields.ForeignKeyField('huakai.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='verifications_decided', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'verification_request', 'app': 'huakai', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
