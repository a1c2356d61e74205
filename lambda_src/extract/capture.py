"""Captures of recently played between daily runs, and their handoff to the daily run's transform.

The API keeps only the latest 50 plays, so a day with more plays than that loses the oldest ones to a daily read.
A capture (its own EventBridge schedule, `[capture]` in config/pipeline.toml, the same function) reads recently
played from the shared cursor, nothing else: one call, two when more than a page is new. It writes its pages and
a `_capture.json` under `spotify/captures/` (contracts/raw_zone.py), which starts no transform, then the state:
the cursor moves on and the capture joins the handoff ledger (`ExtractState.captures`).

Exactly once, from capture to transform:
- A capture that fails before its state is written leaves the cursor where it was: the next capture or daily run
  reads the same plays again, and the failed capture's files are never listed anywhere (inert, like a failed
  run's). Only a capture in the ledger is ever handed off, and it is in the ledger once.
- A daily run takes every capture of the ledger. Before it writes its manifest it marks them `taken_by` its own
  manifest key (phase 1); after the manifest it drops them (phase 2). A run that fails between the two leaves
  them marked: the next run checks whether that manifest exists (`resolve_handoffs`). If it does, they were
  handed off and are dropped; if not, they are taken again. So each capture is listed in exactly one manifest.
- Captures and daily runs never overlap: they are invocations of one function with reserved concurrency 1, so
  the state is read and written by one of them at a time (an invocation that arrives meanwhile is throttled and
  retried by Lambda's asynchronous queue).
- The transform reads the files its manifest lists, once. A play read twice anyway (a crash between a manifest and
  the state leaves the old cursor, as for a daily run) is one row: fact_play is keyed by (played_at, track_id).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from contracts.manifest import (
    CaptureManifest,
    CaptureRef,
    EntityError,
    ManifestError,
    ManifestFile,
    PendingWork,
    PlayGap,
)
from contracts.raw_zone import CaptureLocation, Source, new_run_id
from extract.raw_bucket import RawBucket
from extract.state import CaptureHandoff, ExtractState

log = logging.getLogger(__name__)

CAPTURE_ACTION = "capture_recently_played"


class CaptureNotConfigured(ValueError):
    """A capture was invoked for a deployment that does not read recently played; the message says what to do."""


def capture_event(scheduled_time: str) -> dict[str, str]:
    """The event the capture schedule delivers (the stack's target input; the local runtime sends the same)."""
    return {"action": CAPTURE_ACTION, "time": scheduled_time}


def is_capture_event(event: Mapping[str, Any] | None) -> bool:
    return isinstance(event, Mapping) and event.get("action") == CAPTURE_ACTION


def new_capture_location(started: datetime) -> CaptureLocation:
    return CaptureLocation(
        started.astimezone(UTC).date(), new_run_id(started.strftime("%Y%m%dT%H%M%SZ"), secrets.token_hex(4))
    )


# -- the daily run's side: taking the captures ------------------------------------------------------------------
@dataclass
class TakenCaptures:
    """What a daily run hands to the transform from the captures: their files, references, gaps, problems."""

    refs: list[CaptureRef] = field(default_factory=list)
    files: list[ManifestFile] = field(default_factory=list)
    gaps: list[PlayGap] = field(default_factory=list)
    errors: list[EntityError] = field(default_factory=list)


def resolve_handoffs(bucket: RawBucket, captures: tuple[CaptureHandoff, ...]) -> tuple[CaptureHandoff, ...]:
    """The captures still to hand off: a capture marked by a run whose manifest exists was handed off by it."""
    still = []
    for capture in captures:
        if capture.taken_by is not None and bucket.get(capture.taken_by) is not None:
            log.info(
                "capture %s was handed off by %s (its state was not updated)", capture.capture_id, capture.taken_by
            )
            continue
        still.append(replace(capture, taken_by=None))
    return tuple(still)


def take_captures(bucket: RawBucket, captures: tuple[CaptureHandoff, ...]) -> TakenCaptures:
    """Read each capture's manifest. One that is missing or unreadable (deleted or edited by hand) is reported
    against the capture in the run's manifest, not taken, and not retried: the run goes on."""
    taken = TakenCaptures()
    for capture in captures:
        problem = None
        body = bucket.get(capture.manifest_key)
        if body is None:
            problem = f"capture manifest {capture.manifest_key} is missing; its plays need a backfill"
        else:
            try:
                manifest = CaptureManifest.from_json(body.decode("utf-8"), where=capture.manifest_key)
            except (ManifestError, UnicodeDecodeError) as error:
                problem = f"{error}; its plays need a backfill"
        if problem is not None:
            log.error("capture %s not handed off: %s", capture.capture_id, problem)
            taken.errors.append(EntityError(Source.RECENTLY_PLAYED, capture.capture_id, None, problem))
            continue
        taken.refs.append(CaptureRef(capture.capture_id, capture.manifest_key))
        taken.files += manifest.files
        taken.gaps += manifest.gaps
        taken.errors += manifest.errors
    return taken


def reserve(state: ExtractState, captures: tuple[CaptureHandoff, ...], manifest_key: str) -> ExtractState:
    """Phase 1: the state with every capture marked as taken by the manifest at `manifest_key`."""
    return replace(state, captures=tuple(replace(c, taken_by=manifest_key) for c in captures))


# -- the capture's side ------------------------------------------------------------------------------------------
def enrichment_pending(
    state: ExtractState, artist_ids: frozenset[str], album_ids: frozenset[str]
) -> tuple[PendingWork, ...]:
    """The state's pending work plus the details of the artists and albums a capture saw for the first time: the
    next daily run fetches them (a capture makes no detail calls)."""
    new = [PendingWork(Source.ALBUMS, i) for i in sorted(album_ids - state.known_album_ids)]
    new += [PendingWork(Source.ARTISTS, i) for i in sorted(artist_ids - state.known_artist_ids)]
    return tuple(dict.fromkeys([*state.pending, *new]))


def captured_state(
    state: ExtractState,
    location: CaptureLocation,
    cursor: str | None,
    gaps: list[PlayGap],
    pending: tuple[PendingWork, ...],
) -> ExtractState:
    return replace(
        state,
        recently_played_after=cursor,
        pending=pending,
        captures=(*state.captures, CaptureHandoff(location.capture_id, location.manifest_key)),
        gaps=(*state.gaps, *gaps),
        updated_by_run=location.capture_id,
    )
