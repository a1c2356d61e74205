"""`FakeSpotify`: the fake Web API and accounts service over real HTTP on 127.0.0.1, with fault injection.

    with FakeSpotify(seed=42, size=300, mode="development", day=date(2026, 11, 24)) as server:
        sp = spotipy.Spotify(auth_manager=...)      # token URL server.token_url, API prefix server.api_url
        server.faults.rate_limit("/v1/me/tracks", retry_after=2)
        server.set_day(date(2026, 11, 25))

Every request passes, in order: the global latency, the fault plan, then the accounts service (`/api/token`)
or the API (`/v1/...`). Its answer is decided when it arrives, as a real API authenticates a request on arrival:
a slow fault delays only the delivery. The request log records each request in the order of arrival, with the
status decided for it (None when the connection is dropped without a response), before any delay: a slow
answer's entry is there at once, ahead of the retry a client that gave up on it sends.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlsplit

from contracts.raw_zone import ApiMode
from local.fake_spotify import faults as fault_kinds
from local.fake_spotify.api import ApiResponse, SpotifyApi, error_response
from local.fake_spotify.auth import DEFAULT_USER_SCOPE, TokenService
from local.fake_spotify.catalog import Catalog
from local.fake_spotify.faults import FaultPlan, FaultRule
from local.http_server import TrackedHTTPServer, listen, serve_in_background, shut_down

TOKEN_PATH = "/api/token"
# Idle keep-alive connections are closed after this long, so a stopped server leaves no thread waiting.
_IDLE_SECONDS = 30


class LoggedRequest(NamedTuple):
    method: str
    path: str
    query: dict[str, str]
    status: int | None  # None: the connection was dropped without a response


class FakeSpotify:
    def __init__(
        self,
        seed: int = 42,
        size: int = 300,
        mode: str = "development",
        day: date | None = None,
        latency_ms: int = 0,
        token_ttl_seconds: int = 3600,
        rotate_refresh_token: bool = False,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        user_scope: str = DEFAULT_USER_SCOPE,
    ) -> None:
        if mode not in ApiMode.ALL:
            raise ValueError(f"mode {mode!r} is unknown; use one of: {', '.join(ApiMode.ALL)}")
        if latency_ms < 0:
            raise ValueError(f"latency_ms={latency_ms} must be 0 or more")
        self.catalog = Catalog(seed=seed, size=size)
        self.mode = mode
        self.day = day or datetime.now(UTC).date()
        self.moment: datetime | None = None  # None: the API answers as of the end of `day`
        self.latency_ms = latency_ms
        self.faults = FaultPlan()
        self.tokens = TokenService(seed, token_ttl_seconds, rotate_refresh_token, user_scope)
        self._host, self._port = host, port
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._api: SpotifyApi | None = None
        self._log: list[LoggedRequest] = []
        self._log_lock = threading.Lock()

    # -- life cycle ------------------------------------------------------------------------------------------
    def start(self) -> FakeSpotify:
        if self._httpd is not None:
            return self
        httpd = listen(_Server, self._host, self._port, _Handler)
        httpd.fake = self
        self._httpd = httpd
        self._api = SpotifyApi(self.catalog, self.mode, self.tokens, self.api_url.rstrip("/"), self.day)
        if self.moment is not None:
            self._api.set_moment(self.moment)
        self._thread = serve_in_background(httpd, "fake-spotify")
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            shut_down(httpd, self._thread)

    def __enter__(self) -> FakeSpotify:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses and credentials -----------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the fake Spotify is not started; call start() first")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/v1/"

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    @property
    def client_id(self) -> str:
        return self.tokens.client_id

    @property
    def client_secret(self) -> str:
        return self.tokens.client_secret

    @property
    def refresh_token(self) -> str:
        return self.tokens.refresh_token

    @property
    def user_scope(self) -> str:
        return self.tokens.user_scope

    # -- state ---------------------------------------------------------------------------------------------
    def set_day(self, day: date) -> None:
        """The catalog moves to `day`: its plays, playlist changes, saved tracks and top lists, as of its end."""
        self.day, self.moment = day, None
        if self._api is not None:
            self._api.set_day(day)

    def set_moment(self, moment: datetime) -> None:
        """The API answers as of `moment` (UTC): recently played holds the latest 50 plays up to it, so a read at
        10:30 sees the plays up to 10:30; the rest of the catalog is its day's. A simulated clock: no waiting."""
        if moment.tzinfo is None:
            raise ValueError(f"moment {moment.isoformat()} needs a time zone (UTC)")
        self.day, self.moment = moment.astimezone(UTC).date(), moment
        if self._api is not None:
            self._api.set_moment(moment)

    @property
    def requests(self) -> list[LoggedRequest]:
        with self._log_lock:
            return list(self._log)

    def reset_requests(self) -> None:
        with self._log_lock:
            self._log.clear()

    def _record(self, method: str, path: str, query: dict[str, str], status: int | None) -> None:
        with self._log_lock:
            self._log.append(LoggedRequest(method, path, query, status))

    # -- one request (called on the handler's thread) -------------------------------------------------------------
    def _respond(self, method: str, path: str, query: dict[str, str], form: dict[str, str], auth: str | None) -> _Reply:
        """The answer to one request, decided now and logged now; a slow fault's delay is the caller's to serve."""
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000)
        reply = self._decide(method, path, query, form, auth)
        self._record(method, path, query, reply.status)
        return reply

    def _decide(self, method: str, path: str, query: dict[str, str], form: dict[str, str], auth: str | None) -> _Reply:
        decision = self.faults.decide(path)
        if decision.expire_tokens:
            self.tokens.expire_all()
        rule = decision.rule
        if rule is not None:
            early = _fault_reply(rule)
            if early is not None:
                return early
        if path == TOKEN_PATH:
            if method != "POST":
                reply = _json_reply(405, {"error": "invalid_request", "error_description": "Only POST is supported"})
            else:
                answer = self.tokens.token_request(form, auth)
                reply = _json_reply(answer.status, answer.body)
        else:
            assert self._api is not None
            response = self._api.handle(method, path, query, auth)
            reply = _json_reply(response.status, response.body, response.headers)
        if rule is not None and rule.kind == fault_kinds.MALFORMED and reply.status == 200:
            reply = _Reply(200, reply.body[: len(reply.body) // 2], reply.headers)
        if rule is not None and rule.kind == fault_kinds.SLOW:
            reply = reply._replace(hold=rule)
        return reply


class _Reply(NamedTuple):
    status: int | None  # None: drop the connection
    body: bytes
    headers: dict[str, str]
    hold: FaultRule | None = None  # a slow fault: deliver only after its delay (or its release)


def _json_reply(status: int, body: Any, headers: dict[str, str] | None = None) -> _Reply:
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return _Reply(status, payload, {"Content-Type": "application/json; charset=utf-8", **(headers or {})})


def _api_reply(response: ApiResponse) -> _Reply:
    return _json_reply(response.status, response.body, response.headers)


def _fault_reply(rule: FaultRule) -> _Reply | None:
    """The reply a fault gives instead of the real one; None when the request goes on (slow, malformed)."""
    if rule.kind in (fault_kinds.SLOW, fault_kinds.MALFORMED):
        return None
    if rule.kind == fault_kinds.DROP:
        return _Reply(None, b"", {})
    if rule.kind == fault_kinds.RATE_LIMIT:
        if rule.quota:
            response = error_response(429, "Too many requests", reason="QUOTA_EXCEEDED")
        else:
            response = error_response(429, "API rate limit exceeded")
        reply = _api_reply(response)
        return _Reply(429, reply.body, {**reply.headers, "Retry-After": str(rule.retry_after)})
    if rule.kind == fault_kinds.SERVER_ERROR:
        # 503s from Spotify's edge often carry no message at all.
        messages = {500: "Server error.", 502: "Bad gateway.", 503: None}
        assert rule.status is not None
        return _api_reply(error_response(rule.status, messages[rule.status]))
    if rule.kind == fault_kinds.REMOVE_ENDPOINT:
        removed = error_response(403, "Forbidden") if rule.status == 403 else error_response(404, "Service not found")
        return _api_reply(removed)
    if rule.kind == fault_kinds.DELETE_PLAYLIST:
        return _api_reply(error_response(404, "Resource not found"))
    raise ValueError(f"fault kind {rule.kind!r} has no reply")


class _Server(TrackedHTTPServer):
    fake: FakeSpotify


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeSpotify/1.0"
    timeout = _IDLE_SECONDS
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in separate writes; without this, Nagle's algorithm and the client's delayed
        # ACK add ~40 ms to every response on a kept-alive connection.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the request log is `FakeSpotify.requests`."""

    def _serve(self, method: str) -> None:
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length else b""
        form = dict(parse_qsl(raw_body.decode("utf-8", "replace"), keep_blank_values=True)) if raw_body else {}
        fake = self.server.fake
        reply = fake._respond(method, url.path, query, form, self.headers.get("Authorization"))
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
