"""Which details a run fetches: new ids once, configured ids always, nothing twice, full objects never again."""

from __future__ import annotations

from contracts.raw_zone import Source
from extract.enrichment import ALBUM, ARTIST, EntityRegistry
from extract.requester import RawPage


def page(source: str, response: object) -> RawPage:
    return RawPage(source, None, "/v1/x", "http://x", {}, 200, "2026-11-24T06:15:03.123Z", response)


SAVED = {
    "items": [
        {
            "track": {
                "type": "track",
                "id": "t1",
                "album": {"type": "album", "id": "b1", "artists": [{"type": "artist", "id": "a1"}]},
                "artists": [{"type": "artist", "id": "a1"}, {"type": "artist", "id": "a2"}],
            }
        }
    ]
}


def test_ids_seen_for_the_first_time_are_claimed_once() -> None:
    # Given a1 known from an earlier run and a page mentioning a1, a2 and album b1
    registry = EntityRegistry(known_artist_ids={"a1"})
    registry.observe(page(Source.SAVED_TRACKS, SAVED))
    # Then only the new ids are fetched, and a second claim in the same run gets nothing
    assert registry.claim(ARTIST, [], enrich=True) == ["a2"]
    assert registry.claim(ALBUM, [], enrich=True) == ["b1"]
    assert registry.claim(ARTIST, [], enrich=True) == []


def test_configured_ids_are_fetched_every_run_even_when_known() -> None:
    registry = EntityRegistry(known_album_ids={"b7"})
    assert registry.claim(ALBUM, ["b7", "b7"], enrich=False) == ["b7"]


def test_without_enrichment_only_configured_ids_are_claimed() -> None:
    registry = EntityRegistry()
    registry.observe(page(Source.SAVED_TRACKS, SAVED))
    assert registry.claim(ARTIST, ["a9"], enrich=False) == ["a9"]


def test_full_objects_kept_in_this_run_are_not_fetched_and_are_known_next_run() -> None:
    # Given the top artists page carrying a2 in full
    registry = EntityRegistry(known_artist_ids={"a1"})
    registry.observe(page(Source.SAVED_TRACKS, SAVED))
    registry.observe(page(Source.TOP_ARTISTS, {"items": [{"type": "artist", "id": "a2", "genres": []}]}))
    # Then a2 is not fetched again, and the next run knows it
    assert registry.claim(ARTIST, [], enrich=True) == []
    assert registry.known_after_run(ARTIST) == {"a1", "a2"}


def test_an_id_that_failed_is_not_known_next_run() -> None:
    registry = EntityRegistry()
    registry.observe(page(Source.SAVED_TRACKS, SAVED))
    assert registry.claim(ALBUM, [], enrich=True) == ["b1"]
    # No albums page came back for b1: the next run still sees it as new
    assert registry.known_after_run(ALBUM) == frozenset()
