"""The HTTP surface: ``create_app`` and its routes, security and SPA serving."""

from .app import create_app

__all__ = ["create_app"]
