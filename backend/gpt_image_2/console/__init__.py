"""The console: configuration, providers, secrets, doctor, auth status, model list."""

from .service import ConsoleService

__all__ = ["ConsoleService"]
