"""Outbound HTTP clients per effective proxy (spec/providers.md §7.5).

Every provider call goes through :meth:`HttpClients.for_proxy`:

* ``system`` → the process's base client (``trust_env``: ``HTTP(S)_PROXY``,
  ``ALL_PROXY``, ``NO_PROXY``). A client injected into ``create_app`` is that base
  client and is used as-is.
* ``none`` → a direct client that ignores the environment.
* ``custom`` → a client whose requests go through the proxy URL, except hosts on the
  section's ``no_proxy`` list (names, ``.suffix``/``*.suffix``, IPs, CIDRs, ``*``),
  which go direct. The environment is ignored.

Clients are cached by proxy identity and closed by :meth:`HttpClients.aclose`. A SOCKS
proxy needs the optional ``socksio`` package; without it the job fails with
``proxy_unsupported`` instead of a traceback.
"""

from __future__ import annotations

import ipaddress
import logging

import httpx

from ..config.proxy import ProxyConfig, proxy_secrets
from ..config.views import redact_proxy_url
from ..errors import AppError
from ..redact import SecretRegistry

__all__ = ["HttpClients", "NoProxyRules"]

log = logging.getLogger(__name__)


class NoProxyRules:
    """Which hosts bypass a custom proxy (curl-like ``no_proxy`` semantics)."""

    def __init__(self, entries: tuple[str, ...]) -> None:
        self.all = False
        self.networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        self.names: list[tuple[str, int | None]] = []
        for raw in entries:
            entry = raw.strip().lower()
            if entry == "*":
                self.all = True
                continue
            try:
                self.networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
                continue
            except ValueError:
                pass
            port: int | None = None
            host, sep, tail = entry.rpartition(":")
            if sep and tail.isdigit() and host:
                entry, port = host, int(tail)
            entry = entry.strip("[]").lstrip("*").lstrip(".")
            if entry:
                self.names.append((entry, port))

    def bypass(self, host: str, port: int | None) -> bool:
        if self.all:
            return True
        host = host.lower().strip("[]").rstrip(".")
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address = None
        if address is not None and any(address in net for net in self.networks):
            return True
        for name, want_port in self.names:
            if want_port is not None and want_port != port:
                continue
            if host == name or host.endswith("." + name):
                return True
        return False


class _Router(httpx.AsyncBaseTransport):
    """Sends each request through the proxy or direct, by the ``no_proxy`` rules."""

    def __init__(self, proxied: httpx.AsyncBaseTransport, direct: httpx.AsyncBaseTransport,
                 rules: NoProxyRules) -> None:
        self.proxied = proxied
        self.direct = direct
        self.rules = rules

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        transport = self.direct if self.rules.bypass(url.host, url.port) else self.proxied
        return await transport.handle_async_request(request)

    async def aclose(self) -> None:
        await self.proxied.aclose()
        await self.direct.aclose()


def _proxied_transport(url: str) -> httpx.AsyncHTTPTransport:
    scheme = url.split(":", 1)[0].lower()
    try:
        return httpx.AsyncHTTPTransport(proxy=url, trust_env=False)
    except ImportError as exc:
        raise AppError(
            "proxy_unsupported",
            "SOCKS proxies need the optional socksio package, which is not installed on this "
            "server. Use an http(s) proxy, or install socksio (pip install 'httpx[socks]').",
            {"scheme": scheme},
        ) from exc
    except (ValueError, TypeError) as exc:
        raise AppError("proxy_url_invalid", "Proxy URL is not a valid URL.",
                       {"url": redact_proxy_url(url)}) from exc


class HttpClients:
    """A small cache of ``httpx.AsyncClient`` keyed by the effective proxy."""

    def __init__(self, base: httpx.AsyncClient, *, timeout: httpx.Timeout | None = None,
                 secrets: SecretRegistry | None = None) -> None:
        self.base = base
        self.timeout = timeout if timeout is not None else base.timeout
        self.secrets = secrets
        self._clients: dict[tuple[str, str | None, tuple[str, ...]], httpx.AsyncClient] = {}

    def for_proxy(self, proxy: ProxyConfig) -> httpx.AsyncClient:
        """The client for ``proxy`` (created on first use). Raises ``proxy_unsupported`` /
        ``proxy_url_invalid`` for a proxy that cannot be used."""
        if proxy.mode == "system":
            return self.base
        key = proxy.key
        client = self._clients.get(key)
        if client is None:
            client = self._build(proxy)
            self._clients[key] = client
        return client

    def _build(self, proxy: ProxyConfig) -> httpx.AsyncClient:
        if proxy.mode == "none":
            log.debug("outbound client without proxy")
            return httpx.AsyncClient(timeout=self.timeout, follow_redirects=True,
                                     trust_env=False)
        if not proxy.url:
            raise AppError("proxy_url_invalid", "Custom proxy mode requires a proxy URL.")
        if self.secrets is not None:
            self.secrets.add(*proxy_secrets(proxy.url))
        proxied = _proxied_transport(proxy.url)
        transport: httpx.AsyncBaseTransport = proxied
        if proxy.no_proxy:
            transport = _Router(proxied, httpx.AsyncHTTPTransport(trust_env=False),
                                NoProxyRules(proxy.no_proxy))
        log.debug("outbound client through proxy %s (no_proxy: %s)",
                  redact_proxy_url(proxy.url), ",".join(proxy.no_proxy) or "-")
        return httpx.AsyncClient(transport=transport, timeout=self.timeout,
                                 follow_redirects=True, trust_env=False)

    async def aclose(self) -> None:
        """Close the clients made here (the base client belongs to its creator)."""
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()
