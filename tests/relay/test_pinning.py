"""DNS pinning: the TCP connect goes to the vetted address; Host, SNI and TLS keep the name."""

from __future__ import annotations

import asyncio
import datetime
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpcore
import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gpt_image_2.relay import PIN_EXTENSION, Pin, PinnedTransport
from gpt_image_2.relay.pinning import PinningBackend


async def _hello(request: Request) -> JSONResponse:
    return JSONResponse({"host": request.headers.get("host")})


class _Server:
    """uvicorn on 127.0.0.1 in a thread, optionally with TLS."""

    def __init__(self, **ssl_files: str) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        config = uvicorn.Config(Starlette(routes=[Route("/hello", _hello)]), log_level="error",
                                lifespan="off", **ssl_files)  # type: ignore[arg-type]
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=lambda: asyncio.run(self.server.serve(sockets=[self.sock])), daemon=True)

    def __enter__(self) -> _Server:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@pytest.fixture
def plain_server() -> Iterator[_Server]:
    with _Server() as server:
        yield server


def _request(url: str, pin: Pin | None) -> httpx.Request:
    extensions: dict[str, Any] = {PIN_EXTENSION: pin} if pin else {}
    return httpx.Request("GET", url, extensions=extensions)


async def test_connect_goes_to_the_pinned_address(plain_server: _Server) -> None:
    """``pinned.example.test`` has no DNS record: only the pin can make this connect."""
    url = f"http://pinned.example.test:{plain_server.port}/hello"
    async with PinnedTransport() as transport:
        response = await transport.handle_async_request(
            _request(url, Pin("pinned.example.test", "127.0.0.1")))
        await response.aread()
    assert response.status_code == 200
    assert response.json() == {"host": f"pinned.example.test:{plain_server.port}"}


@pytest.mark.parametrize("pin", [None, Pin("other.example.test", "127.0.0.1")])
async def test_unpinned_or_mismatched_requests_never_connect(plain_server: _Server,
                                                             pin: Pin | None) -> None:
    url = f"http://pinned.example.test:{plain_server.port}/hello"
    async with PinnedTransport() as transport:
        with pytest.raises(httpx.ConnectError):
            await transport.handle_async_request(_request(url, pin))


class _RecordingBackend(httpcore.AsyncNetworkBackend):
    def __init__(self) -> None:
        self.connects: list[tuple[str, int]] = []

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Any = None) -> httpcore.AsyncNetworkStream:
        self.connects.append((host, port))
        raise httpcore.ConnectError("recorded")

    async def sleep(self, seconds: float) -> None:
        return None


async def test_backend_without_a_current_pin_refuses() -> None:
    inner = _RecordingBackend()
    with pytest.raises(httpcore.ConnectError, match="unvetted"):
        await PinningBackend(inner).connect_tcp("api.example.test", 443)
    with pytest.raises(httpcore.ConnectError):
        await PinningBackend(inner).connect_unix_socket("/var/run/docker.sock")
    assert inner.connects == []


async def test_transport_connects_to_pin_address_not_name() -> None:
    inner = _RecordingBackend()
    async with PinnedTransport(backend=inner) as transport:
        with pytest.raises(httpx.ConnectError):
            await transport.handle_async_request(
                _request("https://api.example.test/v1", Pin("api.example.test", "8.8.4.4")))
    assert inner.connects == [("8.8.4.4", 443)]


def _self_signed(tmp: Path, name: str) -> tuple[Path, Path]:
    crypto = pytest.importorskip("cryptography")
    del crypto
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp / "cert.pem", tmp / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


async def test_tls_verifies_the_name_while_connecting_to_the_pin(tmp_path: Path) -> None:
    """The certificate names only ``api.example.test`` (not 127.0.0.1): the handshake succeeds
    because SNI and verification use the URL's name, and fails for any other name."""
    cert, key = _self_signed(tmp_path, "api.example.test")
    trust = ssl.create_default_context(cafile=str(cert))
    with _Server(ssl_certfile=str(cert), ssl_keyfile=str(key)) as server:
        async with PinnedTransport(verify=trust) as transport:
            response = await transport.handle_async_request(_request(
                f"https://api.example.test:{server.port}/hello",
                Pin("api.example.test", "127.0.0.1")))
            await response.aread()
            assert response.status_code == 200
            assert response.json() == {"host": f"api.example.test:{server.port}"}
            with pytest.raises(httpx.ConnectError, match=r"(?i)certificate"):
                await transport.handle_async_request(_request(
                    f"https://other.example.test:{server.port}/hello",
                    Pin("other.example.test", "127.0.0.1")))
