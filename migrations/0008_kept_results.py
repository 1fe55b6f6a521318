from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('huakai', '0007_term_and_rota_reminders')]

    initial = False

    operations = [
        ops.CreateModel(
            name='KeptResult',
            fields=[
                ('token', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=43)),
                ('user', fields.ForeignKeyField('huakai.User', source_field='user_id', db_constraint=True, to_field='id', related_name='kept_results', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=32)),
                ('sealed', fields.TextField(unique=False)),
                ('expires_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'kept_result', 'app': 'huakai', 'pk_attr': 'token', 'table_description': "What a form's answer showed once (a ballot receipt, a sheet of household codes), kept"},
            bases=['Model'],
        ),
    ]
