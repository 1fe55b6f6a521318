"""Stored photos as pages show them, for the capabilities that show photos (their own link
tables say which photos belong to what)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from participation.media.models import Photo


@dataclass(frozen=True)
class PhotoView:
    key: str
    alt_text: str
    width: int
    height: int
    variants: tuple[str, ...] = ("original",)

    def pick(self, wanted: str) -> str:
        """``wanted`` if it was made; small photos only have their original."""
        return wanted if wanted in self.variants else "original"


def variant_names(variants: object) -> tuple[str, ...]:
    """The names of the variants stored for a photo (JSON may arrive as text from raw SQL)."""
    if isinstance(variants, str):
        variants = json.loads(variants)
    if not isinstance(variants, list):
        return ("original",)
    return tuple(str(v.get("name")) for v in variants if isinstance(v, dict))


def photo_view(photo: Photo) -> PhotoView:
    return PhotoView(
        photo.storage_key, photo.alt_text, photo.width, photo.height, variant_names(photo.variants)
    )


# --- read by the plots capability


async def photo_view_of(photo_id: int) -> PhotoView | None:
    photo = await Photo.get_or_none(id=photo_id)
    return photo_view(photo) if photo else None


async def owned_photo_ids(
    owner_id: int | None, community_id: int, photo_ids: list[int]
) -> set[int]:
    """Which of these photos the user uploaded in this community (a care log may only carry
    its own member's photos)."""
    rows = await Photo.filter(
        id__in=photo_ids, owner_id=owner_id, community_id=community_id
    ).values("id")
    return {int(row["id"]) for row in rows}
