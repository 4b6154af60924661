"""Folder checks behind ``PUT /api/paths`` and local storage targets."""

from __future__ import annotations

from pathlib import Path

import pytest

from gpt_image_2.config.pathconfig import canonicalize, check_allowed_dir, ensure_writable
from gpt_image_2.errors import AppError


def test_canonicalize_resolves_existing_links_and_dotdot(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "link").symlink_to(outside)
    assert canonicalize(root / "a" / ".." / "b" / "c") == root.resolve() / "b" / "c"
    assert canonicalize(root / "link" / "new") == outside.resolve() / "new"
    assert canonicalize(root / "new" / ".." / "link" / "x") == outside.resolve() / "x"
    assert canonicalize(root / "x" / ".." / ".." / "root") == root.resolve()


def test_allowed_dir_compares_components_not_prefixes(tmp_path: Path) -> None:
    root = tmp_path / "data"
    root.mkdir()
    (tmp_path / "data2").mkdir()
    assert check_allowed_dir(str(root / "x"), [root], field="f") == root.resolve() / "x"
    assert check_allowed_dir(str(root), [root], field="f") == root.resolve()
    for bad in (str(tmp_path / "data2" / "x"), str(root / ".." / "data2"), "data/x", "",
                str(root) + "/\x00"):
        with pytest.raises(AppError) as info:
            check_allowed_dir(bad, [root], field="f")
        assert info.value.code == "invalid_argument"
        assert info.value.detail["field"] == "f"


def test_ensure_writable_creates_probes_and_cleans_up(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "b"
    assert ensure_writable(folder, [tmp_path], field="f") == folder.resolve()
    assert folder.is_dir() and list(folder.iterdir()) == []
