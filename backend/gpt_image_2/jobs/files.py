"""Which absolute paths ``GET /api/files`` may serve (spec/web.md §10.1).

Rules, in order, all before a byte is read:

1. No NUL byte, not empty, absolute (else ``invalid_argument``).
2. A ``…/.codex/gpt-image-2-skill/<rest>`` path (a history row written on the
   host) is remapped onto this server's shared dir.
3. The path is canonicalised (symlinks and ``..`` resolved) and compared with the
   canonical allowed roots **by path components** (``/data/jobs2`` is not inside
   ``/data/jobs``). Outside → ``forbidden`` (403). Containment is checked before
   existence, so a 404 never tells whether a file outside the roots exists.
4. It must be an existing regular file → else ``not_found`` (404).

The roots are the jobs folder (the result library) and, when
``paths.legacy_shared_codex_dir`` names a folder that is enabled for reading,
its ``jobs/``.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import Any

from ..errors import AppError, NotFound

__all__ = ["allowed_roots", "resolve_job_file"]

_MARKER = re.compile(r"/\.codex/gpt-image-2-skill(?=/|$)")


def allowed_roots(jobs_dir: Path, config: dict[str, Any]) -> list[Path]:
    """The jobs folder plus an enabled legacy ``<dir>/jobs`` from the config document."""
    roots = [jobs_dir]
    section = config.get("paths") if isinstance(config.get("paths"), dict) else {}
    legacy = section.get("legacy_shared_codex_dir") if isinstance(section, dict) else None
    if isinstance(legacy, dict) and legacy.get("enabled_for_read", True):
        folder = legacy.get("path")
        if isinstance(folder, str) and folder.strip() and Path(folder).is_absolute():
            roots.append(Path(folder) / "jobs")
    return roots


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def resolve_job_file(raw: str, *, shared_dir: Path, roots: list[Path]) -> Path:
    """The canonical path of a servable file, or an AppError (blocking: run in a thread)."""
    if "\x00" in raw:
        raise AppError("invalid_argument", "The file path contains a NUL byte.")
    if not raw:
        raise AppError("invalid_argument", "A file path is required.", {"field": "path"})
    match = _MARKER.search(raw)
    text = str(shared_dir) + raw[match.end():] if match else raw
    path = Path(text)
    if not path.is_absolute():
        raise AppError("invalid_argument", "The file path must be absolute.", {"field": "path"})
    try:
        canonical = path.resolve(strict=False)
        canonical_roots = [root.resolve(strict=False) for root in roots]
    except (OSError, RuntimeError) as exc:  # symlink loop, unreadable component
        raise NotFound("not_found", "File does not exist, maybe moved or deleted.") from exc
    if not any(_inside(canonical, root) for root in canonical_roots):
        raise AppError("forbidden", "Only files produced by this service can be read.",
                       http_status=403)
    try:
        mode = canonical.stat().st_mode
    except OSError as exc:
        raise NotFound("not_found", "File does not exist, maybe moved or deleted.") from exc
    if not stat.S_ISREG(mode):
        raise NotFound("not_found", "File does not exist, maybe moved or deleted.")
    return canonical
