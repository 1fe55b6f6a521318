"""Hiding a care log becomes a moderation action (participation.moderation): each care log the
committee had hidden becomes a hidden moderated item, so that it stays hidden, shows in the
committee's moderation and can be shown again from there. care_log.hidden is no longer read."""

from tortoise import migrations
from tortoise.migrations import operations as ops

FORWARD = [
    "INSERT INTO moderated_item (kind, item_id, community_id, author_id, hidden, hidden_by, "
    "reason, private_note, original_text, redacted, escalated, counted_reports, open_reports, "
    "updated_at) "
    "SELECT 'care_log', c.id, p.community_id, c.member_id, TRUE, 'committee', 'other', '', '', "
    "FALSE, FALSE, 0, 0, c.created_at "
    "FROM care_log c JOIN plot p ON p.id = c.plot_id WHERE c.hidden",
]
BACKWARD = [
    "UPDATE care_log SET hidden = (SELECT m.hidden FROM moderated_item m "
    "WHERE m.kind = 'care_log' AND m.item_id = care_log.id) "
    "WHERE id IN (SELECT item_id FROM moderated_item WHERE kind = 'care_log')",
    "DELETE FROM moderated_item WHERE kind = 'care_log'",
]


def _run(statements):
    async def run(apps, schema_editor):
        for sql in statements:
            await schema_editor.client.execute_script(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [('huakai', '0013_moderation')]

    initial = False

    operations = [ops.RunPython(_run(FORWARD), _run(BACKWARD))]
