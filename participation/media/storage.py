"""Where processed photos live: a small async ``Storage`` protocol and ``LocalStorage``.

Keys are chosen by us, never by the uploader: ``new_key()`` gives a random id, and
``store_variants`` files every variant of one photo under ``<id>/<variant>.webp``. The
uploaded file name is never part of a key or a path (HOSTILE 30). Keys are checked against a
strict pattern anyway, so a key that arrives from a URL cannot climb out of the storage root.

``LocalStorage`` writes atomically: a temporary file in the target directory, flushed and
fsynced, renamed over the final name with ``os.replace``, then the directory is fsynced. A
reader sees the old file or the whole new one, never a partial file; after a failure (a full
disk, a failed fsync) no temporary file remains and the ``OSError`` propagates unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol, TypeVar, runtime_checkable

from participation.media.pipeline import ProcessedImage

T = TypeVar("T")

# One to four path segments of letters, digits, "_", "-" and ".", none starting with a dot
# (no "..", no hidden or temporary files) and none empty (no absolute paths, no "//").
# Backslashes, NUL, control and bidi characters, and anything non-ASCII never match.
_SEGMENT = r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}"
_KEY = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT}){{0,3}}")
MAX_KEY_LENGTH = 200
_TEMP_PREFIX = ".tmp-"


class InvalidKey(ValueError):
    """A storage key that is not one of ours; a programming error, or a forged URL."""


def new_key() -> str:
    """A fresh random id (128 bits, hex), unrelated to anything the uploader sent."""
    return secrets.token_hex(16)


def check_key(key: str) -> str:
    if len(key) > MAX_KEY_LENGTH or not _KEY.fullmatch(key):
        raise InvalidKey(f"not a storage key: {key[:40]!r}")
    return key


@runtime_checkable
class Storage(Protocol):
    """Bytes by key. Missing keys: ``get`` raises ``FileNotFoundError``; ``delete`` is a no-op."""

    async def put(self, key: str, data: bytes) -> None: ...

    async def get(self, key: str) -> bytes: ...

    async def delete(self, key: str) -> None: ...

    async def exists(self, key: str) -> bool: ...


class LocalStorage:
    """Files under ``root``; blocking I/O runs in a worker thread.

    Files are created with mode 0600 (``tempfile.mkstemp``): the app serves them itself,
    with a fixed Content-Type, rather than a web server reading the directory.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        """The file for ``key``, for serving with a ``FileResponse``."""
        return self.root / check_key(key)

    async def put(self, key: str, data: bytes) -> None:
        await _in_thread(self._put, self.path(key), data)

    async def get(self, key: str) -> bytes:
        return await _in_thread(self.path(key).read_bytes)

    async def delete(self, key: str) -> None:
        await _in_thread(self._delete, self.path(key))

    async def exists(self, key: str) -> bool:
        return await _in_thread(self.path(key).is_file)

    def _put(self, target: Path, data: bytes) -> None:
        self._make_dirs(target.parent)
        fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=_TEMP_PREFIX)
        try:
            try:
                _write_all(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(temp_name, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp_name)
            raise
        _fsync_dir(target.parent)

    def _make_dirs(self, directory: Path) -> None:
        """Create ``directory`` and missing parents up to the root, each made durable."""
        if directory.is_dir():
            return
        if directory != self.root:
            self._make_dirs(directory.parent)
        with contextlib.suppress(FileExistsError):
            directory.mkdir()
            if directory != self.root:
                _fsync_dir(directory.parent)

    def _delete(self, target: Path) -> None:
        try:
            target.unlink()
        except FileNotFoundError:
            return
        _fsync_dir(target.parent)
        # Drop the photo's directory once its last variant is gone. Directories are per
        # photo (one random id each), so no other writer is filling this one.
        directory = target.parent
        while directory != self.root:
            try:
                directory.rmdir()
            except OSError:
                return  # Not empty, or already gone.
            directory = directory.parent


def variant_key(prefix: str, name: str) -> str:
    """The key of variant ``name`` (``"960"``, ``"original"``) of the photo ``prefix``."""
    return check_key(f"{prefix}/{name}.webp")


async def store_variants(storage: Storage, processed: ProcessedImage) -> str:
    """Store every variant under one new random prefix and return the prefix.

    All or nothing: if any write fails (or the task is cancelled), the variants already
    written are deleted before the error propagates. Pair it with the database row like
    this, so that a failure leaves neither a file nor a row pointing at a missing file::

        prefix = await store_variants(storage, processed)     # files first
        try:
            async with in_transaction():
                await Photo.create(key=prefix, ...)             # then the row
        except BaseException:
            await delete_variants(storage, prefix, [v.name for v in processed.variants])
            raise

    A crash between the two steps can leave unreferenced files, never a dangling row; a
    periodic sweep may remove prefixes that no row names.
    """
    prefix = new_key()
    names = [variant.name for variant in processed.variants]
    try:
        for variant in processed.variants:
            await storage.put(variant_key(prefix, variant.name), variant.data)
    except BaseException:
        # Shielded: a second cancellation must not stop the clean-up half way.
        await asyncio.shield(delete_variants(storage, prefix, names))
        raise
    return prefix


async def delete_variants(storage: Storage, prefix: str, names: Iterable[str]) -> None:
    """Delete the variants of one photo, best effort: every deletion is attempted."""
    for name in names:
        with contextlib.suppress(OSError):
            await storage.delete(variant_key(prefix, name))


async def _in_thread(func: Callable[..., T], *args: object) -> T:
    """Run blocking ``func`` in a thread and always wait for it to finish.

    If the caller is cancelled, the thread cannot be stopped; waiting for it before the
    ``CancelledError`` propagates means no write lands after the caller's clean-up ran.
    """
    task = asyncio.ensure_future(asyncio.to_thread(func, *args))
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        await asyncio.wait([task])
        if not task.cancelled():
            task.exception()  # Retrieved, so asyncio does not log it as never retrieved.
        raise


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
