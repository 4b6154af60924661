"""Process-wide memory tuning for image work (glibc's allocator; a no-op elsewhere).

glibc serves each block above 128 KB with its own ``mmap`` and unmaps it on
``free``, and it returns the top of the heap to the system once more than
twice that threshold is free there. A 4K image job allocates a dozen 8-33 MB
arrays, so with the defaults every job faults all of them in again as fresh
zeroed pages (about 0.6 ms per MB on the benchmark VM: 60-100 ms per 4K
extraction). :func:`keep_freed_memory` serves blocks up to 32 MB from the heap
and keeps up to ``keep`` bytes of freed heap for the next array: the 4K chroma
extraction of a noisy input went from 210 to 151 ms (median of 12, same
process), a 4K verify from 41 to 32 ms. The price is resident memory: the
process keeps up to ``keep`` bytes it no longer uses.

Called by the ``serve`` command (the service is long-lived and runs these jobs
over and over), by the CLI's one-shot ``transparent`` fast path and by the
matting benchmark's in-process timings (which stand for the service).
"""

from __future__ import annotations

import sys

__all__ = ["SERVICE_KEEP_BYTES", "keep_freed_memory"]

# glibc mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD_MAX = 32 << 20  # glibc's ceiling on 64-bit systems
SERVICE_KEEP_BYTES = 256 << 20


def keep_freed_memory(keep: int = SERVICE_KEEP_BYTES) -> bool:
    """Serve blocks up to 32 MB from the heap and keep up to ``keep`` bytes of freed heap.

    Returns whether the allocator was tuned (glibc on Linux only).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
        if mallopt is None:
            return False
        return bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_MAX)
                    and mallopt(_M_TRIM_THRESHOLD, keep))
    except OSError:  # pragma: no cover - no C library to talk to
        return False
