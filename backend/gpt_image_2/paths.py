"""The shared data root: ``$CODEX_HOME/gpt-image-2-skill/``.

Layout (byte-compatible with the reference CLI)::

    $CODEX_HOME/auth.json                      Codex credentials
    $CODEX_HOME/gpt-image-2-skill/config.json  configuration (0600)
    $CODEX_HOME/gpt-image-2-skill/history.sqlite
    $CODEX_HOME/gpt-image-2-skill/jobs/<job-id>/
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import AppError
from .settings import Settings

__all__ = ["DataPaths", "is_within", "safe_join"]

SHARED_DIR_NAME = "gpt-image-2-skill"


def _codex_home(settings: Settings) -> Path:
    if settings.codex_home is not None and str(settings.codex_home).strip():
        return Path(settings.codex_home).expanduser()
    env = os.environ.get("CODEX_HOME", "").strip()
    if env:
        return Path(env).expanduser()
    home = Path.home() if Path.home() else Path(".")
    return home / ".codex"


@dataclass(frozen=True)
class DataPaths:
    codex_home: Path
    shared_dir: Path
    config_file: Path
    history_file: Path
    jobs_dir: Path
    auth_file: Path

    @classmethod
    def from_settings(cls, settings: Settings) -> DataPaths:
        home = _codex_home(settings).absolute()
        shared = home / SHARED_DIR_NAME
        return cls(
            codex_home=home,
            shared_dir=shared,
            config_file=Path(settings.config_file).expanduser()
            if settings.config_file
            else shared / "config.json",
            history_file=Path(settings.history_file).expanduser()
            if settings.history_file
            else shared / "history.sqlite",
            jobs_dir=shared / "jobs",
            auth_file=Path(settings.auth_file).expanduser()
            if settings.auth_file
            else home / "auth.json",
        )

    def ensure(self) -> None:
        """Create the shared dir and ``jobs/`` (first use)."""
        self.shared_dir.mkdir(parents=True, exist_ok=True)
        self.history_file.parent.mkdir(parents=True, exist_ok=True)
        self.jobs_dir.mkdir(parents=True, exist_ok=True)

    def job_dir(self, job_id: str) -> Path:
        return safe_join(self.jobs_dir, job_id)


def is_within(path: Path, root: Path) -> bool:
    """True when ``path`` (resolved) is ``root`` or below it, compared by components."""
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def safe_join(root: Path, *parts: str) -> Path:
    """Join untrusted single path segments under ``root``; refuse traversal."""
    for part in parts:
        if (
            not part
            or part in {".", ".."}
            or "/" in part
            or "\\" in part
            or "\x00" in part
        ):
            raise AppError("invalid_argument", "Invalid path segment.", {"segment": part[:80]})
    candidate = root.joinpath(*parts)
    if not is_within(candidate, root):
        raise AppError("invalid_argument", "Invalid path segment.")
    return candidate
