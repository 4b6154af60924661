"""The config.json document: load/save (atomic, 0600), credentials, redaction."""

from .credentials import ResolvedCredential, resolve_credential
from .store import ConfigStore, default_document

__all__ = ["ConfigStore", "ResolvedCredential", "default_document", "resolve_credential"]
