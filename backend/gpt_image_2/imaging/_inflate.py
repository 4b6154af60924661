"""zlib inflate straight into a numpy buffer.

``deflate.zlib_decompress`` returns a fresh ``bytes`` object: for a 4K RGBA image
that is 33 MB of newly mapped 4 KiB pages, and faulting them in costs about as
much as inflating (measured ~12 ms of ~17 ms). A numpy array of that size is
mapped with transparent huge pages (numpy advises them), so inflating into one
avoids almost all of that. The ``deflate`` package bundles libdeflate and exports
its C API, whose ``libdeflate_zlib_decompress`` takes the output buffer; this
module calls it through ``ctypes`` (which releases the GIL during the call).
When those symbols are not there (a different build of the package), callers
fall back to ``zlib_decompress``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["inflate_into"]

_SUCCESS = 0


@cache
def _api() -> tuple[Any, Any, Any] | None:
    """(alloc, decompress, free) from the ``deflate`` extension, or None."""
    import ctypes  # only once something is decoded

    try:
        import deflate._deflate as module

        lib = ctypes.CDLL(module.__file__)
        alloc = lib.libdeflate_alloc_decompressor
        decompress = lib.libdeflate_zlib_decompress
        free = lib.libdeflate_free_decompressor
    except (OSError, AttributeError, ImportError):
        return None
    alloc.restype = ctypes.c_void_p
    alloc.argtypes = []
    decompress.restype = ctypes.c_int
    decompress.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
                           ctypes.c_void_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t)]
    free.restype = None
    free.argtypes = [ctypes.c_void_p]
    return alloc, decompress, free


def inflate_into(stream: npt.NDArray[np.uint8], out: npt.NDArray[np.uint8]) -> bool | None:
    """Inflate the zlib ``stream`` (a C-contiguous uint8 array) into the C-contiguous
    uint8 ``out``, which it must fill exactly. True on success, False when the data
    is damaged or not exactly that long, None when the fast path is unavailable
    (use ``zlib_decompress``)."""
    api = _api()
    if (api is None or not out.flags.c_contiguous or out.dtype != np.uint8
            or not stream.flags.c_contiguous or stream.dtype != np.uint8):
        return None
    import ctypes

    alloc, decompress, free = api
    handle = alloc()
    if not handle:
        return None
    try:
        actual = ctypes.c_size_t(0)
        status = decompress(handle, stream.ctypes.data, stream.nbytes, out.ctypes.data, out.nbytes,
                            ctypes.byref(actual))
    finally:
        free(handle)
    return status == _SUCCESS and actual.value == out.nbytes
