"""Folders a client may set (spec/web.md §6.2 ``PUT /paths``, §10.3) and the paths view.

A custom folder must resolve inside the data root or one of
``GPT_IMAGE_2_ALLOWED_DATA_ROOTS``: the longest existing prefix is canonicalised
(symlinks resolved) and ``..`` normalised, then the result is compared by path
components. The folder is created and probed with a write. The data root itself is
never changed over HTTP. Everything here blocks: call it from a worker thread.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path
from typing import Any

from ..errors import InvalidArgument
from ..paths import DataPaths
from .models import ConfigPaths, ExportDirs, PathConfig

__all__ = [
    "canonicalize",
    "check_allowed_dir",
    "config_paths",
    "ensure_writable",
    "exports_dir",
    "storage_fallback_dir",
    "validate_path_config",
]


def canonicalize(path: Path) -> Path:
    """``path`` with every existing prefix resolved (symlinks included) and ``..`` applied.

    Components below the longest existing prefix cannot be links, so they are joined
    lexically.
    """
    current = Path(path.anchor)
    for part in path.parts[1:]:
        if part in ("", "."):
            continue
        if part == "..":
            current = current.parent
            continue
        candidate = current / part
        current = candidate.resolve() if candidate.is_symlink() or candidate.exists() \
            else candidate
    return current


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _bad(field: str, message: str, **detail: Any) -> InvalidArgument:
    return InvalidArgument(f"{field}: {message}", {"field": field, **detail})


def check_allowed_dir(raw: str | None, roots: list[Path], *, field: str) -> Path:
    """The canonical folder for ``raw`` when it lies inside one of ``roots``."""
    text = (raw or "").strip()
    if not text:
        raise _bad(field, "a path is required in custom mode.")
    if "\x00" in text:
        raise _bad(field, "the path contains a NUL character.")
    path = Path(text)
    if not path.is_absolute():
        raise _bad(field, "the path must be absolute.")
    try:
        canonical = canonicalize(path)
        allowed = [canonicalize(root.absolute()) for root in roots]
    except (OSError, RuntimeError, ValueError) as exc:
        raise _bad(field, f"the path cannot be resolved ({type(exc).__name__}).") from exc
    if not any(_inside(canonical, root) for root in allowed):
        raise _bad(field, "the folder is outside the allowed data roots; an administrator can "
                   "allow it with GPT_IMAGE_2_ALLOWED_DATA_ROOTS.",
                   allowed_roots=[str(r) for r in allowed])
    return canonical


def ensure_writable(folder: Path, roots: list[Path], *, field: str) -> Path:
    """Create ``folder``, re-check it (a link may have appeared) and probe a write."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _bad(field, f"the folder cannot be created ({exc.strerror or exc}).") from exc
    canonical = check_allowed_dir(str(folder), roots, field=field)
    if not canonical.is_dir():
        raise _bad(field, "the path is not a folder.")
    probe = canonical / f".gpt-image-2-write-probe-{uuid.uuid4().hex}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, b"probe")
        finally:
            os.close(fd)
    except OSError as exc:
        raise _bad(field, f"the folder is not writable ({exc.strerror or exc}).") from exc
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()
    return canonical


def validate_path_config(body: PathConfig, roots: list[Path], shared_dir: Path) -> dict[str, Any]:
    """The ``paths`` section to store, or ``invalid_argument`` (nothing is saved then)."""
    if body.app_data_dir.mode == "custom":
        raise _bad("app_data_dir", "the app data folder cannot be changed over HTTP; set the "
                   "data root in the server's environment (CODEX_HOME).")
    out: dict[str, Any] = {"app_data_dir": {"mode": "default", "path": None}}
    library = body.result_library_dir
    if library.mode == "custom":
        folder = check_allowed_dir(library.path, roots, field="result_library_dir")
        folder = ensure_writable(folder, roots, field="result_library_dir")
        out["result_library_dir"] = {"mode": "custom", "path": str(folder)}
    else:
        out["result_library_dir"] = {"mode": "default", "path": None}
    export = body.default_export_dir
    if export.mode == "custom":
        folder = check_allowed_dir(export.path, roots, field="default_export_dir")
        folder = ensure_writable(folder, roots, field="default_export_dir")
        out["default_export_dir"] = {"mode": "custom", "path": str(folder)}
    else:
        out["default_export_dir"] = {"mode": export.mode, "path": None}
    legacy = body.legacy_shared_codex_dir
    legacy_path: str | None = None
    if legacy.path and legacy.path.strip():
        default = canonicalize(shared_dir.absolute())
        folder = check_allowed_dir(legacy.path, [*roots, default],
                                   field="legacy_shared_codex_dir")
        legacy_path = str(folder)
    out["legacy_shared_codex_dir"] = {"path": legacy_path,
                                      "enabled_for_read": legacy.enabled_for_read}
    return out


def exports_dir(paths: DataPaths) -> Path:
    return paths.shared_dir / "exports"


def storage_fallback_dir(paths: DataPaths) -> Path:
    return paths.shared_dir / "storage" / "fallback"


def config_paths(paths: DataPaths, doc: dict[str, Any]) -> ConfigPaths:
    """The absolute paths object; the result library is where jobs really go (``jobs/``)."""
    section = doc.get("paths") if isinstance(doc.get("paths"), dict) else {}
    assert isinstance(section, dict)
    library = paths.jobs_dir
    exports = exports_dir(paths)
    dirs = {"downloads": exports, "documents": exports, "pictures": exports,
            "result_library": library, "browser_default": exports}
    export_ref = section.get("default_export_dir")
    export_ref = export_ref if isinstance(export_ref, dict) else {}
    mode = export_ref.get("mode")
    custom = export_ref.get("path")
    if mode == "custom" and isinstance(custom, str) and custom.strip():
        export = Path(custom)
    else:
        export = dirs.get(str(mode), library)
    legacy_ref = section.get("legacy_shared_codex_dir")
    legacy_path = legacy_ref.get("path") if isinstance(legacy_ref, dict) else None
    legacy = Path(legacy_path) if isinstance(legacy_path, str) and legacy_path.strip() \
        else paths.shared_dir
    return ConfigPaths(
        config_dir=str(paths.shared_dir), config_file=str(paths.config_file),
        history_file=str(paths.history_file), jobs_dir=str(library),
        app_data_dir=str(paths.shared_dir), result_library_dir=str(library),
        default_export_dir=str(export),
        default_export_dirs=ExportDirs(**{k: str(v) for k, v in dirs.items()}),
        storage_fallback_dir=str(storage_fallback_dir(paths)),
        legacy_codex_config_dir=str(legacy), legacy_jobs_dir=str(legacy / "jobs"),
        logs_dir=str(paths.shared_dir / "logs"),
    )
