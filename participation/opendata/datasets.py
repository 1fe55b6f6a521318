"""What capabilities tell open data about their datasets, so that open data imports none of
them: each dataset's name, title, its columns with what each means, and its rows for one
community. Nothing personal goes in a dataset: no resident's name, no household, no contact;
teams and the committee act in public and are named (tests/web/test_open_data.py lists every
column, so a new one is a decision, not an accident).

A capability registers its datasets in its own ``datasets.py`` (loaded by
participation/capabilities.py):

    register_dataset(Dataset("plots", N_("Plots"), N_("..."), COLUMNS, rows=plot_rows))
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

Value = str | int | float | bool | datetime | None
Row = dict[str, Value]


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # integer | number | string | boolean | datetime (ISO 8601, UTC) | month (YYYY-MM)
    description: str  # untranslated
    values: tuple[str, ...] = ()  # the codes a column of codes holds


@dataclass(frozen=True)
class Dataset:
    name: str  # the file's name: proposals.csv, proposals.json
    title: str  # untranslated
    description: str  # untranslated
    columns: Sequence[Column]
    rows: Callable[[int], Awaitable[list[Row]]]  # a community's id -> its rows


DATASETS: dict[str, Dataset] = {}


def register_dataset(dataset: Dataset) -> None:
    if dataset.name in DATASETS:
        raise ValueError(f"dataset {dataset.name} registered twice")
    DATASETS[dataset.name] = dataset


async def dataset_rows(dataset: Dataset, community_id: int) -> list[Row]:
    """The rows, each with exactly the dataset's columns, in their order."""
    names = [column.name for column in dataset.columns]
    rows = await dataset.rows(community_id)
    for row in rows:
        if list(row) != names:
            raise ValueError(f"{dataset.name}: a row's fields are not its columns")
    return rows
