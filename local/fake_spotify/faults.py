"""Fault injection for the fake Spotify: rules matched on the request path, changeable while the server runs.

Each rule matches a regular expression searched in the path (`/v1/me/tracks`, `/api/token`) and hits the next
`times` matching requests (None: every one), then expires. The first live rule that matches a request decides
its fault; `expire_token_after` rules only count requests and never take a request's fault slot.

Kinds: 429 with `Retry-After` (optionally the per-account quota body, `reason: QUOTA_EXCEEDED`); 500/502/503
bursts; slow responses; a connection closed without any response; a 200 whose JSON body is cut in half; every
access token expiring after N API calls; an endpoint removed (403 or 404); a deleted playlist (404).

The command line writes rules as `KIND:PATH_REGEX[:key=value...]` (see `FaultPlan.add`), e.g.
`429:/v1/me/tracks:retry_after=2:times=1`, `503:/v1/playlists:times=3`, `slow:/v1/search:ms=800:times=always`,
`drop:/v1/me/top`, `malformed:/v1/albums`, `expire:/v1/:after=10`, `remove:/v1/me/top/artists:status=404`,
`delete-playlist:<playlist id>`. A path regex cannot contain `:`.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

RATE_LIMIT = "429"
SERVER_ERROR = "server-error"
SLOW = "slow"
DROP = "drop"
MALFORMED = "malformed"
EXPIRE_TOKEN = "expire"
REMOVE_ENDPOINT = "remove"
DELETE_PLAYLIST = "delete-playlist"
ALWAYS = None

_SERVER_ERROR_STATUSES = (500, 502, 503)


@dataclass
class FaultRule:
    kind: str
    path: str  # regular expression searched in the request path
    times: int | None = 1  # matching requests it hits; None = every one
    status: int | None = None  # 5xx burst status, or 403/404 for a removed endpoint
    retry_after: int = 1
    quota: bool = False
    delay_ms: int = 0
    after_calls: int = 0  # EXPIRE_TOKEN: calls that still succeed before every token expires
    hits: int = 0  # requests this rule has hit so far
    _seen: int = field(default=0, init=False, repr=False)
    _released: threading.Event = field(default_factory=threading.Event, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            re.compile(self.path)
        except re.error as error:
            raise ValueError(f"fault path {self.path!r} is not a valid regular expression: {error}") from None
        if self.times is not None and self.times < 1:
            raise ValueError(f"fault times={self.times} must be at least 1 (or 'always')")

    @property
    def live(self) -> bool:
        return self.times is None or self.hits < self.times

    def wait_delay(self) -> None:
        """SLOW: hold the answer for `delay_ms`, or until `release()`, whichever comes first."""
        self._released.wait(self.delay_ms / 1000)

    def release(self) -> None:
        """SLOW: deliver the answers it holds now, and later ones at once. A test that needs a request to be in
        flight while something else happens holds it with a long delay and releases it when it is done."""
        self._released.set()

    def matches(self, path: str) -> bool:
        # Compiled per call (the `re` module caches it), so a test may still change `path` on a live rule.
        return re.search(self.path, path) is not None


@dataclass(frozen=True)
class FaultDecision:
    """What to do with one request: expire the tokens first, and/or apply `rule`."""

    expire_tokens: bool = False
    rule: FaultRule | None = None


class FaultPlan:
    """The rules in force; thread-safe, so a test can change them while a client is mid-run."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    @property
    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def _add(self, rule: FaultRule) -> FaultRule:
        with self._lock:
            self._rules.append(rule)
        return rule

    # -- the kinds ------------------------------------------------------------------------------------------
    def rate_limit(
        self, path: str = r"^/v1/", *, retry_after: int = 1, times: int | None = 1, quota: bool = False
    ) -> FaultRule:
        """429 with `Retry-After: retry_after`; `quota=True` gives the per-account quota body (QUOTA_EXCEEDED)."""
        if retry_after < 0:
            raise ValueError(f"retry_after={retry_after} must be 0 or more seconds")
        return self._add(FaultRule(RATE_LIMIT, path, times, status=429, retry_after=retry_after, quota=quota))

    def server_errors(self, path: str = r"^/v1/", *, status: int = 503, times: int | None = 3) -> FaultRule:
        if status not in _SERVER_ERROR_STATUSES:
            raise ValueError(f"server error status {status} is not one of {_SERVER_ERROR_STATUSES}")
        return self._add(FaultRule(SERVER_ERROR, path, times, status=status))

    def slow(self, path: str = r"^/v1/", *, delay_ms: int, times: int | None = 1) -> FaultRule:
        if delay_ms < 0:
            raise ValueError(f"delay_ms={delay_ms} must be 0 or more")
        return self._add(FaultRule(SLOW, path, times, delay_ms=delay_ms))

    def drop_connection(self, path: str = r"^/v1/", *, times: int | None = 1) -> FaultRule:
        return self._add(FaultRule(DROP, path, times))

    def malformed_json(self, path: str = r"^/v1/", *, times: int | None = 1) -> FaultRule:
        return self._add(FaultRule(MALFORMED, path, times))

    def expire_token_after(self, calls: int, *, path: str = r"^/v1/", times: int | None = 1) -> FaultRule:
        """After `calls` more matching API calls, every access token issued so far expires (401 on the next)."""
        if calls < 0:
            raise ValueError(f"calls={calls} must be 0 or more")
        return self._add(FaultRule(EXPIRE_TOKEN, path, times, after_calls=calls))

    def remove_endpoint(self, path: str, *, status: int = 403) -> FaultRule:
        """The endpoint answers as a removed one does: 403 Forbidden, or 404 Service not found."""
        if status not in (403, 404):
            raise ValueError(f"a removed endpoint answers 403 or 404, not {status}")
        return self._add(FaultRule(REMOVE_ENDPOINT, path, ALWAYS, status=status))

    def delete_playlist(self, playlist_id: str) -> FaultRule:
        """The playlist is gone: its endpoints answer 404 (listings that already named it are not changed)."""
        return self._add(FaultRule(DELETE_PLAYLIST, rf"^/v1/playlists/{re.escape(playlist_id)}(/|$)", ALWAYS, 404))

    def add(self, spec: str) -> FaultRule:
        """A rule from its command-line form `KIND:PATH_REGEX[:key=value...]`; ValueError says what is wrong."""
        kind, _, rest = spec.partition(":")
        path, *options = rest.split(":") if rest else [""]
        if not path:
            raise ValueError(f"fault {spec!r} has no path; write KIND:PATH_REGEX[:key=value...]")
        values: dict[str, str] = {}
        for option in options:
            key, equals, value = option.partition("=")
            if not equals:
                raise ValueError(f"fault {spec!r}: option {option!r} is not key=value")
            values[key] = value

        def times(default: int | None) -> int | None:
            text = values.pop("times", None)
            if text is None:
                return default
            return None if text == "always" else _int(spec, "times", text)

        if kind == "429":
            rule = self.rate_limit(
                path,
                retry_after=_int(spec, "retry_after", values.pop("retry_after", "1")),
                times=times(1),
                quota=values.pop("quota", "false").lower() in ("1", "true", "yes"),
            )
        elif kind.isdigit() and int(kind) in _SERVER_ERROR_STATUSES:
            rule = self.server_errors(path, status=int(kind), times=times(3))
        elif kind == SLOW:
            rule = self.slow(path, delay_ms=_int(spec, "ms", values.pop("ms", "1000")), times=times(1))
        elif kind == DROP:
            rule = self.drop_connection(path, times=times(1))
        elif kind == MALFORMED:
            rule = self.malformed_json(path, times=times(1))
        elif kind == EXPIRE_TOKEN:
            rule = self.expire_token_after(_int(spec, "after", values.pop("after", "0")), path=path, times=times(1))
        elif kind == REMOVE_ENDPOINT:
            rule = self.remove_endpoint(path, status=_int(spec, "status", values.pop("status", "403")))
        elif kind == DELETE_PLAYLIST:
            rule = self.delete_playlist(path)
        else:
            known = "429, 500, 502, 503, slow, drop, malformed, expire, remove, delete-playlist"
            raise ValueError(f"fault {spec!r}: unknown kind {kind!r}; use one of: {known}")
        if values:
            with self._lock:
                self._rules.remove(rule)
            raise ValueError(f"fault {spec!r}: unknown option(s) {', '.join(sorted(values))} for {kind}")
        return rule

    # -- the server side ------------------------------------------------------------------------------------
    def decide(self, path: str) -> FaultDecision:
        """Consume the rules a request to `path` meets; called once per request."""
        expire = False
        chosen = None
        with self._lock:
            for rule in self._rules:
                if not rule.live or not rule.matches(path):
                    continue
                if rule.kind == EXPIRE_TOKEN:
                    if rule._seen >= rule.after_calls:
                        expire = True
                        rule.hits += 1
                        rule._seen = 0
                    else:
                        rule._seen += 1
                elif chosen is None:
                    chosen = rule
                    rule.hits += 1
        return FaultDecision(expire, chosen)


def _int(spec: str, key: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"fault {spec!r}: {key}={text!r} is not a whole number") from None
