"""The status policy of one request, against a scripted transport: what is retried, waited for, kept, refused."""

from __future__ import annotations

import json
from collections import deque
from typing import Any

import pytest

from contracts.raw_zone import Source
from extract import endpoints as ep
from extract.auth import TokenEndpointUnavailable
from extract.ledger import RunLedger
from extract.pacing import Pacing, RunStopped
from extract.requester import ApiRequest, Requester, RequestFailed
from extract.settings import RetryPolicy
from extract.transport import Exchange

URL = "http://127.0.0.1:1/v1/me/tracks?limit=50&offset=0"


def answer(status: int | None, body: Any = None, headers: dict[str, str] | None = None, raw: bytes = b"") -> Exchange:
    content = raw or (json.dumps(body).encode() if body is not None else b"")
    return Exchange(status=status, url=URL, headers=headers or {}, content=content, token_fingerprint="fp")


class ScriptedTransport:
    def __init__(self, *answers: Exchange | Exception) -> None:
        self.answers = deque(answers)
        self.forgotten: list[str | None] = []

    def send(self, auth: str, call: Any) -> Exchange:
        next_answer = self.answers.popleft()
        if isinstance(next_answer, Exception):
            raise next_answer
        return next_answer

    def forget_token(self, auth: str, fingerprint: str | None) -> None:
        self.forgotten.append(fingerprint)


def requester(transport: ScriptedTransport, remaining_ms: int = 600_000) -> tuple[Requester, RunLedger, Pacing]:
    ledger = RunLedger()
    pacing = Pacing(lambda: remaining_ms, 30, backoff_base_seconds=0.001, backoff_cap_seconds=0.002)
    retry = RetryPolicy(
        max_attempts=3, backoff_base_seconds=0.001, backoff_cap_seconds=0.002, request_timeout_seconds=1
    )
    return Requester(transport, retry, pacing, ledger, "/v1/"), ledger, pacing  # type: ignore[arg-type]


REQUEST = ApiRequest(Source.SAVED_TRACKS, None, ep.SAVED_TRACKS, ep.USER, call=lambda sp: None)
PAGE = {"items": [], "total": 0, "next": None}


def test_a_page_is_kept_with_its_request_metadata_and_one_call_counted() -> None:
    fetch, ledger, _ = requester(ScriptedTransport(answer(200, PAGE)))
    page = fetch.fetch(REQUEST)
    assert page.response == PAGE and page.response_text is None
    assert page.endpoint == "/v1/me/tracks"
    assert page.params == {"limit": "50", "offset": "0"}
    assert page.fetched_at.endswith("Z")
    assert ledger.calls == {Source.SAVED_TRACKS: 1}


def test_a_short_retry_after_is_waited_and_the_request_succeeds() -> None:
    fetch, ledger, pacing = requester(ScriptedTransport(answer(429, headers={"Retry-After": "0"}), answer(200, PAGE)))
    assert fetch.fetch(REQUEST).response == PAGE
    assert ledger.calls == {Source.SAVED_TRACKS: 2}  # the 429 was a call too
    assert not pacing.stopped


def test_a_retry_after_beyond_the_time_budget_stops_the_run() -> None:
    fetch, _, pacing = requester(ScriptedTransport(answer(429, headers={"Retry-After": "3600"})), remaining_ms=60_000)
    with pytest.raises(RunStopped):
        fetch.fetch(REQUEST)
    assert pacing.stopped


def test_server_errors_and_lost_connections_are_retried_with_backoff() -> None:
    transport = ScriptedTransport(answer(503, {"error": {"status": 503}}), answer(None), answer(200, PAGE))
    fetch, ledger, _ = requester(transport)
    assert fetch.fetch(REQUEST).response == PAGE
    assert ledger.calls == {Source.SAVED_TRACKS: 3}


def test_a_server_error_that_lasts_fails_the_request_after_max_attempts() -> None:
    fetch, _, _ = requester(ScriptedTransport(*[answer(500, {"error": {"status": 500}})] * 3))
    with pytest.raises(RequestFailed) as failed:
        fetch.fetch(REQUEST)
    assert failed.value.status == 500
    assert "3 attempts" in failed.value.message


def test_a_401_forgets_the_token_once_and_retries() -> None:
    expired = answer(401, {"error": {"status": 401, "message": "The access token expired"}})
    transport = ScriptedTransport(expired, answer(200, PAGE))
    fetch, _, _ = requester(transport)
    assert fetch.fetch(REQUEST).response == PAGE
    assert transport.forgotten == ["fp"]


def test_a_second_401_is_a_refusal() -> None:
    expired = answer(401, {"error": {"status": 401, "message": "The access token expired"}})
    fetch, _, _ = requester(ScriptedTransport(expired, expired))
    with pytest.raises(RequestFailed) as failed:
        fetch.fetch(REQUEST)
    assert (failed.value.status, failed.value.message) == (401, "The access token expired")


def test_other_client_errors_are_refusals_with_the_api_message_and_reason() -> None:
    quota = {"error": {"status": 403, "message": "Forbidden", "reason": "PREMIUM_REQUIRED"}}
    fetch, _, _ = requester(ScriptedTransport(answer(403, quota)))
    with pytest.raises(RequestFailed) as failed:
        fetch.fetch(REQUEST)
    assert (failed.value.status, failed.value.message) == (403, "Forbidden (PREMIUM_REQUIRED)")


def test_a_malformed_body_is_retried_and_succeeds() -> None:
    fetch, ledger, _ = requester(ScriptedTransport(answer(200, raw=b'{"items": [{"na'), answer(200, PAGE)))
    assert fetch.fetch(REQUEST).response == PAGE
    assert ledger.errors == []


def test_a_body_that_stays_malformed_is_kept_as_text_and_recorded() -> None:
    broken = answer(200, raw='{"items": [{"name": "Beyoncé"'.encode())
    fetch, ledger, _ = requester(ScriptedTransport(broken, broken, broken))
    page = fetch.fetch(REQUEST)
    # Then nothing fetched is lost: the text is kept for the transform to quarantine
    assert page.response is None
    assert page.response_text == '{"items": [{"name": "Beyoncé"'
    assert [(e.source, e.status) for e in ledger.errors] == [(Source.SAVED_TRACKS, 200)]


def test_an_unavailable_token_endpoint_is_retried_without_counting_an_api_call() -> None:
    transport = ScriptedTransport(TokenEndpointUnavailable("503"), answer(200, PAGE))
    fetch, ledger, _ = requester(transport)
    assert fetch.fetch(REQUEST).response == PAGE
    assert ledger.calls == {Source.SAVED_TRACKS: 1}
