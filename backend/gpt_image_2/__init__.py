"""gpt-image-2: a self-hosted image generation service for OpenAI's gpt-image-2."""

__all__ = ["__version__"]

__version__ = "0.1.0"
