"""The MusicBrainz lookups keep the service's rules, measured at the fake server: no two requests within a second,
503 and 429 honoured, a time budget that leaves the rest pending, every answer kept unmodified with its request.

The lookups and the fake share one simulated clock: the lookups sleep on it and the server stamps each request's
arrival with it, so the intervals are exact and no test waits for real seconds."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator

import pytest

from contracts.raw_zone import Source
from extract.ledger import RunLedger
from extract.musicbrainz import MusicBrainzClient, RecordingLookups, RequestInterval
from extract.requester import RawPage
from extract.settings import RetryPolicy
from local.fake_musicbrainz import FakeMusicBrainz
from local.fake_spotify.catalog import Catalog

USER_AGENT = "spotify-pipeline-tests/1.0 ( tests@example.org )"
RETRY = RetryPolicy(max_attempts=4, backoff_base_seconds=0.5, backoff_cap_seconds=8.0, request_timeout_seconds=5.0)


class SimulatedClock:
    """Seconds that pass only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 5_000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(seed=42, size=300)


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock()


@pytest.fixture
def musicbrainz(catalog: Catalog, clock: SimulatedClock) -> Iterator[FakeMusicBrainz]:
    with FakeMusicBrainz(catalog, min_interval_seconds=1.0, clock=clock) as fake:
        yield fake


class Kept(list[RawPage]):
    """The pages the lookups hand to the raw writer."""


def lookups(
    musicbrainz: FakeMusicBrainz, clock: SimulatedClock, kept: Kept, ledger: RunLedger, interval: float = 1.0
) -> RecordingLookups:
    return RecordingLookups(
        MusicBrainzClient(musicbrainz.ws_url, USER_AGENT, RETRY.request_timeout_seconds),
        RequestInterval(interval, clock=clock, sleep=clock.sleep),
        RETRY,
        kept.append,
        ledger,
        clock=clock,
        rng=random.Random(7),
    )


def some_isrcs(musicbrainz: FakeMusicBrainz, count: int) -> list[str]:
    """`count` ISRCs of the catalog, the first ones (which include a missing one and one with two recordings)."""
    return musicbrainz.catalog.isrcs[:count]


def test_no_two_requests_reach_musicbrainz_within_a_second(musicbrainz: FakeMusicBrainz, clock: SimulatedClock) -> None:
    isrcs = some_isrcs(musicbrainz, 8)

    result = lookups(musicbrainz, clock, Kept(), RunLedger()).run(isrcs, seconds=60)

    assert sorted(result.found + result.not_found) == sorted(isrcs)
    assert len(musicbrainz.requests) == len(isrcs)
    assert min(musicbrainz.intervals()) >= 1.0
    assert {r.status for r in musicbrainz.requests} <= {200, 404}


def test_every_request_carries_the_configured_user_agent(musicbrainz: FakeMusicBrainz, clock: SimulatedClock) -> None:
    lookups(musicbrainz, clock, Kept(), RunLedger()).run(some_isrcs(musicbrainz, 3), seconds=60)

    assert {r.user_agent for r in musicbrainz.requests} == {USER_AGENT}


def test_a_found_recording_is_kept_unmodified_with_its_request(
    musicbrainz: FakeMusicBrainz, clock: SimulatedClock
) -> None:
    isrcs = some_isrcs(musicbrainz, 3)
    kept, ledger = Kept(), RunLedger()

    result = lookups(musicbrainz, clock, kept, ledger).run(isrcs, seconds=60)

    assert [p.entity_id for p in kept] == result.found  # the missing ISRC has no page
    page = kept[0]
    assert page.source == Source.MUSICBRAINZ_RECORDINGS
    assert page.endpoint == "/ws/2/isrc/{isrc}"
    assert page.params == {"inc": "releases+artist-credits+tags+genres", "fmt": "json"}
    assert page.status == 200
    assert page.response == json.loads(json.dumps(musicbrainz.catalog.lookup(page.entity_id or "")))
    assert ledger.calls == ledger.min_calls == {Source.MUSICBRAINZ_RECORDINGS: 3}


def test_an_isrc_musicbrainz_does_not_know_is_recorded_as_not_found(
    musicbrainz: FakeMusicBrainz, clock: SimulatedClock
) -> None:
    missing = sorted(musicbrainz.catalog.missing_isrcs)[0]
    ledger = RunLedger()

    result = lookups(musicbrainz, clock, Kept(), ledger).run([missing], seconds=60)

    assert result.not_found == [missing]
    assert ledger.errors == []  # an answer, not an error


def test_a_503_is_honoured_by_backing_off_and_asking_again(musicbrainz: FakeMusicBrainz, clock: SimulatedClock) -> None:
    musicbrainz.faults.server_errors(r"^/ws/2/isrc/", status=503, times=2)
    isrcs = some_isrcs(musicbrainz, 3)

    result = lookups(musicbrainz, clock, Kept(), RunLedger()).run(isrcs, seconds=60)

    assert sorted(result.found + result.not_found) == sorted(isrcs)
    assert [r.status for r in musicbrainz.requests][:3] == [503, 503, 200]
    assert min(musicbrainz.intervals()) >= 1.0


def test_a_retry_after_is_waited_in_full(musicbrainz: FakeMusicBrainz, clock: SimulatedClock) -> None:
    musicbrainz.faults.rate_limit(r"^/ws/2/isrc/", retry_after=5, times=1)

    lookups(musicbrainz, clock, Kept(), RunLedger()).run(some_isrcs(musicbrainz, 1), seconds=60)

    assert [r.status for r in musicbrainz.requests] == [429, 200]
    assert musicbrainz.intervals() == [pytest.approx(5.0)]


def test_a_service_that_keeps_failing_stops_the_lookups_until_the_next_run(
    musicbrainz: FakeMusicBrainz, clock: SimulatedClock
) -> None:
    musicbrainz.faults.server_errors(r"^/ws/2/isrc/", status=503, times=None)
    isrcs = some_isrcs(musicbrainz, 4)

    result = lookups(musicbrainz, clock, Kept(), RunLedger()).run(isrcs, seconds=600)

    assert result.pending == isrcs
    assert len(musicbrainz.requests) == RETRY.max_attempts  # the first ISRC's attempts, then no more
    assert "kept failing" in (result.stop_reason or "")


def test_the_time_budget_ends_the_lookups_and_leaves_the_rest_pending_in_order(
    musicbrainz: FakeMusicBrainz, clock: SimulatedClock
) -> None:
    isrcs = some_isrcs(musicbrainz, 10)

    result = lookups(musicbrainz, clock, Kept(), RunLedger()).run(isrcs, seconds=3.5)

    looked_up = [r.path.rsplit("/", 1)[1] for r in musicbrainz.requests]
    assert looked_up == isrcs[:4]  # at 0, 1, 2 and 3 s of the budget
    assert result.pending == isrcs[4:]
    assert "time budget" in (result.stop_reason or "")


def test_the_fake_refuses_a_client_that_does_not_keep_the_interval(
    musicbrainz: FakeMusicBrainz, clock: SimulatedClock
) -> None:
    """What the tests above guard against: a client without the interval meets the service's 503s."""
    result = lookups(musicbrainz, clock, Kept(), RunLedger(), interval=0.0).run(some_isrcs(musicbrainz, 3), seconds=60)

    assert 503 in {r.status for r in musicbrainz.requests}
    assert result.stop_reason is not None or min(musicbrainz.intervals()) < 1.0
