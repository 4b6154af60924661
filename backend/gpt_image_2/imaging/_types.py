"""Array type aliases and a cast for OpenCV results (cv2 stubs return ``MatLike``)."""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import numpy.typing as npt

__all__ = ["F32", "U8", "u8"]

U8 = npt.NDArray[np.uint8]
F32 = npt.NDArray[np.float32]


def u8(array: Any) -> U8:
    """Type an OpenCV/numpy result known to be a uint8 array as ``U8`` (no copy)."""
    return cast(U8, array)
