"""Atomic file writes (temp file in the same directory, rename) with a chosen level of
durability, and the lock that lets processes sharing the data root take turns at a
read-modify-write."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal

__all__ = ["Sync", "atomic_write_bytes", "atomic_write_json", "epoch_seconds",
           "interprocess_lock"]

Sync = Literal["full", "data", "none"]
"""How durable an atomic write is once it returns (readers never see half a file):

* ``full``: the file and its directory entry are on disk (fsync of both): the new
  content survives a power cut. Settings and credentials (config.json, auth.json).
* ``data``: the content is on disk before the rename (fsync of the file), the
  rename itself is left to the file system's journal: after a power cut the
  file is whole or absent (the previous state), never torn. The history database
  has the same guarantee (SQLite WAL with ``synchronous=NORMAL``), so job files
  use it: a job's last moments of work may be lost to a power cut, like its
  last history commits, but nothing is ever half-written.
* ``none``: no fsync: whole or absent after a crash of the process. Only for
  records that can be derived again (e.g. the recovery state's "response saved"
  mark, implied by the spooled response itself).
"""

_counter = itertools.count()


def epoch_seconds() -> str:
    """Unix time in whole seconds as a decimal string (history timestamps)."""
    import time

    return str(int(time.time()))


def _temp_file(path: Path) -> tuple[int, str]:
    """Create a new hidden temp file next to ``path`` (its name unique to this process)."""
    while True:
        tmp = str(path.parent / f".{path.name}.{os.getpid()}.{next(_counter)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600), tmp
        except FileExistsError:  # left by a crashed process that had our pid
            continue


def atomic_write_bytes(path: Path, data: bytes, *, mode: int = 0o644,
                       sync: Sync = "full") -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new, never half
    (``sync``: how durable the result is when this returns, see :data:`Sync`)."""
    try:
        fd, tmp = _temp_file(path)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _temp_file(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            if sync != "none":
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if sync == "full":
        with contextlib.suppress(OSError):
            dir_fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)


def atomic_write_json(path: Path, value: Any, *, mode: int = 0o644, sync: Sync = "full") -> None:
    text = json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    atomic_write_bytes(path, text.encode("utf-8"), mode=mode, sync=sync)


@asynccontextmanager
async def interprocess_lock(lock_path: Path, *, timeout: float = 30.0,
                            error_code: str = "lock_failed") -> AsyncIterator[None]:
    """Hold ``lock_path`` (an OS file lock) while the block runs.

    The CLI and the server may share one data root (and ``auth.json``); a
    read-modify-write of a shared file under this lock cannot lose another
    process's update. Waiting happens in a worker thread, never on the event loop;
    after ``timeout`` seconds the wait ends with ``lock_timeout``. When the lock file
    cannot be created at all, the error is ``error_code`` (the caller's write error).
    """
    from filelock import AsyncFileLock, Timeout

    from .errors import AppError

    lock = AsyncFileLock(str(lock_path), timeout=timeout)
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        await lock.acquire()
    except Timeout as exc:  # before OSError: Timeout is a TimeoutError
        raise AppError("lock_timeout", f"Another process is still updating {lock_path.stem}.",
                       {"lock_file": str(lock_path)}, retryable=False) from exc
    except OSError as exc:
        raise AppError(error_code, f"Unable to lock {lock_path.stem}.",
                       {"lock_file": str(lock_path), "error": type(exc).__name__}) from exc
    try:
        yield
    finally:
        await lock.release()
