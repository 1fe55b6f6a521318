"""The committee's plot form and spreadsheet, checked: what a typed or imported plot must be
before it is stored. Pure: no database."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace

from participation.core.errors import N_, Invalid
from participation.core.geo import parse_coordinates
from participation.core.text import clean_line, clean_multiline, parse_whole_number
from participation.plots.rules import NAME_MAX, TEXT_MAX, PlotKind

IMPORT_ROWS_MAX = 500
LOCATION_MAX = 200


@dataclass(frozen=True)
class PlotInput:
    name: str
    kind: str
    description: str = ""
    location: str = ""
    latitude: str = ""
    longitude: str = ""
    area_m2: str = ""
    care_needs: str = ""


@dataclass(frozen=True)
class CleanPlot:
    name: str
    kind: PlotKind
    description: str
    location: str
    latitude: float | None
    longitude: float | None
    area_m2: int | None
    care_needs: str
    line: int = 0  # the spreadsheet line it came from (0: typed into the form)


def clean_plot(data: PlotInput) -> CleanPlot:
    name = clean_line(data.name, max_length=NAME_MAX)
    if name is None:
        raise Invalid(N_("Please give the plot a name."), field="name")
    try:
        kind = PlotKind(data.kind.strip())
    except ValueError:
        raise Invalid(N_("Please choose what kind of plot this is."), field="kind") from None
    latitude, longitude = parse_coordinates(data.latitude, data.longitude)
    area: int | None = None
    if data.area_m2.strip():
        area = parse_whole_number(data.area_m2.strip(), max_digits=6)
        if area is None or area == 0:
            raise Invalid(N_("Please give the size in whole square metres."), field="area_m2")
    return CleanPlot(
        name=name,
        kind=kind,
        description=_optional_text(data.description, "description"),
        location=_optional_line(data.location, "location"),
        latitude=latitude,
        longitude=longitude,
        area_m2=area,
        care_needs=_optional_text(data.care_needs, "care_needs"),
    )


def _optional_line(text: str, field: str) -> str:
    cleaned = clean_line(text, max_length=LOCATION_MAX, allow_empty=True)
    if cleaned is None:
        raise Invalid(N_("Please keep this under 200 characters."), field=field)
    return cleaned


def _optional_text(text: str, field: str) -> str:
    if not text.strip():
        return ""
    cleaned = clean_multiline(text, max_length=TEXT_MAX)
    if cleaned is None:
        raise Invalid(N_("Please keep this under 2,000 characters."), field=field)
    return cleaned


CSV_COLUMNS = ("name", "kind", "location", "latitude", "longitude", "area_m2", "care_needs")


@dataclass(frozen=True)
class ImportProblem:
    line: int
    message: str


def parse_plot_csv(text: str) -> tuple[list[CleanPlot], list[ImportProblem]]:
    """Rows of a committee's plot spreadsheet (UTF-8, a header naming the columns; extra columns
    are ignored). Every row is checked; a file with any problem imports nothing."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    if "name" not in header or "kind" not in header:
        return [], [
            ImportProblem(1, N_("The first line must name the columns, including name and kind."))
        ]
    reader.fieldnames = header
    plots: list[CleanPlot] = []
    problems: list[ImportProblem] = []
    seen: set[str] = set()
    for row in reader:
        number = reader.line_num  # csv skips blank lines: count the file's own lines
        if len(plots) + len(problems) >= IMPORT_ROWS_MAX:
            problems.append(
                ImportProblem(number, N_("Too many rows: import at most 500 at a time."))
            )
            break
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        values = {key: row.get(key) or "" for key in CSV_COLUMNS}
        try:
            plot = clean_plot(
                PlotInput(**{k: v if isinstance(v, str) else "" for k, v in values.items()})
            )
        except Invalid as exc:
            problems.append(ImportProblem(number, exc.message))
            continue
        if plot.name in seen:
            problems.append(ImportProblem(number, N_("This name appears twice in the file.")))
            continue
        seen.add(plot.name)
        plots.append(replace(plot, line=number))
    if not plots and not problems:
        problems.append(ImportProblem(1, N_("The file has no plots in it.")))
    return plots, problems
