"""Photo storage: random keys, atomic writes, no leftovers (HOSTILE 30, faults: disk full)."""

from __future__ import annotations

import asyncio
import errno
import os
import threading
from pathlib import Path

import pytest

from participation.media import storage as storage_module
from participation.media.pipeline import ProcessedImage, Variant
from participation.media.storage import (
    InvalidKey,
    LocalStorage,
    Storage,
    check_key,
    delete_variants,
    new_key,
    store_variants,
    variant_key,
)


def files_under(root: Path) -> list[str]:
    """Every file and directory below ``root``, temporary files included."""
    return sorted(str(path.relative_to(root)) for path in root.rglob("*"))


def processed(*names: str) -> ProcessedImage:
    variants = tuple(
        Variant(name, 10, 10, f"pixels of {name}".encode()) for name in (*names, "original")
    )
    return ProcessedImage(10, 10, variants)


def disk_full(*args: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture
def media_root(tmp_path: Path) -> Path:
    return tmp_path / "media"


@pytest.fixture
def storage(media_root: Path) -> LocalStorage:
    return LocalStorage(media_root)


# --- keys ------------------------------------------------------------------------------


def test_new_keys_are_random_hex_ids() -> None:
    keys = {new_key() for _ in range(1000)}
    assert len(keys) == 1000
    for key in keys:
        assert len(key) == 32 and int(key, 16) >= 0
        assert check_key(key) == key


HOSTILE_KEYS = {
    "parent traversal": "../../app.py",
    "traversal inside": "abc/../../app.py",
    "dot segment": "abc/./def",
    "absolute": "/etc/passwd",
    "backslash": "abc\\..\\app.py",
    "windows drive": "C:/app.py",
    "nul": "photo.webp\x00.py",
    "rtl override": "photo\u202egpj.py",
    "non-ascii": "花开.webp",
    "newline": "abc\ndef",
    "space": "a b",
    "hidden": ".htaccess",
    "temp file": ".tmp-abc",
    "empty": "",
    "empty segment": "abc//def",
    "trailing slash": "abc/",
    "five kilobytes": "a" * 5000,
    "too deep": "a/b/c/d/e",
    "segment too long": "a" * 101,
}


@pytest.mark.parametrize("key", HOSTILE_KEYS.values(), ids=HOSTILE_KEYS.keys())
async def test_hostile_keys_are_rejected_by_every_operation(
    storage: LocalStorage, tmp_path: Path, key: str
) -> None:
    with pytest.raises(InvalidKey):
        check_key(key)
    with pytest.raises(InvalidKey):
        storage.path(key)
    with pytest.raises(InvalidKey):
        await storage.put(key, b"print('owned')")
    with pytest.raises(InvalidKey):
        await storage.get(key)
    with pytest.raises(InvalidKey):
        await storage.exists(key)
    with pytest.raises(InvalidKey):
        await storage.delete(key)
    assert files_under(tmp_path) == []


def test_invalid_key_is_a_value_error_with_a_short_message() -> None:
    with pytest.raises(ValueError, match="not a storage key") as error:
        check_key("x" * 5000)
    assert len(str(error.value)) < 80


def test_variant_keys_live_under_the_photo_prefix() -> None:
    prefix = new_key()
    assert variant_key(prefix, "960") == f"{prefix}/960.webp"
    with pytest.raises(InvalidKey):
        variant_key(prefix, "../../app")


# --- LocalStorage ----------------------------------------------------------------------


def test_local_storage_is_a_storage(storage: LocalStorage) -> None:
    assert isinstance(storage, Storage)


async def test_put_get_exists_delete(storage: LocalStorage, media_root: Path) -> None:
    key = f"{new_key()}/960.webp"
    assert not await storage.exists(key)

    await storage.put(key, b"first")
    await storage.put(key, b"second")

    assert await storage.exists(key)
    assert await storage.get(key) == b"second"
    assert storage.path(key) == media_root / key
    assert storage.path(key).read_bytes() == b"second"

    await storage.delete(key)
    await storage.delete(key)  # deleting twice is fine
    assert not await storage.exists(key)
    assert files_under(media_root) == []  # the photo's directory went with its last file
    with pytest.raises(FileNotFoundError):
        await storage.get(key)


async def test_files_are_written_in_a_worker_thread(
    storage: LocalStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[threading.Thread] = []
    replace = os.replace

    def spy(source: str, target: Path) -> None:
        threads.append(threading.current_thread())
        replace(source, target)

    monkeypatch.setattr(storage_module.os, "replace", spy)
    await storage.put(new_key(), b"data")
    assert threads and threads[0] is not threading.main_thread()


@pytest.mark.parametrize(
    "failing", ["fsync", "write", "replace", "partial write then full"], ids=str
)
async def test_a_full_disk_leaves_no_temporary_file_and_the_old_version_intact(
    storage: LocalStorage, media_root: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    key = f"{new_key()}/original.webp"
    await storage.put(key, b"old version")
    before = files_under(media_root)

    if failing == "partial write then full":
        write = os.write
        calls = []

        def write_some_then_fail(fd: int, data: memoryview) -> int:
            calls.append(fd)
            if len(calls) > 1:
                disk_full()
            return write(fd, data[:3])

        monkeypatch.setattr(storage_module.os, "write", write_some_then_fail)
    else:
        monkeypatch.setattr(storage_module.os, failing, disk_full)

    with pytest.raises(OSError) as error:
        await storage.put(key, b"new version, never completely written")

    assert error.value.errno == errno.ENOSPC
    monkeypatch.undo()
    assert files_under(media_root) == before
    assert await storage.get(key) == b"old version"


async def test_a_root_that_cannot_hold_files_raises_an_os_error(tmp_path: Path) -> None:
    not_a_directory = tmp_path / "media"
    not_a_directory.write_bytes(b"")
    with pytest.raises(OSError):
        await LocalStorage(not_a_directory).put(new_key(), b"data")
    assert files_under(tmp_path) == ["media"]


async def test_a_cancelled_put_finishes_before_the_cancellation_propagates(
    storage: LocalStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, release = threading.Event(), threading.Event()
    write = storage_module._write_all

    def slow_write(fd: int, data: bytes) -> None:
        started.set()
        release.wait(5)
        write(fd, data)

    monkeypatch.setattr(storage_module, "_write_all", slow_write)
    key = new_key()
    task = asyncio.create_task(storage.put(key, b"data"))
    await asyncio.to_thread(started.wait, 5)
    task.cancel()
    await asyncio.sleep(0.05)
    assert not task.done()  # still waiting for the thread, rather than abandoning it
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await storage.get(key) == b"data"  # landed before put() returned, not later


# --- store_variants ----------------------------------------------------------------


async def test_store_variants_writes_every_variant_under_one_new_prefix(
    storage: LocalStorage, media_root: Path
) -> None:
    photo = processed("320", "960")

    prefix = await store_variants(storage, photo)

    assert check_key(prefix) == prefix and "/" not in prefix
    assert files_under(media_root) == [
        prefix,
        f"{prefix}/320.webp",
        f"{prefix}/960.webp",
        f"{prefix}/original.webp",
    ]
    for variant in photo.variants:
        assert await storage.get(variant_key(prefix, variant.name)) == variant.data
    assert await store_variants(storage, photo) != prefix


class FailingStorage:
    """A LocalStorage whose n-th put fails with a full disk after writing a partial file."""

    def __init__(self, inner: LocalStorage, fail_on: int) -> None:
        self.inner, self.fail_on, self.puts = inner, fail_on, 0

    async def put(self, key: str, data: bytes) -> None:
        self.puts += 1
        if self.puts == self.fail_on:
            # A storage without atomic writes could leave a partial object behind.
            await self.inner.put(key, data[:1])
            disk_full()
        await self.inner.put(key, data)

    async def get(self, key: str) -> bytes:
        return await self.inner.get(key)

    async def delete(self, key: str) -> None:
        await self.inner.delete(key)

    async def exists(self, key: str) -> bool:
        return await self.inner.exists(key)


@pytest.mark.parametrize("fail_on", [1, 2, 3])
async def test_a_failed_write_removes_every_variant_already_written(
    storage: LocalStorage, media_root: Path, fail_on: int
) -> None:
    with pytest.raises(OSError) as error:
        await store_variants(FailingStorage(storage, fail_on), processed("320", "960"))
    assert error.value.errno == errno.ENOSPC
    assert files_under(media_root) == []


async def test_cancelling_store_variants_leaves_nothing_behind(
    storage: LocalStorage, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    second_started, release = threading.Event(), threading.Event()
    write = storage_module._write_all
    writes = []

    def slow_second_write(fd: int, data: bytes) -> None:
        writes.append(fd)
        if len(writes) == 2:
            second_started.set()
            release.wait(5)
        write(fd, data)

    monkeypatch.setattr(storage_module, "_write_all", slow_second_write)
    task = asyncio.create_task(store_variants(storage, processed("320", "960")))
    await asyncio.to_thread(second_started.wait, 5)
    task.cancel()
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert files_under(media_root) == []


async def test_delete_variants_is_best_effort(
    storage: LocalStorage, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    photo = processed("320", "960")
    prefix = await store_variants(storage, photo)
    unlink = Path.unlink

    def first_unlink_fails(path: Path, missing_ok: bool = False) -> None:
        if path.name == "320.webp":
            raise PermissionError(errno.EACCES, "read-only")
        unlink(path, missing_ok)

    monkeypatch.setattr(Path, "unlink", first_unlink_fails)
    await delete_variants(storage, prefix, [variant.name for variant in photo.variants])
    monkeypatch.undo()

    assert files_under(media_root) == [prefix, f"{prefix}/320.webp"]
