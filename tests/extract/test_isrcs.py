"""Which ISRCs are due for a MusicBrainz lookup: those seen and never answered, and those not found long enough ago;
and where a page mentions them."""

from __future__ import annotations

from datetime import date

from contracts.manifest import PendingWork
from contracts.raw_zone import Source
from extract.isrcs import due_isrcs, mentioned_isrcs, not_found_after, other_pending, pending_isrcs

TODAY = date(2026, 12, 4)


def test_an_isrc_answered_by_any_earlier_run_is_never_due_again() -> None:
    assert due_isrcs(["GBAAA2600001", "GBAAA2600002"], frozenset({"GBAAA2600001"}), {}, TODAY, 30) == ["GBAAA2600002"]


def test_an_isrc_not_found_is_due_again_only_after_the_configured_days() -> None:
    not_found = {"GBAAA2600001": "2026-11-05", "GBAAA2600002": "2026-11-04"}

    due = due_isrcs(["GBAAA2600001", "GBAAA2600002"], frozenset(), not_found, TODAY, 30)

    assert due == ["GBAAA2600002"]  # asked 30 days ago; the other 29


def test_each_isrc_is_due_once_in_the_order_first_seen() -> None:
    assert due_isrcs(["B" * 12, "A" * 12, "B" * 12], frozenset(), {}, TODAY, 30) == ["B" * 12, "A" * 12]


def test_a_page_mentions_the_isrc_of_every_track_wherever_it_sits() -> None:
    page = {
        "items": [
            {"track": {"type": "track", "external_ids": {"isrc": "gbaaa2600001"}}},
            {"track": {"type": "track", "external_ids": {"isrc": "US-XYZ-26-00002"}}},
            {"track": {"type": "track", "external_ids": {}}},  # a local file, an episode: none
            {"track": {"type": "episode", "external_ids": {"isrc": "GBAAA2600009"}}},
            {"track": {"type": "track", "external_ids": {"isrc": "not an isrc"}}},
        ]
    }

    assert mentioned_isrcs(page) == {"GBAAA2600001", "USXYZ2600002"}


def test_pending_lookups_are_told_apart_from_the_spotify_work() -> None:
    pending = [
        PendingWork(Source.ALBUMS, "album1"),
        PendingWork(Source.MUSICBRAINZ_RECORDINGS, "GBAAA2600001"),
        PendingWork(Source.MUSICBRAINZ_RECORDINGS, "GBAAA2600002"),
    ]

    assert pending_isrcs(pending) == ["GBAAA2600001", "GBAAA2600002"]
    assert other_pending(pending) == (PendingWork(Source.ALBUMS, "album1"),)


def test_the_not_found_book_remembers_the_day_and_forgets_what_was_found() -> None:
    book = not_found_after({"GBAAA2600001": "2026-10-01"}, ["GBAAA2600001"], ["GBAAA2600002"], TODAY)

    assert book == {"GBAAA2600002": "2026-12-04"}
