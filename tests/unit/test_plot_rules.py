"""Pure rules for plots and their care: the plot form, the committee's spreadsheet, terms of
adoption, lapse, minutes and volunteer hours, the rota's week. No database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from participation.core.errors import Invalid
from participation.plots.plot_input import IMPORT_ROWS_MAX, PlotInput, clean_plot, parse_plot_csv
from participation.plots.rules import (
    Lapse,
    PlotKind,
    adoption_end,
    check_minutes,
    check_term,
    hours_text,
    lapse_state,
    term_ends_soon,
    week_start,
)
from tests.support import HOSTILE

# --- the plot form -------------------------------------------------------------------------------


def test_a_plot_is_cleaned_into_typed_fields() -> None:
    plot = clean_plot(
        PlotInput(
            name="  3栋  门口花坛 ",
            kind=" flower_wall ",
            description="月季\n三角梅",
            location="3栋东侧",
            latitude="30.6401234567",
            longitude="104.0512",
            area_m2="１２",
            care_needs="每三天浇水",
        )
    )
    assert plot.name == "3栋 门口花坛"
    assert plot.kind is PlotKind.FLOWER_WALL
    assert plot.description == "月季\n三角梅"
    assert plot.location == "3栋东侧"
    assert plot.latitude == 30.640123
    assert plot.longitude == 104.0512
    assert plot.area_m2 == 12
    assert plot.care_needs == "每三天浇水"


def test_a_plot_needs_only_a_name_and_a_kind() -> None:
    plot = clean_plot(PlotInput(name="花坛", kind="flowerbed"))
    assert (plot.latitude, plot.longitude, plot.area_m2) == (None, None, None)
    assert (plot.description, plot.location, plot.care_needs) == ("", "", "")


@pytest.mark.parametrize("name", ["", "   ", "\t\n", "x" * 81, "坏\x00名"])
def test_a_plot_without_a_usable_name_is_refused(name: str) -> None:
    with pytest.raises(Invalid) as caught:
        clean_plot(PlotInput(name=name, kind="flowerbed"))
    assert caught.value.field == "name"


def test_a_name_of_eighty_characters_is_kept() -> None:
    assert clean_plot(PlotInput(name="花" * 80, kind="planter")).name == "花" * 80


@pytest.mark.parametrize("kind", [kind.value for kind in PlotKind])
def test_every_kind_of_plot_is_accepted(kind: str) -> None:
    assert clean_plot(PlotInput(name="花坛", kind=kind)).kind.value == kind


@pytest.mark.parametrize("kind", ["", "Flowerbed", "garden", "花坛", "flowerbed;drop"])
def test_an_unknown_kind_is_refused(kind: str) -> None:
    with pytest.raises(Invalid) as caught:
        clean_plot(PlotInput(name="花坛", kind=kind))
    assert caught.value.field == "kind"


@pytest.mark.parametrize(
    ("latitude", "longitude"), [("30.64", ""), ("", "104.05"), ("30.64", "  ")]
)
def test_coordinates_come_in_pairs(latitude: str, longitude: str) -> None:
    with pytest.raises(Invalid) as caught:
        clean_plot(PlotInput(name="花坛", kind="flowerbed", latitude=latitude, longitude=longitude))
    assert caught.value.field == "latitude"


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [
        ("91", "104", "latitude"),
        ("-90.5", "104", "latitude"),
        ("30", "180.01", "longitude"),
        ("nan", "104", "latitude"),
        ("30", "inf", "longitude"),
        ("30°38'", "104", "latitude"),
        ("30", "东经104", "longitude"),
    ],
)
def test_invalid_coordinates_are_refused(latitude: str, longitude: str, field: str) -> None:
    with pytest.raises(Invalid) as caught:
        clean_plot(PlotInput(name="花坛", kind="flowerbed", latitude=latitude, longitude=longitude))
    assert caught.value.field == field


def test_coordinates_at_the_limits_are_kept() -> None:
    plot = clean_plot(PlotInput(name="花坛", kind="flowerbed", latitude="-90", longitude="180"))
    assert (plot.latitude, plot.longitude) == (-90.0, 180.0)


@pytest.mark.parametrize("area", ["0", "12.5", "-3", "12m²", "1e3", "²", "1234567", "十"])
def test_the_area_must_be_whole_square_metres(area: str) -> None:
    with pytest.raises(Invalid) as caught:
        clean_plot(PlotInput(name="花坛", kind="flowerbed", area_m2=area))
    assert caught.value.field == "area_m2"


@pytest.mark.parametrize(("area", "expected"), [("1", 1), (" 40 ", 40), ("９９", 99)])
def test_whole_square_metres_are_accepted(area: str, expected: int) -> None:
    assert clean_plot(PlotInput(name="花坛", kind="flowerbed", area_m2=area)).area_m2 == expected


def test_overlong_location_and_texts_are_refused() -> None:
    with pytest.raises(Invalid) as caught:
        clean_plot(PlotInput(name="花坛", kind="flowerbed", location="x" * 201))
    assert caught.value.field == "location"
    with pytest.raises(Invalid) as caught:
        clean_plot(PlotInput(name="花坛", kind="flowerbed", care_needs="x" * 2001))
    assert caught.value.field == "care_needs"


# --- the committee's spreadsheet -----------------------------------------------------------------


HEADER = "name,kind,location,latitude,longitude,area_m2,care_needs\n"


def test_a_spreadsheet_becomes_plots() -> None:
    plots, problems = parse_plot_csv(
        HEADER + "1号花坛,flowerbed,3栋,30.64,104.05,12,浇水\n2号花墙,flower_wall,,,,,\n"
    )
    assert problems == []
    assert [(p.name, p.kind, p.area_m2) for p in plots] == [
        ("1号花坛", PlotKind.FLOWERBED, 12),
        ("2号花墙", PlotKind.FLOWER_WALL, None),
    ]
    assert (plots[0].latitude, plots[0].longitude) == (30.64, 104.05)


def test_only_name_and_kind_columns_are_needed_and_others_are_ignored() -> None:
    plots, problems = parse_plot_csv("Kind, NAME ,notes\nplanter,花箱,随便写\n")
    assert problems == []
    assert [(p.name, p.kind, p.location) for p in plots] == [("花箱", PlotKind.PLANTER, "")]


@pytest.mark.parametrize(
    "text",
    [
        "1号花坛,flowerbed\n",  # no header: the first row is taken as one and lacks the columns
        "name,location\n1号花坛,3栋\n",
        "kind,location\nflowerbed,3栋\n",
        "",
    ],
)
def test_a_spreadsheet_must_name_its_columns_including_name_and_kind(text: str) -> None:
    plots, problems = parse_plot_csv(text)
    assert plots == []
    assert [p.line for p in problems] == [1]


def test_a_byte_order_mark_before_the_header_is_ignored() -> None:
    plots, problems = parse_plot_csv("\ufeffname,kind\n花坛,flowerbed\n")
    assert problems == []
    assert [p.name for p in plots] == ["花坛"]


def test_blank_rows_are_skipped() -> None:
    plots, problems = parse_plot_csv("name,kind\n,\n花坛,flowerbed\n , \n花墙,flower_wall\n,,,\n")
    assert problems == []
    assert [p.name for p in plots] == ["花坛", "花墙"]


def test_a_problem_after_an_empty_line_names_its_own_line() -> None:
    text = "name,kind\n花坛,flowerbed\n\n花墙,wall\n"  # the bad row is on line 4
    plots, problems = parse_plot_csv(text)
    assert [p.name for p in plots] == ["花坛"]
    assert [(p.line, p.message) for p in problems] == [
        (4, "Please choose what kind of plot this is.")
    ]


def test_a_file_with_only_a_header_has_no_plots() -> None:
    plots, problems = parse_plot_csv("name,kind\n,\n")
    assert plots == []
    assert [(p.line, p.message) for p in problems] == [(1, "The file has no plots in it.")]


def test_every_bad_row_is_reported_with_its_line() -> None:
    text = (
        "name,kind,latitude,longitude,area_m2\n"
        "好花坛,flowerbed,,,\n"  # 2
        ",flowerbed,,,\n"  # 3
        "花墙,wall,,,\n"  # 4
        "树池,tree_pit,30.6,,\n"  # 5
        "花箱,planter,,,1.5\n"  # 6
        "口袋花园,pocket_garden,,,\n"  # 7
    )
    plots, problems = parse_plot_csv(text)
    assert [p.name for p in plots] == ["好花坛", "口袋花园"]
    assert [(p.line, p.message) for p in problems] == [
        (3, "Please give the plot a name."),
        (4, "Please choose what kind of plot this is."),
        (5, "Please give both latitude and longitude, or neither."),
        (6, "Please give the size in whole square metres."),
    ]


def test_a_name_twice_in_the_file_is_a_problem_on_its_second_line() -> None:
    plots, problems = parse_plot_csv("name,kind\n花坛,flowerbed\n花墙,flower_wall\n 花坛 ,other\n")
    assert [p.name for p in plots] == ["花坛", "花墙"]
    assert [(p.line, p.message) for p in problems] == [(4, "This name appears twice in the file.")]


def test_at_most_five_hundred_rows_are_read() -> None:
    rows = "".join(f"花坛{i},flowerbed\n" for i in range(IMPORT_ROWS_MAX))
    plots, problems = parse_plot_csv("name,kind\n" + rows)
    assert len(plots) == IMPORT_ROWS_MAX
    assert problems == []

    plots, problems = parse_plot_csv("name,kind\n" + rows + "多一个,flowerbed\n")
    assert [(p.line, p.message) for p in problems] == [
        (IMPORT_ROWS_MAX + 2, "Too many rows: import at most 500 at a time.")
    ]


def test_hostile_text_in_a_spreadsheet_is_kept_as_text() -> None:
    formula = '=HYPERLINK("http://x","点我")'
    text = (
        'name,kind,location,care_needs\n"'
        + HOSTILE.replace('"', '""')
        + '",flowerbed,"'
        + formula.replace('"', '""')
        + '","a,b\nc"\n'
    )
    plots, problems = parse_plot_csv(text)
    assert problems == []
    [plot] = plots
    assert plot.name == HOSTILE
    assert plot.location == formula
    assert plot.care_needs == "a,b\nc"


def test_rows_longer_or_shorter_than_the_header_are_read() -> None:
    plots, problems = parse_plot_csv(
        "name,kind,location\n花坛,flowerbed,3栋,多余,多余\n花墙,other\n"
    )
    assert problems == []
    assert [(p.name, p.location) for p in plots] == [("花坛", "3栋"), ("花墙", "")]


# --- terms of adoption ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (datetime(2025, 1, 31, 9, 30, tzinfo=UTC), 1, datetime(2025, 2, 28, 9, 30, tzinfo=UTC)),
        (datetime(2024, 1, 31, 9, 30, tzinfo=UTC), 1, datetime(2024, 2, 29, 9, 30, tzinfo=UTC)),
        (datetime(2025, 11, 30, tzinfo=UTC), 3, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2025, 8, 31, tzinfo=UTC), 6, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2023, 8, 31, tzinfo=UTC), 6, datetime(2024, 2, 29, tzinfo=UTC)),
        (datetime(2025, 3, 31, tzinfo=UTC), 3, datetime(2025, 6, 30, tzinfo=UTC)),
        (datetime(2025, 12, 15, tzinfo=UTC), 12, datetime(2026, 12, 15, tzinfo=UTC)),
        (datetime(2025, 10, 1, tzinfo=UTC), 3, datetime(2026, 1, 1, tzinfo=UTC)),
        (datetime(2024, 2, 29, tzinfo=UTC), 12, datetime(2025, 2, 28, tzinfo=UTC)),
    ],
)
def test_a_term_ends_on_the_same_day_of_the_month_or_the_months_last(
    start: datetime, months: int, end: datetime
) -> None:
    assert adoption_end(start, months) == end


def test_a_term_keeps_the_time_zone_of_its_start() -> None:
    chengdu = timezone(timedelta(hours=8))
    end = adoption_end(datetime(2025, 5, 31, 23, 0, tzinfo=chengdu), 6)
    assert end == datetime(2025, 11, 30, 23, 0, tzinfo=chengdu)
    assert end.tzinfo == chengdu


@pytest.mark.parametrize("months", [3, 6, 12])
def test_terms_of_three_six_or_twelve_months_are_offered(months: int) -> None:
    assert check_term(months) == months


@pytest.mark.parametrize("months", [0, 1, 2, 4, 24, -3])
def test_other_terms_are_refused(months: int) -> None:
    with pytest.raises(Invalid) as caught:
        check_term(months)
    assert caught.value.field == "term_months"


# --- lapse ---------------------------------------------------------------------------------------

ADOPTED = datetime(2025, 4, 1, 8, 0, tzinfo=UTC)


def state(last_care: datetime | None, now: datetime) -> Lapse:
    return lapse_state(last_care, ADOPTED, now, lapse_days=14, grace_days=7)


def test_a_new_adoption_counts_from_its_start() -> None:
    second = timedelta(seconds=1)
    assert state(None, ADOPTED) is Lapse.CARED_FOR
    assert state(None, ADOPTED + timedelta(days=14) - second) is Lapse.CARED_FOR
    assert state(None, ADOPTED + timedelta(days=14)) is Lapse.WARN_TEAM
    assert state(None, ADOPTED + timedelta(days=21) - second) is Lapse.WARN_TEAM
    assert state(None, ADOPTED + timedelta(days=21)) is Lapse.ASK_COMMITTEE
    assert state(None, ADOPTED + timedelta(days=400)) is Lapse.ASK_COMMITTEE


def test_care_counts_from_the_last_log() -> None:
    cared = ADOPTED + timedelta(days=30)
    second = timedelta(seconds=1)
    assert state(cared, cared + timedelta(days=14) - second) is Lapse.CARED_FOR
    assert state(cared, cared + timedelta(days=14)) is Lapse.WARN_TEAM
    assert state(cared, cared + timedelta(days=21)) is Lapse.ASK_COMMITTEE


def test_care_given_before_the_adoption_does_not_count_for_it() -> None:
    """The previous team's last care must not make the new team look lapsed."""
    before = ADOPTED - timedelta(days=60)
    assert state(before, ADOPTED + timedelta(days=13)) is Lapse.CARED_FOR
    assert state(before, ADOPTED + timedelta(days=14)) is Lapse.WARN_TEAM


def test_lapse_follows_the_communitys_settings() -> None:
    later = ADOPTED + timedelta(days=3)
    assert lapse_state(None, ADOPTED, later, lapse_days=3, grace_days=0) is Lapse.ASK_COMMITTEE
    assert lapse_state(None, ADOPTED, later, lapse_days=3, grace_days=1) is Lapse.WARN_TEAM
    assert lapse_state(None, ADOPTED, later, lapse_days=4, grace_days=1) is Lapse.CARED_FOR


def test_a_term_ends_soon_within_two_weeks_of_its_end_and_after_it() -> None:
    ends = ADOPTED + timedelta(days=90)
    assert not term_ends_soon(ends, ends - timedelta(days=14, seconds=1))
    assert term_ends_soon(ends, ends - timedelta(days=14))
    assert term_ends_soon(ends, ends)
    assert term_ends_soon(ends, ends + timedelta(days=100))  # still standing: nothing ends


# --- minutes and hours ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("1", 1), ("600", 600), (" 45 ", 45), ("０３０", 30), ("６００", 600), ("0030", 30)],
)
def test_minutes_from_one_to_six_hundred_are_accepted(text: str, minutes: int) -> None:
    assert check_minutes(text) == minutes


@pytest.mark.parametrize(
    "text", ["", " ", "0", "601", "9999", "-5", "1.5", "30分钟", "²", "3²", "٣٠", "三十", "1e2"]
)
def test_other_minutes_are_refused(text: str) -> None:
    with pytest.raises(Invalid) as caught:
        check_minutes(text)
    assert caught.value.field == "minutes"


@pytest.mark.parametrize(
    ("minutes", "hours"),
    [
        (0, "0.0"),
        (1, "0.0"),
        (2, "0.0"),  # 0.033 h
        (3, "0.1"),  # 0.05 h: a half tenth rounds up
        (6, "0.1"),
        (8, "0.1"),  # 0.133 h
        (9, "0.2"),  # 0.15 h rounds up
        (30, "0.5"),
        (60, "1.0"),
        (87, "1.5"),  # 1.45 h rounds up
        (90, "1.5"),
        (599, "10.0"),
        (600, "10.0"),
        (6000, "100.0"),
    ],
)
def test_hours_are_given_to_the_nearest_tenth_with_halves_up(minutes: int, hours: str) -> None:
    assert hours_text(minutes) == hours


# --- the rota's week -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (date(2025, 6, 2), date(2025, 6, 2)),  # a Monday is its own week
        (date(2025, 6, 4), date(2025, 6, 2)),
        (date(2025, 6, 8), date(2025, 6, 2)),  # Sunday ends the week
        (date(2025, 6, 9), date(2025, 6, 9)),
        (date(2025, 1, 1), date(2024, 12, 30)),  # across the new year
        (date(2024, 3, 2), date(2024, 2, 26)),  # across a leap day
    ],
)
def test_the_week_starts_on_monday(day: date, monday: date) -> None:
    assert week_start(day) == monday
