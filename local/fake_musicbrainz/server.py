"""`FakeMusicBrainz`: the MusicBrainz web service's ISRC lookup over real HTTP on 127.0.0.1, with its rate limit and
fault injection.

    with FakeMusicBrainz(Catalog(seed=42, size=300)) as server:
        requests.get(server.ws_url + "isrc/<ISRC>", params={"fmt": "json", "inc": "..."}, headers={"User-Agent": ...})
        server.faults.server_errors(r"^/ws/2/isrc/", status=503, times=2)

As the real service does, it answers 503 to a request that comes less than `min_interval_seconds` (1 s) after the
previous one (one client: everything here comes from 127.0.0.1), and refuses a request without a meaningful
User-Agent (403). A request passes, in order: the User-Agent check, the rate limit, the fault plan (the fake
Spotify's `FaultPlan`, matched on the path), then the lookup. Each request is logged on arrival, with the time of
`clock` it arrived at and the status decided for it: a test reads the intervals the server saw, with a clock it
injects (no sleeping).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, unquote, urlsplit

from local.fake_musicbrainz.catalog import MusicBrainzCatalog
from local.fake_spotify import faults as fault_kinds
from local.fake_spotify.catalog import Catalog
from local.fake_spotify.faults import FaultPlan, FaultRule
from local.http_server import TrackedHTTPServer, listen, serve_in_background, shut_down

WS_PATH = "/ws/2/"
ISRC_PATH = WS_PATH + "isrc/"
# The real service's rule: one request per second per client.
MIN_INTERVAL_SECONDS = 1.0
RATE_LIMITED = (
    "Your requests are exceeding the allowable rate limit. Please see https://wiki.musicbrainz.org/XMLWebService "
    "for more information."
)
NOT_FOUND = {"error": "Not Found", "help": "For usage, please see: https://musicbrainz.org/development/mmd"}
# What HTTP libraries send by default: not a meaningful User-Agent (`app/version ( contact )`).
ANONYMOUS_AGENTS = ("python-requests/", "python-urllib/", "curl/", "Wget/")


class LoggedLookup(NamedTuple):
    at: float  # `clock()` when the request arrived
    path: str
    query: dict[str, str]
    user_agent: str | None
    status: int | None  # None: the connection was dropped without a response


class _Reply(NamedTuple):
    status: int | None
    body: bytes
    headers: dict[str, str]
    hold: FaultRule | None = None


def _json_reply(status: int, body: Any, headers: dict[str, str] | None = None) -> _Reply:
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return _Reply(status, payload, {"Content-Type": "application/json; charset=utf-8", **(headers or {})})


def meaningful_user_agent(agent: str | None) -> bool:
    """`app/version ( contact )`, as MusicBrainz asks: not empty, not an HTTP library's default."""
    return bool(agent and agent.strip()) and not str(agent).startswith(ANONYMOUS_AGENTS)


class FakeMusicBrainz:
    def __init__(
        self,
        catalog: Catalog,
        min_interval_seconds: float = MIN_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if min_interval_seconds < 0:
            raise ValueError(f"min_interval_seconds={min_interval_seconds} must be 0 or more")
        self.catalog = MusicBrainzCatalog(catalog)
        self.min_interval_seconds = min_interval_seconds
        self.clock = clock
        self.faults = FaultPlan()
        self._host, self._port = host, port
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._log: list[LoggedLookup] = []
        self._lock = threading.Lock()
        self._last_arrival: float | None = None

    # -- life cycle ------------------------------------------------------------------------------------------
    def start(self) -> FakeMusicBrainz:
        if self._httpd is not None:
            return self
        httpd = listen(_Server, self._host, self._port, _Handler)
        httpd.fake = self
        self._httpd = httpd
        self._thread = serve_in_background(httpd, "fake-musicbrainz")
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            shut_down(httpd, self._thread)

    def __enter__(self) -> FakeMusicBrainz:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def ws_url(self) -> str:
        """The web service's root, as `https://musicbrainz.org/ws/2/` is the real one's."""
        if self._httpd is None:
            raise RuntimeError("the fake MusicBrainz is not started; call start() first")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{WS_PATH}"

    # -- the request log -------------------------------------------------------------------------------------
    @property
    def requests(self) -> list[LoggedLookup]:
        with self._lock:
            return list(self._log)

    def reset_requests(self) -> None:
        with self._lock:
            self._log.clear()

    def intervals(self) -> list[float]:
        """Seconds between consecutive requests, as the server saw them arrive."""
        times = [r.at for r in self.requests]
        return [later - earlier for earlier, later in itertools.pairwise(times)]

    # -- one request -----------------------------------------------------------------------------------------
    def _respond(self, method: str, path: str, query: dict[str, str], user_agent: str | None) -> _Reply:
        """Decided and logged on arrival, under the lock: arrivals are ordered as the rate limit sees them."""
        with self._lock:
            now = self.clock()
            too_soon = self._last_arrival is not None and now - self._last_arrival < self.min_interval_seconds
            self._last_arrival = now
            reply = self._decide(method, path, query, user_agent, too_soon)
            self._log.append(LoggedLookup(now, path, query, user_agent, reply.status))
        return reply

    def _decide(self, method: str, path: str, query: dict[str, str], user_agent: str | None, too_soon: bool) -> _Reply:
        if not meaningful_user_agent(user_agent):
            return _json_reply(
                403, {"error": "Set a meaningful User-Agent: application/version ( contact ). See /doc/MusicBrainz_API"}
            )
        if too_soon:
            return _json_reply(503, {"error": RATE_LIMITED})
        rule = self.faults.decide(path).rule
        if rule is not None:
            early = _fault_reply(rule)
            if early is not None:
                return early
        reply = self._lookup(method, path, query)
        if rule is not None and rule.kind == fault_kinds.MALFORMED and reply.status == 200:
            reply = _Reply(200, reply.body[: len(reply.body) // 2], reply.headers)
        if rule is not None and rule.kind == fault_kinds.SLOW:
            reply = reply._replace(hold=rule)
        return reply

    def _lookup(self, method: str, path: str, query: dict[str, str]) -> _Reply:
        if method != "GET":
            return _json_reply(405, {"error": f"{method} is not allowed here"})
        if not path.startswith(ISRC_PATH) or path == ISRC_PATH:
            return _json_reply(404, NOT_FOUND)
        if query.get("fmt") != "json":
            return _json_reply(406, {"error": "this fake serves JSON only: add fmt=json"})
        isrc = unquote(path.removeprefix(ISRC_PATH)).strip("/")
        if len(isrc) != 12 or not isrc.isalnum():
            return _json_reply(400, {"error": "Invalid isrc.", "help": NOT_FOUND["help"]})
        body = self.catalog.lookup(isrc)
        if body is None:
            return _json_reply(404, NOT_FOUND)
        return _json_reply(200, _included(body, query.get("inc", "")))


# `inc` subqueries and the recording (and credited artist) keys each one adds.
_SUBQUERY_KEYS = {"releases": "releases", "artist-credits": "artist-credit", "tags": "tags", "genres": "genres"}


def _included(body: dict[str, Any], inc: str) -> dict[str, Any]:
    """The body with only the subqueries `inc` asked for (`releases+artist-credits+tags+genres`)."""
    wanted = {_SUBQUERY_KEYS[name] for name in inc.replace(" ", "+").split("+") if name in _SUBQUERY_KEYS}
    left_out = set(_SUBQUERY_KEYS.values()) - wanted
    recordings = []
    for recording in body["recordings"]:
        kept = {key: value for key, value in recording.items() if key not in left_out}
        if "artist-credit" in kept:
            kept["artist-credit"] = [
                {**credit, "artist": {k: v for k, v in credit["artist"].items() if k not in left_out}}
                for credit in kept["artist-credit"]
            ]
        recordings.append(kept)
    return {**body, "recordings": recordings}


def _fault_reply(rule: FaultRule) -> _Reply | None:
    """The reply a fault gives instead of the real one; None when the request goes on (slow, malformed)."""
    if rule.kind in (fault_kinds.SLOW, fault_kinds.MALFORMED):
        return None
    if rule.kind == fault_kinds.DROP:
        return _Reply(None, b"", {})
    if rule.kind == fault_kinds.RATE_LIMIT:
        return _json_reply(429, {"error": RATE_LIMITED}, {"Retry-After": str(rule.retry_after)})
    if rule.kind == fault_kinds.SERVER_ERROR:
        status = rule.status or 503
        return _json_reply(status, {"error": RATE_LIMITED if status == 503 else "Internal server error"})
    if rule.kind == fault_kinds.REMOVE_ENDPOINT:
        return _json_reply(rule.status or 404, NOT_FOUND)
    raise ValueError(f"fault kind {rule.kind!r} does not apply to the fake MusicBrainz")


class _Server(TrackedHTTPServer):
    fake: FakeMusicBrainz


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeMusicBrainz/1.0"
    timeout = 30
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the request log is `FakeMusicBrainz.requests`."""

    def _serve(self, method: str) -> None:
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        reply = self.server.fake._respond(method, url.path, query, self.headers.get("User-Agent"))
        if reply.hold is not None:
            reply.hold.wait_delay()
        if reply.status is None:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)
