"""Atomic file writes (temp file in the same directory, fsync, rename, fsync dir) and the
lock that lets processes sharing the data root take turns at a read-modify-write."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

__all__ = ["atomic_write_bytes", "atomic_write_json", "epoch_seconds", "interprocess_lock"]


def epoch_seconds() -> str:
    """Unix time in whole seconds as a decimal string (history timestamps)."""
    import time

    return str(int(time.time()))


def atomic_write_bytes(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def atomic_write_json(path: Path, value: Any, *, mode: int = 0o644) -> None:
    text = json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    atomic_write_bytes(path, text.encode("utf-8"), mode=mode)


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
