"""Untrusted image downloads (spec/providers.md §7.6) with a mock transport: address checks,
pinning, manual redirects, size cap, and the data-URL parser."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import httpx
import pytest

from gpt_image_2.errors import AppError
from gpt_image_2.providers.sources import (
    check_address,
    download_image,
    load_source,
    parse_data_url,
    redact_url,
)
from tests.fakes.images import png_bytes

PUBLIC = "93.184.216.34"


@pytest.fixture
def resolve(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Host → addresses, instead of DNS (nothing leaves the machine)."""
    table: dict[str, list[str]] = {}

    async def fake_getaddrinfo(self: Any, host: str, port: Any, **_: Any) -> list[Any]:
        if host not in table:
            raise socket.gaierror(-2, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in table[host]]

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", fake_getaddrinfo)
    return table


def client(handler: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


async def fetch(http: httpx.AsyncClient, url: str, max_bytes: int = 1 << 20) -> bytes:
    data, _ = await download_image(http, url, max_bytes=max_bytes, timeout=5,
                                   user_agent="test")
    return data


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1",
                                     "169.254.169.254", "0.0.0.0", "224.0.0.1", "::1",
                                     "fc00::1", "fe80::1", "::ffff:127.0.0.1", "0.1.2.3"])
def test_non_routable_addresses_are_blocked(address: str) -> None:
    with pytest.raises(AppError) as info:
        check_address("h", address)
    assert info.value.code == "storage_remote_blocked"
    assert info.value.detail["host"] == "h"


def test_public_address_passes() -> None:
    check_address("h", PUBLIC)


async def test_pinned_request_and_redirects(resolve: dict[str, list[str]]) -> None:
    resolve["img.example"] = [PUBLIC]
    resolve["cdn.example"] = [PUBLIC]
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/a.png":
            return httpx.Response(302, headers={"location": "https://cdn.example/b.png"})
        return httpx.Response(200, content=png_bytes())

    async with client(handler) as http:
        assert await fetch(http, "https://img.example/a.png") == png_bytes()
    assert [r.url.host for r in seen] == [PUBLIC, PUBLIC]  # connected to the checked address
    assert [r.headers["host"] for r in seen] == ["img.example", "cdn.example"]
    assert seen[0].extensions["sni_hostname"] == "img.example"


async def test_redirect_to_private_is_blocked(resolve: dict[str, list[str]]) -> None:
    resolve["img.example"] = [PUBLIC]
    resolve["internal.example"] = ["10.0.0.5"]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(301, headers={"location": "https://internal.example/x"})

    async with client(handler) as http:
        with pytest.raises(AppError) as info:
            await fetch(http, "https://img.example/a.png")
    assert info.value.code == "storage_remote_blocked"


@pytest.mark.parametrize(("location", "code", "message"), [
    (None, "network_error", "Redirect without a Location header."),
    ("/again", "network_error", "Too many redirects while downloading image."),
    ("http://img.example/x", "image_url_insecure", "Remote image URLs must use HTTPS."),
])
async def test_redirect_failures(resolve: dict[str, list[str]], location: str | None,
                                 code: str, message: str) -> None:
    resolve["img.example"] = [PUBLIC]

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"location": location} if location else {}
        return httpx.Response(302, headers=headers)

    async with client(handler) as http:
        with pytest.raises(AppError) as info:
            await fetch(http, "https://img.example/a.png")
    assert (info.value.code, info.value.message) == (code, message)


async def test_body_cap_and_http_errors(resolve: dict[str, list[str]]) -> None:
    resolve["img.example"] = [PUBLIC]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/missing.png":
            return httpx.Response(404, text="nope")
        return httpx.Response(200, content=b"x" * 5000)

    async with client(handler) as http:
        with pytest.raises(AppError) as info:
            await fetch(http, "https://img.example/big.png", max_bytes=1000)
        assert (info.value.code, info.value.message) == ("network_error",
                                                         "Downloaded image is too large.")
        with pytest.raises(AppError) as info:
            await fetch(http, "https://img.example/missing.png")
        assert (info.value.code, info.value.message) == ("http_error", "HTTP 404")


@pytest.mark.parametrize(("url", "code"), [
    ("https://[bad/x.png", "image_url_invalid"),
    ("https:///x.png", "image_url_invalid"),
    ("https://unknown.example/x.png", "storage_remote_resolve_failed"),
    ("ftp://img.example/x.png", "image_url_insecure"),
])
async def test_url_problems(resolve: dict[str, list[str]], url: str, code: str) -> None:
    async with client(lambda r: httpx.Response(200)) as http:
        with pytest.raises(AppError) as info:
            await fetch(http, url)
    assert info.value.code == code


async def test_load_source_names_parts(resolve: dict[str, list[str]]) -> None:
    resolve["img.example"] = [PUBLIC]
    async with client(lambda r: httpx.Response(200, content=png_bytes())) as http:
        part = await load_source(http, "https://img.example/dir/My%20Photo.jpeg?sig=1",
                                 "image-1", max_bytes=1 << 20, timeout=5, user_agent="t")
        assert (part.filename, part.mime) == ("MyPhoto.png", "image/png")
        with pytest.raises(AppError) as info:
            await load_source(http, "data:text/plain;base64,aGk=", "image-2", max_bytes=1,
                              timeout=5, user_agent="t")
        assert info.value.code == "ref_image_invalid"


def test_data_urls_and_redaction() -> None:
    assert parse_data_url("data:image/png;base64,aGk=") == ("image/png", b"hi")
    with pytest.raises(AppError) as info:
        parse_data_url("data:image/png;base64,@@@")
    assert info.value.code == "invalid_base64"
    with pytest.raises(AppError) as info:
        parse_data_url("data:image/png,abc")
    assert info.value.code == "invalid_data_url"
    assert redact_url("https://u:p@h.example:8443/x.png?token=abc#f") == (
        "https://h.example:8443/x.png")
