"""One API request carried to an outcome: a page to keep, or a failure the caller records.

The status policy of the run:
- 2xx with a JSON body: the page. A body that is not JSON is retried; if it stays malformed, the page is kept
  with its text (the raw envelope's `response_text`) and an error is recorded: nothing fetched is lost.
- 429: wait `Retry-After` (every worker pauses), unless the wait does not fit in the time budget: the run stops.
- 401: forget the token and refresh it, once.
- 5xx, 408 and no response: capped exponential backoff with full jitter, up to `max_attempts` attempts.
- any other 4xx: RequestFailed, for the caller to record against the entity or to switch to a fallback endpoint.
Every attempt counts as a call of its source.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from contracts.manifest import EntityError
from extract.auth import TokenEndpointUnavailable
from extract.endpoints import Endpoint
from extract.ledger import RunLedger
from extract.pacing import Pacing, parse_retry_after
from extract.settings import RetryPolicy
from extract.transport import Exchange, SpotifyCall, SpotifyTransport

# Retry-After missing from a 429: wait this long (the rate limit window is 30 s; one second is a cautious step).
DEFAULT_RETRY_AFTER_SECONDS = 1.0


class RequestFailed(Exception):
    """The API refused the request (4xx) or never answered usefully within the attempts allowed."""

    def __init__(self, status: int | None, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


@dataclass(frozen=True)
class ApiRequest:
    source: str  # contracts.raw_zone.Source: the raw folder the page goes to and the calls counter
    entity_id: str | None
    endpoint: Endpoint
    auth: str  # endpoints.USER or endpoints.APP
    call: SpotifyCall


@dataclass(frozen=True)
class RawPage:
    """One API response page as the raw zone keeps it (see contracts/raw_zone.py for the envelope)."""

    source: str
    entity_id: str | None
    endpoint: str
    url: str
    params: dict[str, str]
    status: int
    fetched_at: str
    response: Any
    response_text: str | None = None

    def envelope(self, api_mode: str) -> dict[str, Any]:
        return {
            "source": self.source,
            "entity_id": self.entity_id,
            "request": {"method": "GET", "endpoint": self.endpoint, "url": self.url, "params": self.params},
            "status": self.status,
            "fetched_at": self.fetched_at,
            "api_mode": api_mode,
            "response": self.response,
            "response_text": self.response_text,
        }


def utc_timestamp(moment: datetime | None = None) -> str:
    """`2026-11-24T06:15:03.123Z`"""
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def error_message(exchange: Exchange) -> str:
    """The API's error message (`{"error": {"status": ..., "message": ...}}`, message optional) or the status."""
    try:
        error = json.loads(exchange.content).get("error")
    except (ValueError, AttributeError):
        error = None
    if isinstance(error, dict):
        message = error.get("message") or f"HTTP {exchange.status}"
        return f"{message} ({error['reason']})" if error.get("reason") else message
    if isinstance(error, str):  # the accounts service's OAuth errors
        return error
    return f"HTTP {exchange.status}"


class Requester:
    def __init__(
        self,
        transport: SpotifyTransport,
        retry: RetryPolicy,
        pacing: Pacing,
        ledger: RunLedger,
        api_prefix_path: str,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._transport = transport
        self._retry = retry
        self._pacing = pacing
        self._ledger = ledger
        self._prefix_path = api_prefix_path
        self._now = now

    def fetch(self, request: ApiRequest) -> RawPage:
        """The page `request` returns. Raises RequestFailed, RunStopped, CredentialsError."""
        failures = 0
        refreshed = False
        while True:
            self._pacing.before_request()
            try:
                exchange = self._transport.send(request.auth, request.call)
            except TokenEndpointUnavailable as error:  # the API request was never sent
                failures = self._after_transient_failure(failures, None, str(error))
                continue
            self._ledger.count_call(request.source)
            status = exchange.status
            if status is not None and 200 <= status < 300:
                try:
                    return self._page(request, exchange, json.loads(exchange.content))
                except ValueError:
                    failures += 1
                    if failures >= self._retry.max_attempts:
                        return self._keep_malformed(request, exchange, failures)
                    self._pacing.back_off(failures)
                    continue
            if status == 429:
                self._pacing.pause_for_retry_after(
                    parse_retry_after(exchange.headers.get("Retry-After"), DEFAULT_RETRY_AFTER_SECONDS)
                )
                continue
            if status == 401 and not refreshed:
                refreshed = True
                self._transport.forget_token(request.auth, exchange.token_fingerprint)
                continue
            if status is None or status >= 500 or status == 408:
                detail = exchange.failure or error_message(exchange)
                failures = self._after_transient_failure(failures, status, detail)
                continue
            raise RequestFailed(status, exchange.failure or error_message(exchange))

    def _after_transient_failure(self, failures: int, status: int | None, detail: str) -> int:
        failures += 1
        if failures >= self._retry.max_attempts:
            raise RequestFailed(status, f"{detail}; gave up after {failures} attempts")
        self._pacing.back_off(failures)
        return failures

    def _page(self, request: ApiRequest, exchange: Exchange, body: Any, text: str | None = None) -> RawPage:
        return RawPage(
            source=request.source,
            entity_id=request.entity_id,
            endpoint=request.endpoint.describe(self._prefix_path),
            url=exchange.url,
            params=dict(parse_qsl(urlsplit(exchange.url).query, keep_blank_values=True)),
            status=exchange.status or 0,
            fetched_at=utc_timestamp(self._now()),
            response=body,
            response_text=text,
        )

    def _keep_malformed(self, request: ApiRequest, exchange: Exchange, attempts: int) -> RawPage:
        self._ledger.record_error(
            EntityError(
                source=request.source,
                entity_id=request.entity_id,
                status=exchange.status,
                message=f"the body was not valid JSON in {attempts} attempts; kept as response_text",
            )
        )
        return self._page(request, exchange, None, exchange.text)
