"""Atomic writes: readers see the old file or the new one, and each sync level
fsyncs exactly what it promises (fsutil.Sync)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from gpt_image_2 import fsutil
from gpt_image_2.fsutil import atomic_write_bytes


@pytest.mark.parametrize(("sync", "expected"), [("full", ["file", "dir"]), ("data", ["file"]),
                                                ("none", [])])
def test_each_sync_level_fsyncs_what_it_promises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sync: fsutil.Sync, expected: list[str]
) -> None:
    synced: list[str] = []
    real = os.fsync

    def spy(fd: int) -> None:
        synced.append("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real(fd)

    monkeypatch.setattr(fsutil.os, "fsync", spy)
    target = tmp_path / "deep" / "out.json"  # the directory is created on first use
    atomic_write_bytes(target, b"new", mode=0o600, sync=sync)
    assert synced == expected
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["out.json"]  # no temp file left


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.png"
    atomic_write_bytes(target, b"old")

    def broken(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(fsutil.os, "fsync", broken)
    with pytest.raises(OSError):
        atomic_write_bytes(target, b"new", sync="data")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]


def test_a_stale_temp_file_of_a_dead_process_is_stepped_over(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    counter = fsutil._counter
    fsutil._counter = iter(range(7, 100))  # type: ignore[assignment]
    try:
        stale = tmp_path / f".state.json.{os.getpid()}.7.tmp"
        stale.write_bytes(b"left by a crash")
        atomic_write_bytes(target, b"{}", sync="none")
    finally:
        fsutil._counter = counter
    assert target.read_bytes() == b"{}"
    assert stale.read_bytes() == b"left by a crash"  # not ours to remove or reuse
