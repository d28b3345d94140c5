"""Fetching a feed or a file it links to over HTTP: safe by default, every failure named.

- conditional GET (`If-None-Match`, `If-Modified-Since`): a 304 returns at once with no body;
- gzip (`Accept-Encoding: gzip`), decompressed here so the size cap counts what it expands to;
- a connect timeout, a read timeout for every wait on the socket, and a deadline for the whole
  body, so a server trickling a byte at a time cannot hold a poll;
- a size cap per fetch, checked against `Content-Length` and again while reading;
- at most `max_redirects` redirects (http and https only), each one checked like the first URL;
- only public addresses unless `allow_private` (see addresses.py);
- a clear User-Agent.

Built on http.client rather than an HTTP library because the address check has to sit between
name resolution and connect, which the stdlib lets us do in a few lines; the core must not use
aiohttp (it is a chat SDK dependency), and httpx has no hook for it.
"""

from __future__ import annotations

import http.client
import logging
import socket
import ssl
import time
import zlib
from dataclasses import dataclass
from importlib import metadata
from urllib.parse import urljoin, urlsplit

from .addresses import resolve
from .errors import (
    BadURL,
    ConnectFailed,
    FetchTimeout,
    HTTPStatusError,
    TooLarge,
    TooManyRedirects,
)

log = logging.getLogger(__name__)

REDIRECTS = frozenset({301, 302, 303, 307, 308})
CHUNK = 64 * 1024


def _version() -> str:
    try:
        return metadata.version("quotebot")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0"


USER_AGENT = f"quotebot/{_version()} (podcast transcript search; reads RSS and transcripts)"


@dataclass(frozen=True)
class FetchPolicy:
    """How carefully to fetch: timeouts in seconds, redirects, and which addresses."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    deadline: float = 120.0
    max_redirects: int = 5
    allow_private: bool = False
    # Non-public networks allowed one by one (e.g. a feed server on the operator's LAN).
    allowed_networks: tuple[str, ...] = ()
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class Fetched:
    """A response: 200 with its body, or 304 (not modified) with none."""

    url: str
    status: int
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def fetch(
    url: str,
    max_bytes: int,
    policy: FetchPolicy,
    etag: str | None = None,
    last_modified: str | None = None,
    accept: str = "*/*",
) -> Fetched:
    """GET `url` following redirects; raise a FetchError subclass for anything but 200/304."""
    headers = {
        "User-Agent": policy.user_agent,
        "Accept": accept,
        "Accept-Encoding": "gzip",
        "Connection": "close",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    started = time.monotonic()
    current = url
    seen: set[str] = set()
    for _hop in range(policy.max_redirects + 1):
        seen.add(current)
        response, connection = _request(url, current, headers, policy)
        try:
            status = response.status
            if status in REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    raise HTTPStatusError(
                        url, status, f"HTTP {status} redirect without a Location ({current})"
                    )
                current = urljoin(current, location.strip())
                if current in seen:
                    raise TooManyRedirects(url, f"redirect loop at {current}")
                continue
            if status == 304:
                return Fetched(current, 304, etag=etag, last_modified=last_modified)
            if status != 200:
                raise HTTPStatusError(url, status, _status_message(status, current))
            body = _read_body(url, response, max_bytes, policy, started)
            return Fetched(
                current,
                200,
                body,
                (response.getheader("Content-Type") or "").split(";")[0].strip().lower(),
                response.getheader("ETag"),
                response.getheader("Last-Modified"),
            )
        finally:
            connection.close()
    raise TooManyRedirects(url, f"more than {policy.max_redirects} redirects (last: {current})")


def _status_message(status: int, url: str) -> str:
    if status == 404:
        return f"not found (HTTP 404) at {url}"
    if status == 410:
        return f"gone (HTTP 410): the publisher removed {url}"
    if status in (401, 403):
        return f"access denied (HTTP {status}) at {url}"
    if status == 429:
        return f"rate limited (HTTP 429) by {urlsplit(url).hostname}"
    if status >= 500:
        return f"server error (HTTP {status}) at {url}"
    return f"unexpected HTTP {status} at {url}"


def _request(
    original: str, url: str, headers: dict[str, str], policy: FetchPolicy
) -> tuple[http.client.HTTPResponse, http.client.HTTPConnection]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadURL(original, f"not an http(s) URL: {url}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise BadURL(original, f"bad port in {url}") from None
    address = resolve(original, parts.hostname, port, policy.allow_private, policy.allowed_networks)
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = _PinnedHTTPS(parts.hostname, port, address, policy, original)
    else:
        connection = _PinnedHTTP(parts.hostname, port, address, policy, original)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    try:
        connection.request("GET", target, headers=headers)
        return connection.getresponse(), connection
    except TimeoutError:
        connection.close()
        raise FetchTimeout(
            original, f"no answer within {policy.read_timeout:g} s from {url}"
        ) from None
    except (OSError, http.client.HTTPException) as exc:
        connection.close()
        raise ConnectFailed(original, f"cannot fetch {url}: {_describe(exc)}") from None


def _read_body(
    url: str,
    response: http.client.HTTPResponse,
    max_bytes: int,
    policy: FetchPolicy,
    started: float,
) -> bytes:
    declared = response.getheader("Content-Length")
    gzipped = (response.getheader("Content-Encoding") or "").strip().lower() in ("gzip", "x-gzip")
    if declared and declared.isdigit() and not gzipped and int(declared) > max_bytes:
        raise TooLarge(url, _too_large(int(declared), max_bytes))
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzipped else None
    parts: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() - started > policy.deadline:
            raise FetchTimeout(url, f"the download took longer than {policy.deadline:g} s")
        try:
            chunk = response.read1(CHUNK)
        except TimeoutError:
            raise FetchTimeout(
                url, f"the server stopped sending for {policy.read_timeout:g} s"
            ) from None
        except (OSError, http.client.HTTPException) as exc:
            raise ConnectFailed(url, f"the download broke off: {_describe(exc)}") from None
        if not chunk:
            break
        pieces = [chunk]
        if inflate is not None:
            pieces = _inflate(url, inflate, chunk, max_bytes - size)
        for piece in pieces:
            size += len(piece)
            if size > max_bytes:
                raise TooLarge(url, _too_large(size, max_bytes, at_least=True))
            parts.append(piece)
    return b"".join(parts)


def _inflate(url: str, inflate: zlib._Decompress, chunk: bytes, room: int) -> list[bytes]:
    """Decompress a chunk without ever expanding more than the room left (+1 to notice)."""
    out: list[bytes] = []
    data = chunk
    try:
        while data:
            piece = inflate.decompress(data, max(room, 0) + 1)
            out.append(piece)
            room -= len(piece)
            if room < 0:
                break
            data = inflate.unconsumed_tail
    except zlib.error:
        raise ConnectFailed(url, "the gzip-compressed body is corrupt") from None
    return out


def _too_large(size: int, cap: int, at_least: bool = False) -> str:
    over = "over" if at_least else ""
    return f"too large: {over} {_mib(size)} where the cap is {_mib(cap)}".replace("  ", " ")


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB" if size >= 1024 * 1024 else f"{size:,} bytes"


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLError):
        return f"TLS error ({exc.reason or exc})"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError):
        return "connection reset"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    return str(exc) or type(exc).__name__


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the address that passed the check, whatever DNS says a moment later."""

    def __init__(self, host: str, port: int, address: str, policy: FetchPolicy, url: str) -> None:
        super().__init__(host, port, timeout=policy.read_timeout)
        self._address = address
        self._connect_timeout = policy.connect_timeout
        self._url = url

    def _open(self) -> socket.socket:
        try:
            sock = socket.create_connection((self._address, self.port), self._connect_timeout)
        except TimeoutError:
            raise FetchTimeout(
                self._url,
                f"could not connect to {self.host}:{self.port} within {self._connect_timeout:g} s",
            ) from None
        sock.settimeout(self.timeout)
        return sock

    def connect(self) -> None:
        self.sock = self._open()


class _PinnedHTTPS(_PinnedHTTP):
    def __init__(self, host: str, port: int, address: str, policy: FetchPolicy, url: str) -> None:
        super().__init__(host, port, address, policy, url)
        self._context = ssl.create_default_context()

    def connect(self) -> None:
        self.sock = self._context.wrap_socket(self._open(), server_hostname=self.host)
