"""Image providers behind one surface: OpenAI, OpenAI-compatible, Codex."""

from .base import (
    Capabilities,
    ImageInput,
    ImageProvider,
    ImageRequest,
    ImageResult,
    RawResult,
    RunContext,
)
from .factory import ProviderRuntime, build_provider
from .retry import RetryPolicy
from .selection import (
    ProviderOverrides,
    ProviderSpec,
    Selection,
    SelectionInputs,
    select_for_request,
    select_provider,
)

__all__ = [
    "Capabilities",
    "ImageInput",
    "ImageProvider",
    "ImageRequest",
    "ImageResult",
    "ProviderOverrides",
    "ProviderRuntime",
    "ProviderSpec",
    "RawResult",
    "RetryPolicy",
    "RunContext",
    "Selection",
    "SelectionInputs",
    "build_provider",
    "select_for_request",
    "select_provider",
]
