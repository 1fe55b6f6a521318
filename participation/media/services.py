"""Accepting a photo: quota, alt text, the safe pipeline, storage, then the row."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from participation.core.db import transaction
from participation.core.errors import N_, Invalid, RateLimited
from participation.core.permissions import Actor
from participation.core.text import clean_line
from participation.media.models import Photo
from participation.media.pipeline import process_image
from participation.media.storage import Storage, delete_variants, store_variants

DAILY_QUOTA = 40
ALT_MAX = 300
# A 40-megapixel PNG peaks near 300 MB while decoding: at most two at a time per worker.
_PROCESSING = asyncio.Semaphore(2)


def clean_alt_text(text: str) -> str:
    alt = clean_line(text, max_length=ALT_MAX)
    if alt is None:
        raise Invalid(
            N_("Please describe the photo in a few words (for neighbours who cannot see it)."),
            field="alt_text",
        )
    return alt


async def check_quota(actor: Actor, now: datetime) -> None:
    recent = await Photo.filter(
        owner_id=actor.user_id, created_at__gte=now - timedelta(days=1)
    ).count()
    if recent >= DAILY_QUOTA:
        raise RateLimited(
            retry_after=3600,
            message=N_("You have uploaded many photos today. Please try again tomorrow."),
        )


async def accept_photo(
    actor: Actor, community_id: int, data: bytes, alt_text: str, storage: Storage, *, now: datetime
) -> Photo:
    """Process and store one upload. The files are written first, then the row; if the row
    fails, the files are removed, so a failure leaves neither."""
    alt = clean_alt_text(alt_text)
    await check_quota(actor, now)
    async with _PROCESSING:
        processed = await asyncio.to_thread(process_image, data)
    prefix = await store_variants(storage, processed)
    try:
        async with transaction() as conn:
            return await Photo.create(
                community_id=community_id,
                owner_id=actor.user_id,
                storage_key=prefix,
                width=processed.width,
                height=processed.height,
                alt_text=alt,
                variants=[
                    {"name": v.name, "width": v.width, "height": v.height}
                    for v in processed.variants
                ],
                byte_size=sum(len(v.data) for v in processed.variants),
                created_at=now,
                using_db=conn,
            )
    except BaseException:
        await asyncio.shield(delete_variants(storage, prefix, [v.name for v in processed.variants]))
        raise


@dataclass(frozen=True)
class PhotoUpload:
    """A photo as sent with a form (a care log, a plot): processed by the safe pipeline once
    what it comes with is valid."""

    data: bytes
    alt_text: str
    storage: Storage
