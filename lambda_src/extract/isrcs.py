"""Which ISRCs the MusicBrainz enrichment looks up: each one seen for the first time, once, remembered across runs.

An ISRC (International Standard Recording Code) is what Spotify still returns for a track in development mode
(`external_ids.isrc`) and what MusicBrainz looks a recording up by. The state remembers the ISRCs MusicBrainz
answered (`known_isrcs`: never asked again) and those it did not know, with the day it was asked
(`isrcs_not_found`: asked again only after `retry_not_found_after_days`, as the database grows). ISRCs left by a
run's time budget wait in the state's `pending` and go first next run. Pure functions: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from contracts.manifest import PendingWork
from contracts.raw_zone import Source
from extract.entities import iter_objects

SOURCE = Source.MUSICBRAINZ_RECORDINGS


def normalized_isrc(value: Any) -> str | None:
    """An ISRC as MusicBrainz keys it (12 letters and digits, upper case), or None for anything else."""
    if not isinstance(value, str):
        return None
    isrc = value.replace("-", "").strip().upper()
    return isrc if len(isrc) == 12 and isrc.isalnum() and isrc.isascii() else None


def mentioned_isrcs(body: Any) -> set[str]:
    """The ISRC of every track object in `body` (`{"type": "track", "external_ids": {"isrc": ...}}`)."""
    isrcs = set()
    for node in iter_objects(body):
        if node.get("type") != "track":
            continue
        external = node.get("external_ids")
        isrc = normalized_isrc(external.get("isrc")) if isinstance(external, dict) else None
        if isrc is not None:
            isrcs.add(isrc)
    return isrcs


def pending_isrcs(pending: Iterable[PendingWork]) -> list[str]:
    """The lookups a previous run (or a capture) left, in their order."""
    return [work.entity_id for work in pending if work.source == SOURCE and work.entity_id]


def other_pending(pending: Iterable[PendingWork]) -> tuple[PendingWork, ...]:
    """The pending work that is not a MusicBrainz lookup (what the Spotify reading resumes)."""
    return tuple(work for work in pending if work.source != SOURCE)


def due_isrcs(
    seen: Iterable[str],
    known: frozenset[str],
    not_found: Mapping[str, str],
    today: date,
    retry_not_found_after_days: int,
) -> list[str]:
    """`seen` ISRCs to look up: never answered, and not found too recently to ask again; in order, once each."""
    due = []
    for isrc in dict.fromkeys(seen):
        if isrc in known:
            continue
        asked = not_found.get(isrc)
        if asked is not None and date.fromisoformat(asked) + timedelta(days=retry_not_found_after_days) > today:
            continue
        due.append(isrc)
    return due


def as_pending(isrcs: Iterable[str]) -> list[PendingWork]:
    return [PendingWork(SOURCE, isrc) for isrc in isrcs]


def not_found_after(
    not_found: Mapping[str, str], found: Iterable[str], missing: Iterable[str], today: date
) -> dict[str, str]:
    """The not-found book after a run: `missing` asked `today`, `found` no longer missing."""
    book = {**not_found, **{isrc: today.isoformat() for isrc in missing}}
    for isrc in found:
        book.pop(isrc, None)
    return dict(sorted(book.items()))
