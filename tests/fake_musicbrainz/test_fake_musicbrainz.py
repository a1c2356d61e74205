"""The fake MusicBrainz answers ISRC lookups as the real web service does: its JSON shapes, the quirks of real data
(unknown ISRCs, several recordings, releases without a label), 503 to a client faster than one request a second,
403 without a meaningful User-Agent, and faults on demand. Its clock is injected: no test sleeps."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import requests

from local.fake_musicbrainz import FakeMusicBrainz
from local.fake_musicbrainz.__main__ import main
from local.fake_spotify.catalog import Catalog

AGENT = {"User-Agent": "spotify-pipeline-tests/1.0 ( tests@example.org )"}
INC = {"inc": "releases+artist-credits+tags+genres", "fmt": "json"}


class SteppedClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(seed=42, size=300)


@pytest.fixture
def clock() -> SteppedClock:
    return SteppedClock()


@pytest.fixture
def server(catalog: Catalog, clock: SteppedClock) -> Iterator[FakeMusicBrainz]:
    with FakeMusicBrainz(catalog, clock=clock) as fake:
        yield fake


def lookup(
    server: FakeMusicBrainz, clock: SteppedClock, isrc: str, after: float = 1.0, **options: object
) -> requests.Response:
    """One lookup `after` seconds of the server's clock after the previous one."""
    clock.now += after
    headers = options.get("headers", AGENT)
    params = options.get("params", INC)
    return requests.get(f"{server.ws_url}isrc/{isrc}", params=params, headers=headers, timeout=5)  # type: ignore[arg-type]


def found_isrc(server: FakeMusicBrainz, *, shared: bool = False) -> str:
    """An ISRC MusicBrainz knows with one recording; `shared`: one a single and an album both carry."""
    tracks_by_isrc: dict[str, int] = {}
    for track in server.catalog.spotify.tracks.values():
        tracks_by_isrc[track.isrc] = tracks_by_isrc.get(track.isrc, 0) + 1
    unusual = server.catalog.missing_isrcs | server.catalog.several_recordings_isrcs
    return next(i for i, n in tracks_by_isrc.items() if i not in unusual and (n > 1) == shared)


def test_a_known_isrc_answers_its_recording_with_releases_credits_and_genres(
    server: FakeMusicBrainz, clock: SteppedClock, catalog: Catalog
) -> None:
    isrc = found_isrc(server)
    track = next(t for t in catalog.tracks.values() if t.isrc == isrc)
    album = catalog.albums[track.album_id]

    body = lookup(server, clock, isrc).json()

    assert body["isrc"] == isrc
    (recording,) = body["recordings"]
    uuid.UUID(recording["id"])  # MusicBrainz identifiers are UUIDs
    assert recording["title"] == track.name
    assert recording["length"] == track.duration_ms
    assert [c["artist"]["name"] for c in recording["artist-credit"]] == [
        catalog.artists[a].name for a in track.artist_ids
    ]
    assert [g["name"] for g in recording["genres"]] == list(server.catalog.genres_of(track.artist_ids[0]))
    (release,) = recording["releases"]
    assert release["title"] == album.name
    assert release["date"] == album.release_date
    assert len(release["country"]) == 2
    if album.id not in server.catalog.unlabelled_album_ids:
        assert release["label-info"][0]["label"]["name"] == album.label


def test_the_quirks_of_real_data_are_all_there(server: FakeMusicBrainz, clock: SteppedClock) -> None:
    missing = sorted(server.catalog.missing_isrcs)[0]
    several = sorted(server.catalog.several_recordings_isrcs)[0]
    shared = found_isrc(server, shared=True)

    not_found = lookup(server, clock, missing)
    two = lookup(server, clock, several).json()["recordings"]
    on_two_releases = lookup(server, clock, shared).json()["recordings"]

    assert not_found.status_code == 404
    assert not_found.json()["error"] == "Not Found"
    assert len(two) == 2 and two[0]["id"] != two[1]["id"]
    assert len(on_two_releases) == 1 and len(on_two_releases[0]["releases"]) == 2
    assert server.catalog.unlabelled_album_ids, "every catalog has a release without a label"


def test_a_release_without_a_label_has_empty_label_info(
    server: FakeMusicBrainz, clock: SteppedClock, catalog: Catalog
) -> None:
    album_id, isrc = next(
        (album_id, catalog.tracks[t].isrc)
        for album_id in sorted(server.catalog.unlabelled_album_ids)
        for t in catalog.albums[album_id].track_ids
        if catalog.tracks[t].isrc not in server.catalog.missing_isrcs
    )

    recordings = lookup(server, clock, isrc).json()["recordings"]

    releases = [r for rec in recordings for r in rec["releases"] if r["id"] == server.catalog.release_id(album_id)]
    assert releases and releases[0]["label-info"] == []


def test_a_request_sooner_than_a_second_after_the_last_is_refused_with_503(
    server: FakeMusicBrainz, clock: SteppedClock
) -> None:
    isrc = found_isrc(server)

    first = lookup(server, clock, isrc, after=5.0)
    too_soon = lookup(server, clock, isrc, after=0.4)
    in_time = lookup(server, clock, isrc, after=1.0)

    assert [first.status_code, too_soon.status_code, in_time.status_code] == [200, 503, 200]
    assert "rate limit" in too_soon.json()["error"]
    assert server.intervals() == pytest.approx([0.4, 1.0])


def test_a_request_without_a_meaningful_user_agent_is_refused(server: FakeMusicBrainz, clock: SteppedClock) -> None:
    isrc = found_isrc(server)

    library_default = lookup(server, clock, isrc, headers={"User-Agent": requests.utils.default_user_agent()})
    blank = lookup(server, clock, isrc, headers={"User-Agent": ""})

    assert library_default.status_code == 403 and blank.status_code == 403
    assert "User-Agent" in blank.json()["error"]


def test_only_the_subqueries_asked_for_are_included(server: FakeMusicBrainz, clock: SteppedClock) -> None:
    recording = lookup(server, clock, found_isrc(server), params={"fmt": "json", "inc": "releases"}).json()[
        "recordings"
    ][0]

    assert "releases" in recording
    assert not {"genres", "tags", "artist-credit"} & set(recording)


def test_faults_are_served_on_demand(server: FakeMusicBrainz, clock: SteppedClock) -> None:
    server.faults.server_errors(r"^/ws/2/isrc/", status=503, times=1)
    server.faults.rate_limit(r"^/ws/2/isrc/", retry_after=3, times=1)
    isrc = found_isrc(server)

    statuses = [lookup(server, clock, isrc) for _ in range(3)]

    assert [r.status_code for r in statuses] == [503, 429, 200]
    assert statuses[1].headers["Retry-After"] == "3"


def test_the_command_line_refuses_a_bad_option_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--size", "5"])

    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "out of range" in error
