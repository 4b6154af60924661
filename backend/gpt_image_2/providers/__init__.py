"""Image providers behind one surface: OpenAI, OpenAI-compatible, Codex."""

from .base import Capabilities, ImageInput, ImageProvider, ImageRequest, ImageResult, RunContext
from .retry import RetryPolicy
from .selection import ProviderOverrides, ProviderSpec, Selection, build_provider, select_provider

__all__ = [
    "Capabilities",
    "ImageInput",
    "ImageProvider",
    "ImageRequest",
    "ImageResult",
    "ProviderOverrides",
    "ProviderSpec",
    "RetryPolicy",
    "RunContext",
    "Selection",
    "build_provider",
    "select_provider",
]
