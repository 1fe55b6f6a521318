"""Comments move out of proposals into their own package (participation.comments), shared by
every discussed thing: a comment names its thread ("proposal:12", "amendment:5") instead of
a proposal, and its part (a progress update) by id. Existing comments keep their ids, their
replies and their proposal's thread."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

FORWARD = [
    "UPDATE comment SET thread = 'proposal:' || proposal_id, part_id = update_id",
]
BACKWARD = [
    "UPDATE comment SET proposal_id = CAST(substr(thread, 10) AS INTEGER), "
    "update_id = part_id WHERE thread LIKE 'proposal:%'",
    "DELETE FROM comment WHERE thread NOT LIKE 'proposal:%'",
]


def _run(statements):
    async def run(apps, schema_editor):
        for sql in statements:
            await schema_editor.client.execute_script(sql)

    return run


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
        ops.RemoveField(model_name='Comment', name='proposal'),
        ops.RemoveField(model_name='Comment', name='update'),
        ops.AddIndex(
            model_name='Comment',
            index=Index(fields=['thread', 'id']),
        ),
    ]
