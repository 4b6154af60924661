"""Connect only to the address the relay vetted (DNS pinning), keeping TLS correct.

The request URL keeps the real host name, so the ``Host`` header, TLS SNI and
certificate verification all use that name and connections are pooled per
name. Only the TCP connect is redirected: :class:`PinnedTransport` publishes
the request's :class:`~.netguard.Pin` (from the request extension
:data:`PIN_EXTENSION`) in a context variable, and the network backend connects
to ``pin.address`` instead of resolving the name again. A connect without a
pin, or for another host, is refused, so nothing can slip past the guard.
The relay's client ignores environment proxies for the same reason.
"""

from __future__ import annotations

import contextvars
import ssl
import typing

import httpcore
import httpx

from .netguard import Pin

__all__ = ["PIN_EXTENSION", "PinnedTransport", "PinningBackend"]

PIN_EXTENSION = "gpt_image_2_relay_pin"
_LIMITS = httpx.Limits(max_connections=50, max_keepalive_connections=10)
_CURRENT: contextvars.ContextVar[Pin | None] = contextvars.ContextVar("relay_pin", default=None)


def _same_host(a: str, b: str) -> bool:
    return a.lower().rstrip(".") == b.lower().rstrip(".")


class PinningBackend(httpcore.AsyncNetworkBackend):
    """A network backend whose TCP connects go to the current pin's address only."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        pin = _CURRENT.get()
        if pin is None or not _same_host(host, pin.host):
            raise httpcore.ConnectError(f"Refusing an unvetted connection to {host}.")
        return await self._inner.connect_tcp(
            pin.address, port, timeout=timeout, local_address=local_address,
            socket_options=socket_options,
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("The relay does not use Unix sockets.")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's HTTP transport with a :class:`PinningBackend` and no environment proxies."""

    def __init__(
        self,
        *,
        verify: ssl.SSLContext | bool = True,
        limits: httpx.Limits = _LIMITS,
        backend: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        # trust_env here only lets SSL_CERT_FILE/SSL_CERT_DIR choose the CA bundle;
        # proxies are a client setting, and the relay's client ignores them.
        super().__init__(verify=verify, trust_env=True, limits=limits)
        # httpx builds its pool without a way to choose the network backend; replace
        # it with an identical pool that has one (covered by tests/relay/test_pinning.py).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=True),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=PinningBackend(backend),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        pin = request.extensions.get(PIN_EXTENSION)
        host = request.url.raw_host.decode("ascii")
        if not isinstance(pin, Pin) or not _same_host(host, pin.host):
            raise httpx.ConnectError("Request was not pinned to a vetted address.",
                                     request=request)
        token = _CURRENT.set(pin)
        try:
            return await super().handle_async_request(request)
        finally:
            _CURRENT.reset(token)
