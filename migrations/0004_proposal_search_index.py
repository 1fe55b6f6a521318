"""On PostgreSQL, an index that serves substring search in proposals, Chinese included.

pg_trgm cannot help a two-character query such as 花园, the commonest kind in Chinese, so the
index holds every character and every pair of consecutive characters of a proposal's title and
body (lower-cased). A query's pairs (or its one character) must all be present; ILIKE then
checks the actual substring. participation/proposals/queries.py uses the same expression.
SQLite needs nothing: a community's proposals are scanned quickly enough with LIKE.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

CREATE = [
    """
    CREATE OR REPLACE FUNCTION huakai_search_grams(doc text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
      SELECT coalesce(array_agg(DISTINCT gram), '{}')
      FROM (
        SELECT substr(lower(doc), i, 1) AS gram FROM generate_series(1, char_length(doc)) AS i
        UNION ALL
        SELECT substr(lower(doc), i, 2) FROM generate_series(1, char_length(doc) - 1) AS i
      ) AS grams
    $$
    """,
    "CREATE INDEX IF NOT EXISTS proposal_search_grams ON proposal "
    "USING gin (huakai_search_grams(title || E'\\n' || body))",
]
DROP = [
    "DROP INDEX IF EXISTS proposal_search_grams",
    "DROP FUNCTION IF EXISTS huakai_search_grams(text)",
]


def _on_postgres(statements):
    async def run(apps, schema_editor):
        if schema_editor.DIALECT != "postgres":
            return
        for sql in statements:
            await schema_editor.client.execute_script(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("huakai", "0003_community_categories")]

    initial = False

    operations = [ops.RunPython(_on_postgres(CREATE), _on_postgres(DROP))]
