"""Comments move out of proposals into their own package (participation.comments), shared by
every discussed thing: a comment names its thread ("proposal:12", "amendment:5") instead of
a proposal, and its part (a progress update) by id. Every comment keeps its id, its replies
and its text; its proposal becomes its thread."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.migrations.schema_editor.sqlite import SqliteSchemaEditor
from tortoise import fields
from tortoise.indexes import Index

FORWARD = ["UPDATE comment SET thread = 'proposal:' || proposal_id, part_id = update_id"]
BACKWARD = [
    "UPDATE comment SET proposal_id = CAST(substr(thread, 10) AS INTEGER), update_id = part_id",
]


def _run(statements):
    async def run(apps, schema_editor):
        for sql in statements:
            await schema_editor.client.execute_script(sql)

    return run


class RemoveForeignKey(ops.RemoveField):
    """On SQLite, tortoise rebuilds the table without the foreign key but keeps its column
    (NOT NULL, and not copied), and drops the old table while the new one's replies point at
    its name, which deletes them. Here the old table is renamed aside first (SQLite points
    its own references at the new name), the new one created from the model as it is after
    the removal, the rows copied, and the old table dropped."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):
        if not isinstance(state_editor, SqliteSchemaEditor):
            await super().database_forward(app_label, old_state, new_state, state_editor)
            return
        model = new_state.apps.get_model(f"{app_label}.{self.model_name}")
        table = model._meta.db_table
        columns = ", ".join(f'"{c}"' for c in sorted(model._meta.db_fields))
        client = state_editor.client
        await client.execute_script(f'ALTER TABLE "{table}" RENAME TO "{table}__old"')
        await state_editor.create_model(model)
        await client.execute_script(
            f'INSERT INTO "{table}" ({columns}) SELECT {columns} FROM "{table}__old" ORDER BY id'
        )
        await client.execute_script(f'DROP TABLE "{table}__old"')


class Migration(migrations.Migration):
    dependencies = [('huakai', '0010_conventions')]

    initial = False

    operations = [
        ops.RemoveIndex(
            model_name='Comment',
            name=None,
            fields=['proposal_id', 'update_id', 'id'],
        ),
        ops.AddField(
            model_name='Comment',
            name='part_id',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Comment',
            name='thread',
            field=fields.CharField(max_length=40, default='', db_default=''),
        ),
        ops.RunPython(_run(FORWARD), _run(BACKWARD)),
        RemoveForeignKey(model_name='Comment', name='proposal'),
        RemoveForeignKey(model_name='Comment', name='update'),
        ops.AddIndex(
            model_name='Comment',
            index=Index(fields=['thread', 'id']),
        ),
    ]
