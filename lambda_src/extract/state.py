"""What one run leaves for the next, in the raw bucket at `contracts.raw_zone.STATE_KEY`:

    {"state_version": 1, "updated_by_run": "<run id>",
     "recently_played_after": "1764...",          # Unix ms of the newest play read so far, or null
     "known_artist_ids": [...], "known_album_ids": [...],   # details fetched once, not again
     "pending": [{"source": "...", "entity_id": "..."}]}    # work a partial run left, done first next run

The object is private to the extraction (the manifest is the contract downstream).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from contracts.manifest import PendingWork
from contracts.raw_zone import STATE_KEY, Source
from extract.raw_bucket import RawBucket

STATE_VERSION = 1


class StateError(ValueError):
    """The state object is unreadable; the message names it and how to recover."""


@dataclass(frozen=True)
class ExtractState:
    recently_played_after: str | None = None
    known_artist_ids: frozenset[str] = frozenset()
    known_album_ids: frozenset[str] = frozenset()
    pending: tuple[PendingWork, ...] = ()
    updated_by_run: str | None = field(default=None, compare=False)

    def to_json(self) -> str:
        return json.dumps(
            {
                "state_version": STATE_VERSION,
                "updated_by_run": self.updated_by_run,
                "recently_played_after": self.recently_played_after,
                "known_artist_ids": sorted(self.known_artist_ids),
                "known_album_ids": sorted(self.known_album_ids),
                "pending": [{"source": p.source, "entity_id": p.entity_id} for p in self.pending],
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str, where: str = STATE_KEY) -> ExtractState:
        recovery = "fix it, or delete it to start afresh (known ids are fetched again; nothing downstream duplicates)"
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
                pending=pending,
                updated_by_run=raw.get("updated_by_run"),
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
