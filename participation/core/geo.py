"""Coordinates typed by people: decimal degrees, both or neither."""

from __future__ import annotations

from participation.core.errors import N_, Invalid


def parse_coordinates(latitude: str, longitude: str) -> tuple[float | None, float | None]:
    """Latitude and longitude as typed (or imported), rounded to about 10 cm; both empty is
    "no place on the map"."""
    lat = _coordinate(latitude, 90.0, "latitude")
    lng = _coordinate(longitude, 180.0, "longitude")
    if (lat is None) != (lng is None):
        raise Invalid(N_("Please give both latitude and longitude, or neither."), field="latitude")
    return lat, lng


def _coordinate(text: str, limit: float, field: str) -> float | None:
    text = text.strip()[:32]
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (-limit <= value <= limit):  # also refuses nan and inf
        raise Invalid(N_("This coordinate is not valid."), field=field)
    return round(value, 6)
