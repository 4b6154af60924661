"""Fixtures shared by the provider, console and compatibility tests."""

from tests.fakes.fixtures import (  # noqa: F401 - pytest finds fixtures by name
    codex_api,
    codex_auth,
    codex_settings,
    fake_codex,
    fake_codex_server,
    memory_keyring,
    no_keyring,
)
