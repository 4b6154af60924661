"""Proxy settings: validation, the secret-preserving merge, effective proxy, clients."""

from __future__ import annotations

import httpx
import pytest

from gpt_image_2.config.proxy import (
    ProxyConfig,
    effective_proxy,
    merge_proxy_secret,
    parse_proxy,
    prepare_proxy,
    proxy_secrets,
)
from gpt_image_2.errors import AppError
from gpt_image_2.providers.http_clients import HttpClients, NoProxyRules
from gpt_image_2.redact import SecretRegistry

STORED = {"mode": "custom", "url": "http://alice:s3cret-pass@proxy.local:3128"}


def test_prepare_proxy_omits_empty_fields_and_validates_custom() -> None:
    assert prepare_proxy({"mode": "system"}, None) == {"mode": "system"}
    assert prepare_proxy({"mode": "none", "no_proxy": ["", " a "]}, None) == {
        "mode": "none", "no_proxy": ["a"]}
    with pytest.raises(AppError) as info:
        prepare_proxy({"mode": "custom", "url": "socks4://h:1"}, None)
    assert info.value.code == "proxy_url_invalid"
    for url in ("http://h:3128", "https://h", "socks5://u:p@h:1080", "socks5h://[::1]:1080"):
        assert prepare_proxy({"mode": "custom", "url": url}, None)["url"] == url


@pytest.mark.parametrize(("new", "expected"), [
    ("http://proxy.local:3128/", "http://alice:s3cret-pass@proxy.local:3128/"),
    ("http://proxy.local:3128", "http://alice:s3cret-pass@proxy.local:3128"),
    ("http://PROXY.local:3128", "http://alice:s3cret-pass@PROXY.local:3128"),
    ("http://proxy.local:8080", "http://proxy.local:8080"),
    ("https://proxy.local:3128", "https://proxy.local:3128"),
    ("http://other.local:3128", "http://other.local:3128"),
    ("http://bob:other-pass@proxy.local:3128", "http://bob:other-pass@proxy.local:3128"),
])
def test_merge_reapplies_credentials_only_to_the_same_origin(new: str, expected: str) -> None:
    assert merge_proxy_secret({"mode": "custom", "url": new}, STORED)["url"] == expected


def test_merge_ignores_unusable_stored_values() -> None:
    new = {"mode": "custom", "url": "http://proxy.local:3128"}
    assert merge_proxy_secret(new, None) == new
    assert merge_proxy_secret(new, {"url": "http://proxy.local:3128"}) == new
    assert merge_proxy_secret(new, {"url": "http://[bad"}) == new
    assert merge_proxy_secret({"mode": "none"}, STORED) == {"mode": "none"}


def test_effective_proxy_prefers_the_provider() -> None:
    assert effective_proxy(None).mode == "system"
    assert effective_proxy({"mode": "none"}, {"type": "openai"}).mode == "none"
    assert effective_proxy({"mode": "none"}, {"proxy": STORED}).url == STORED["url"]
    with pytest.raises(AppError):
        effective_proxy({"mode": "custom"})
    with pytest.raises(AppError):
        parse_proxy({"mode": "sometimes"})


def test_repr_and_secrets_never_show_the_password_in_the_repr() -> None:
    config = parse_proxy(STORED)
    assert "s3cret" not in repr(config)
    assert "s3cret-pass" in proxy_secrets(STORED)
    assert proxy_secrets({"url": "http://proxy.local:1"}) == []


@pytest.mark.parametrize(("entries", "host", "port", "bypass"), [
    (("*",), "anything.example", 443, True),
    (("localhost",), "localhost", 80, True),
    (("example.com",), "api.example.com", 443, True),
    (("example.com",), "notexample.com", 443, False),
    ((".internal",), "svc.internal", 80, True),
    (("*.internal",), "svc.internal", 80, True),
    (("10.0.0.0/8",), "10.1.2.3", 80, True),
    (("10.0.0.0/8",), "11.1.2.3", 80, False),
    (("127.0.0.1",), "127.0.0.1", 80, True),
    (("::1",), "::1", 80, True),
    (("host.example:8080",), "host.example", 8080, True),
    (("host.example:8080",), "host.example", 443, False),
    ((), "a.example", 443, False),
])
def test_no_proxy_rules(entries: tuple[str, ...], host: str, port: int, bypass: bool) -> None:
    assert NoProxyRules(entries).bypass(host, port) is bypass


async def test_clients_are_cached_per_proxy_and_closed() -> None:
    base = httpx.AsyncClient()
    secrets = SecretRegistry()
    clients = HttpClients(base, secrets=secrets)
    assert clients.for_proxy(ProxyConfig("system")) is base
    direct = clients.for_proxy(ProxyConfig("none"))
    assert direct is not base and direct is clients.for_proxy(ProxyConfig("none"))
    assert direct.trust_env is False
    custom = clients.for_proxy(ProxyConfig("custom", "http://u:pw-0123456@127.0.0.1:9"))
    assert custom is clients.for_proxy(ProxyConfig("custom", "http://u:pw-0123456@127.0.0.1:9"))
    assert custom is not clients.for_proxy(ProxyConfig("custom", "http://127.0.0.1:9", ("x",)))
    assert "pw-0123456" in list(secrets)
    await clients.aclose()
    assert direct.is_closed and custom.is_closed and not base.is_closed
    await base.aclose()


async def test_socks_without_socksio_is_a_clear_error() -> None:
    try:
        import socksio  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("socksio is installed")
    clients = HttpClients(httpx.AsyncClient())
    with pytest.raises(AppError) as info:
        clients.for_proxy(ProxyConfig("custom", "socks5://127.0.0.1:1080"))
    assert info.value.code == "proxy_unsupported"
    assert "socksio" in info.value.message
    await clients.aclose()
    await clients.base.aclose()
