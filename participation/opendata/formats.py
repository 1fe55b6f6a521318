"""A dataset's rows as CSV (RFC 4180, UTF-8 with a byte-order mark, so that spreadsheet
programs read Chinese) and as JSON (its schema and licence beside the rows). Pure."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from participation.opendata.datasets import Column, Row


def _cell(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def _safe_text(value: object) -> object:
    # A cell a spreadsheet would run as a formula (=, +, -, @ first) is quoted as text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(columns: Sequence[Column], rows: Sequence[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.name for column in columns])
    for row in rows:
        writer.writerow([_safe_text(_cell(row[column.name])) for column in columns])
    return "\ufeff" + out.getvalue()


def to_json(meta: dict[str, Any], columns: Sequence[Column], rows: Sequence[Row]) -> str:
    def value(v: object) -> object:
        return v.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(v, datetime) else v

    document = {
        **meta,
        "columns": [
            {"name": c.name, "type": c.kind, "description": c.description}
            | ({"values": [str(v) for v in c.values]} if c.values else {})
            for c in columns
        ],
        "rows": [{name: value(v) for name, v in row.items()} for row in rows],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
