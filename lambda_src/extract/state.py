"""What one run leaves for the next, in the raw bucket at `contracts.raw_zone.STATE_KEY`:

    {"state_version": 1, "updated_by_run": "<run id>",
     "recently_played_after": "1764...",          # Unix ms of the newest play read so far, or null
     "known_artist_ids": [...], "known_album_ids": [...],   # details fetched once, not again
     "known_track_ids": [...],                    # history tracks fetched in full (extract.history_tracks)
     "pending": [{"source": "...", "entity_id": "..."}],    # work a partial run left, done first next run
     "captures": [{"capture_id": "...", "manifest_key": "...", "taken_by": null}],  # not yet handed off
     "gaps": [{"source": "recently_played", "gap_from": "...", "gap_to": "...", "detected_by": "..."}],
     "known_isrcs": [...],                         # ISRCs MusicBrainz answered: never looked up again
     "isrcs_not_found": {"<ISRC>": "2026-11-24"}}  # ISRCs it did not know, and the day it was asked (extract.isrcs)

`captures` is the handoff ledger between the captures of recently played and the daily run (extract.capture):
a capture adds itself once its `_capture.json` is written; a daily run marks the captures it takes with its own
manifest's key (`taken_by`) before it writes that manifest, and drops them after. `gaps` keeps the latest
`GAPS_KEPT` gaps for the operator (every gap is also in a manifest). The object is private to the extraction
(the manifest is the contract downstream).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from contracts.manifest import PendingWork, PlayGap
from contracts.raw_zone import STATE_KEY, Source
from extract.raw_bucket import RawBucket

STATE_VERSION = 1
GAPS_KEPT = 100


class StateError(ValueError):
    """The state object is unreadable; the message names it and how to recover."""


@dataclass(frozen=True)
class CaptureHandoff:
    """A capture written and not yet handed off; `taken_by`: the manifest key of the daily run taking it."""

    capture_id: str
    manifest_key: str
    taken_by: str | None = None


@dataclass(frozen=True)
class ExtractState:
    recently_played_after: str | None = None
    known_artist_ids: frozenset[str] = frozenset()
    known_album_ids: frozenset[str] = frozenset()
    known_track_ids: frozenset[str] = frozenset()
    pending: tuple[PendingWork, ...] = ()
    captures: tuple[CaptureHandoff, ...] = ()
    gaps: tuple[PlayGap, ...] = ()
    updated_by_run: str | None = field(default=None, compare=False)
    known_isrcs: frozenset[str] = frozenset()
    isrcs_not_found: Mapping[str, str] = field(default_factory=dict, hash=False)

    def to_json(self) -> str:
        return json.dumps(
            {
                "state_version": STATE_VERSION,
                "updated_by_run": self.updated_by_run,
                "recently_played_after": self.recently_played_after,
                "known_artist_ids": sorted(self.known_artist_ids),
                "known_album_ids": sorted(self.known_album_ids),
                "known_track_ids": sorted(self.known_track_ids),
                "pending": [{"source": p.source, "entity_id": p.entity_id} for p in self.pending],
                "captures": [asdict(c) for c in self.captures],
                "gaps": [asdict(g) for g in self.gaps[-GAPS_KEPT:]],
                "known_isrcs": sorted(self.known_isrcs),
                "isrcs_not_found": dict(sorted(self.isrcs_not_found.items())),
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str, where: str = STATE_KEY) -> ExtractState:
        recovery = (
            "fix it, or delete it to start afresh (known ids are fetched again; nothing downstream duplicates; "
            "captures not yet handed off stay under spotify/captures/ and need a backfill)"
        )
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as error:
            raise StateError(f"state object {where} is not valid JSON ({error.msg}); {recovery}") from None
        if not isinstance(raw, dict) or raw.get("state_version") != STATE_VERSION:
            raise StateError(f"state object {where} is not state_version {STATE_VERSION}; {recovery}")
        try:
            after = raw.get("recently_played_after")
            pending = tuple(PendingWork(source=p["source"], entity_id=p.get("entity_id")) for p in raw["pending"])
            state = cls(
                recently_played_after=None if after is None else str(after),
                known_artist_ids=frozenset(str(i) for i in raw["known_artist_ids"]),
                known_album_ids=frozenset(str(i) for i in raw["known_album_ids"]),
                known_track_ids=frozenset(str(i) for i in raw.get("known_track_ids", [])),
                pending=pending,
                captures=tuple(CaptureHandoff(**c) for c in raw.get("captures", [])),
                gaps=tuple(PlayGap(**g) for g in raw.get("gaps", [])),
                updated_by_run=raw.get("updated_by_run"),
                # Absent from states written before the MusicBrainz enrichment: nothing looked up yet.
                known_isrcs=frozenset(str(i) for i in raw.get("known_isrcs", [])),
                isrcs_not_found={str(k): str(v) for k, v in raw.get("isrcs_not_found", {}).items()},
            )
        except (KeyError, TypeError, AttributeError) as error:
            raise StateError(f"state object {where} is missing or mistypes {error}; {recovery}") from None
        unknown = sorted({p.source for p in state.pending} - set(Source.ALL))
        if unknown:
            raise StateError(f"state object {where} has pending work of unknown source {unknown[0]!r}; {recovery}")
        return state


def load_state(bucket: RawBucket) -> ExtractState:
    """The state the last run left, or an empty one before the first run."""
    body = bucket.get(STATE_KEY)
    if body is None:
        return ExtractState()
    return ExtractState.from_json(body.decode("utf-8"), where=f"s3://{bucket.name}/{STATE_KEY}")


def save_state(bucket: RawBucket, state: ExtractState) -> None:
    bucket.put(STATE_KEY, state.to_json().encode("utf-8"), content_type="application/json")
