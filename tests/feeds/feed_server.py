"""A loopback HTTP server that serves test feeds the way real hosts do, and misbehaves on cue.

Each route is a canned response: status, body, type, validators (ETag, Last-Modified, so a
conditional GET gets its 304), gzip, a redirect, a delay before answering, or a trickle of
one byte at a time. `{base}` in a body becomes the server's own URL. Every request is counted
per path, with its headers kept, so tests can assert what the client sent.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bot.feeds import FetchPolicy

FIXTURES = Path(__file__).parent / "fixtures"
# The tests' feeds live on 127.0.0.1, which the default policy refuses.
LOOPBACK = FetchPolicy(connect_timeout=2, read_timeout=2, deadline=5, allow_private=True)
TYPES = {
    ".xml": "application/rss+xml",
    ".html": "text/html; charset=utf-8",
    ".vtt": "text/vtt",
    ".json": "application/json",
    ".srt": "application/x-subrip",
    ".txt": "text/plain; charset=utf-8",
}


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/octet-stream"
    validators: bool = True  # send ETag and Last-Modified, answer 304 when they match
    gzip: bool = False
    redirect: str | None = None
    delay: float = 0.0  # seconds before the status line
    trickle: float = 0.0  # seconds between single bytes of the body
    headers: dict[str, str] = field(default_factory=dict)


class _Server(ThreadingHTTPServer):
    # The stdlib's backlog of 5 drops connections when a poll fetches 8 files at once, and
    # the client's SYN is only retried a second later.
    request_queue_size = 128
    daemon_threads = True


class FeedServer:
    """Serves routes on 127.0.0.1, on a port the OS picks."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()
        self.server = _Server(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> FeedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add(self, path: str, body: bytes | str = b"", **options: object) -> str:
        """Serve `body` at `path` ({base} filled in); returns the full URL."""
        data = body.encode() if isinstance(body, str) else body
        data = data.replace(b"{base}", self.base.encode())
        self.routes[path] = Route(body=data, **options)  # type: ignore[arg-type]
        return self.url(path)

    def add_file(self, path: str, fixture: str, **options: object) -> str:
        """Serve a fixture file with the Content-Type its extension calls for."""
        source = FIXTURES / fixture
        options.setdefault("content_type", TYPES.get(source.suffix, "application/octet-stream"))
        return self.add(path, source.read_bytes(), **options)

    def add_site(self) -> None:
        """Every file of fixtures/site at /site/NAME."""
        for source in (FIXTURES / "site").iterdir():
            self.add_file(f"/site/{source.name}", f"site/{source.name}")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as separate writes: without this, Nagle's algorithm
            # waits for the client's delayed ACK (40 ms) before sending the body.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:  # quiet tests
                return

            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                path = self.path.split("?", 1)[0]
                with owner._lock:
                    owner.hits[path] += 1
                    owner.requests.append((path, dict(self.headers)))
                route = owner.routes.get(path)
                if route is None:
                    self._send(404, b"<html><body>Not found</body></html>", "text/html")
                    return
                if route.delay:
                    time.sleep(route.delay)
                if route.redirect:
                    self.send_response(route.status if route.status != 200 else 302)
                    self.send_header("Location", route.redirect)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                etag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
                modified = "Mon, 01 Sep 2025 10:00:00 GMT"
                matches = self.headers.get("If-None-Match") == etag
                if route.validators and route.status == 200 and matches:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = route.body
                headers = dict(route.headers)
                if route.validators:
                    headers.update({"ETag": etag, "Last-Modified": modified})
                if route.gzip and "gzip" in self.headers.get("Accept-Encoding", ""):
                    body = gzip.compress(body)
                    headers["Content-Encoding"] = "gzip"
                self._send(route.status, body, route.content_type, headers, route.trickle)

            def _send(
                self,
                status: int,
                body: bytes,
                content_type: str,
                headers: dict[str, str] | None = None,
                trickle: float = 0.0,
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    if not trickle:
                        self.wfile.write(body)
                        return
                    # Bounded: at most 200 bytes, then the server stops by itself.
                    for byte in body[:200]:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(trickle)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler
