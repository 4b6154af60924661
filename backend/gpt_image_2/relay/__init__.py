"""Optional browser relay (``/api/relay``): forwards a browser's call to an HTTPS upstream.

Off by default (``GPT_IMAGE_2_RELAY_ENABLED``). See ``docs/relay.md`` and
``spec/relay-and-skill.md`` Part A. The relay never becomes a path into the
private network: URLs are checked statically, host names are resolved and
vetted, connections are pinned to the vetted address and redirects are never
followed.
"""

from .config import RelayConfig
from .errors import RelayError, RelayStreamAborted
from .netguard import Pin, Resolver, is_forbidden_address, resolve_pin, system_resolver
from .pinning import PIN_EXTENSION, PinnedTransport
from .service import RelayService

__all__ = [
    "PIN_EXTENSION",
    "Pin",
    "PinnedTransport",
    "RelayConfig",
    "RelayError",
    "RelayService",
    "RelayStreamAborted",
    "Resolver",
    "is_forbidden_address",
    "resolve_pin",
    "system_resolver",
]
