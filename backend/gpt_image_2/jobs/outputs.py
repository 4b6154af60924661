"""Files a job writes into its folder: outputs (atomic) and the raw request body."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import AppError
from ..fsutil import atomic_write_bytes
from ..providers.images import extension_for

__all__ = ["REQUEST_BODY_FILE", "write_outputs"]

REQUEST_BODY_FILE = "request_body.json"


def write_outputs(job_dir: Path, images: list[bytes]) -> list[dict[str, Any]]:
    """Write images atomically as ``out.<ext>`` or ``out-<i>.<ext>``; return file records.

    On any failure the files written so far are removed, so a job directory
    never holds a partial result.
    """
    written: list[Path] = []
    files: list[dict[str, Any]] = []
    try:
        for index, data in enumerate(images):
            stem = "out" if len(images) == 1 else f"out-{index + 1}"
            path = job_dir / f"{stem}{extension_for(data)}"
            atomic_write_bytes(path, data, sync="data")
            written.append(path)
            files.append({"index": index, "path": str(path), "bytes": len(data)})
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        raise AppError(
            "output_write_failed", "Unable to write output image.", {"error": str(exc)}
        ) from exc
    return files
