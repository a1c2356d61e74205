"""The MusicBrainz enrichment: each due ISRC (extract.isrcs) looked up once, its answer kept as a raw page.

`GET <ws>/isrc/<ISRC>?inc=releases+artist-credits+tags+genres&fmt=json` returns the recordings with that ISRC, their
releases (label, country, date), artist credits (MusicBrainz artist ids) and community genres. The rules of the
service, and how each is kept:

- **One request per second per client** (503 beyond): `RequestInterval` lets a request start only
  `min_interval_seconds` after the previous one *ended*. Requests go one at a time, and a request reaches the
  server before its answer leaves it, so no two requests arrive closer than the interval: held by construction,
  whatever the network's delays.
- **A meaningful User-Agent** (`application/version ( contact )`, from [musicbrainz] user_agent) on every request.
- **503 and 429 honoured**: the next attempt waits the `Retry-After` when given, else a capped exponential backoff
  with jitter ([extract] retry keys); 5xx and connection errors the same. After `max_attempts` the ISRC waits for
  the next run, and so does the rest: a service that keeps failing is not hammered.
- **A time budget**: the lookups end cleanly when [musicbrainz] time_budget_seconds (or the Lambda's time left) is
  spent; the ISRCs not reached stay pending for the next run, which looks them up first.

A 200 is kept unmodified in the raw zone under `Source.MUSICBRAINZ_RECORDINGS` with its request metadata (the
envelope of contracts/raw_zone.py); a 404 is an ISRC MusicBrainz does not know: recorded (the manifest's
`not_found`, the state), not kept as a page, and asked again only weeks later. Any other 4xx (an ISRC the service
calls invalid) is recorded against the ISRC as an entity error and not asked again soon either.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qsl, quote, urlsplit

import requests

from contracts.manifest import EntityError
from extract.isrcs import SOURCE
from extract.ledger import RunLedger
from extract.pacing import backoff_seconds, parse_retry_after
from extract.requester import RawPage, error_message, utc_timestamp
from extract.settings import MusicBrainzSettings, RetryPolicy
from extract.transport import Exchange

log = logging.getLogger(__name__)

INCLUDES = "releases+artist-credits+tags+genres"


class RequestInterval:
    """At most one request per `seconds`: a request may start only `seconds` after the previous one ended (and
    after any pause the service asked for). Single-threaded by design: the lookups go one at a time."""

    def __init__(
        self,
        seconds: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._seconds = seconds
        self._clock = clock
        self._sleep = sleep
        self._free_at: float | None = None

    def wait_turn(self, deadline: float) -> bool:
        """Sleep until the next request may start; False (without sleeping) when that is past `deadline`."""
        now = self._clock()
        start = max(now, self._free_at if self._free_at is not None else now)
        if start > deadline:
            return False
        if start > now:
            self._sleep(start - now)
        return True

    def ended(self) -> None:
        """The request's answer (or failure) came back: the next one waits the interval from now."""
        self._free_at = max(self._free_at or 0.0, self._clock() + self._seconds)

    def pause(self, seconds: float) -> None:
        """The service asked for a pause (Retry-After) or a retry backs off: the next request waits that long."""
        self._free_at = max(self._free_at or 0.0, self._clock() + max(seconds, self._seconds))


class MusicBrainzClient:
    """HTTP to the web service with the configured User-Agent; every answer comes back as it is (no retries here)."""

    def __init__(self, ws_url: str, user_agent: str, timeout_seconds: float) -> None:
        self._ws_url = ws_url if ws_url.endswith("/") else ws_url + "/"
        self._timeout = timeout_seconds
        self._session = requests.Session()
        self._session.headers.update({"User-Agent": user_agent, "Accept": "application/json"})

    @property
    def prefix_path(self) -> str:
        """The web service's path (`/ws/2/`), which the recorded endpoint starts with."""
        return urlsplit(self._ws_url).path

    def lookup_isrc(self, isrc: str) -> Exchange:
        url = f"{self._ws_url}isrc/{quote(isrc)}"
        try:
            response = self._session.get(url, params={"inc": INCLUDES, "fmt": "json"}, timeout=self._timeout)
        except requests.RequestException as error:
            return Exchange(status=None, url=url, headers={}, content=b"", failure=type(error).__name__)
        return Exchange(
            status=response.status_code,
            url=response.request.url or response.url,
            headers=dict(response.headers),
            content=response.content,
        )

    def close(self) -> None:
        self._session.close()


class Outcome:
    FOUND = "found"
    NOT_FOUND = "not_found"
    REFUSED = "refused"  # another 4xx: recorded, not asked again soon
    RETRY_NEXT_RUN = "retry_next_run"  # the answer stayed malformed: kept as text, asked again next run
    GAVE_UP = "gave_up"  # 5xx, 503/429 or no answer after max_attempts: the service is unwell, stop for this run
    OUT_OF_TIME = "out_of_time"


@dataclass
class LookupResult:
    """What one run's lookups did; `pending` are the ISRCs left for the next run, in order."""

    due: int = 0
    found: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    stop_reason: str | None = None
    unavailable: bool = False  # stopped because MusicBrainz kept failing (not by the budget)

    def summary(self) -> dict[str, object]:
        return {
            "due": self.due,
            "found": len(self.found),
            "not_found": len(self.not_found),
            "refused": len(self.refused),
            "pending": len(self.pending),
            "stop_reason": self.stop_reason,
            "unavailable": self.unavailable,
        }


class RecordingLookups:
    def __init__(
        self,
        client: MusicBrainzClient,
        interval: RequestInterval,
        retry: RetryPolicy,
        keep: Callable[[RawPage], None],
        ledger: RunLedger,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self._client = client
        self._interval = interval
        self._retry = retry
        self._keep = keep
        self._ledger = ledger
        self._now = now
        self._clock = clock
        self._rng = rng or random.Random()

    def run(self, isrcs: list[str], seconds: float) -> LookupResult:
        """Look up `isrcs` in order for at most `seconds`; what is not reached is `pending`."""
        result = LookupResult(due=len(isrcs))
        deadline = self._clock() + seconds
        for index, isrc in enumerate(isrcs):
            outcome = self._lookup(isrc, deadline)
            if outcome == Outcome.OUT_OF_TIME:
                result.stop_reason = f"the MusicBrainz time budget ({seconds:.0f} s) is spent"
                result.pending += isrcs[index:]
                break
            if outcome == Outcome.GAVE_UP:
                result.stop_reason = f"MusicBrainz kept failing on {isrc}; the lookups resume next run"
                result.unavailable = True
                result.pending += isrcs[index:]
                break
            self._ledger.need_calls(SOURCE, 1)
            {
                Outcome.FOUND: result.found,
                Outcome.NOT_FOUND: result.not_found,
                Outcome.REFUSED: result.refused,
                Outcome.RETRY_NEXT_RUN: result.pending,
            }[outcome].append(isrc)
        if result.stop_reason:
            log.warning("%s: %d ISRC(s) left for the next run", result.stop_reason, len(result.pending))
        return result

    def _lookup(self, isrc: str, deadline: float) -> str:
        failures = 0
        while True:
            if not self._interval.wait_turn(deadline):
                return Outcome.OUT_OF_TIME
            exchange = self._client.lookup_isrc(isrc)
            self._interval.ended()
            self._ledger.count_call(SOURCE)
            status = exchange.status
            if status == 200:
                try:
                    body = json.loads(exchange.content)
                except ValueError:
                    failures += 1
                    if failures < self._retry.max_attempts:
                        self._interval.pause(self._backoff(failures))
                        continue
                    self._keep(self._page(isrc, exchange, None, exchange.text))
                    self._record(isrc, exchange, f"the body was not valid JSON in {failures} attempts; kept as text")
                    return Outcome.RETRY_NEXT_RUN
                self._keep(self._page(isrc, exchange, body))
                return Outcome.FOUND
            if status == 404:
                return Outcome.NOT_FOUND
            if status is None or status >= 500 or status in (408, 429):
                failures += 1
                if failures >= self._retry.max_attempts:
                    detail = exchange.failure or error_message(exchange)
                    self._record(isrc, exchange, f"{detail}; gave up after {failures} attempts")
                    return Outcome.GAVE_UP
                # 503 is how MusicBrainz says "too fast": its Retry-After, when sent, is the pause it wants.
                retry_after = exchange.headers.get("Retry-After") if status in (429, 503) else None
                self._interval.pause(parse_retry_after(retry_after, self._backoff(failures)))
                continue
            self._record(isrc, exchange, exchange.failure or error_message(exchange))
            return Outcome.REFUSED

    def _backoff(self, failures: int) -> float:
        return backoff_seconds(failures, self._retry.backoff_base_seconds, self._retry.backoff_cap_seconds, self._rng)

    def _record(self, isrc: str, exchange: Exchange, message: str) -> None:
        self._ledger.record_error(EntityError(SOURCE, isrc, exchange.status, message))

    def _page(self, isrc: str, exchange: Exchange, body: object, text: str | None = None) -> RawPage:
        return RawPage(
            source=SOURCE,
            entity_id=isrc,
            endpoint=f"{self._client.prefix_path}isrc/{{isrc}}",
            url=exchange.url,
            params=dict(parse_qsl(urlsplit(exchange.url).query, keep_blank_values=True)),
            status=exchange.status or 0,
            fetched_at=utc_timestamp(self._now()),
            response=body,
            response_text=text,
        )


def lookups_for(
    settings: MusicBrainzSettings,
    ws_url: str,
    retry: RetryPolicy,
    keep: Callable[[RawPage], None],
    ledger: RunLedger,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> RecordingLookups:
    """The run's lookups against the real clock, at the configured interval and User-Agent."""
    return RecordingLookups(
        MusicBrainzClient(ws_url, settings.user_agent, retry.request_timeout_seconds),
        RequestInterval(settings.min_interval_seconds),
        retry,
        keep,
        ledger,
        now,
    )
