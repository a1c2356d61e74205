"""One extraction run: from the scheduled event to the raw pages, the manifest and the state for the next run.

Order of writes, and why nothing is lost or duplicated downstream:
1. Page files are uploaded while the run reads. They are inert: only a manifest starts a transform, and the
   transform reads exactly the files its manifest lists.
2. `_manifest.json` is written last of the run's objects. A run that fails before it writes no manifest:
   nothing downstream starts, its page files are never read, and the state is untouched, so the next run
   re-reads the same plays from the same cursor and fetches the same details again.
3. The state (recently-played cursor, known ids, pending work) is written after the manifest. A crash between
   the two leaves the previous state: the next run reads from the old cursor again, so plays already in this
   run's manifest arrive twice, and the transform deduplicates plays on (played_at, track); known ids are fetched
   again, which only rewrites the same dimension rows; pending work is done again, and it is snapshot lists and
   details, which replace or upsert. The cursor never moves past data no manifest holds.
A re-run of the same day gets a new run_id and prefix, and leaves earlier runs untouched. Two runs at the same
time would race on the state object: the function runs one at a time (reserved concurrency 1 in the stack).

Captures of recently played (`run_capture`, extract.capture) run in the same function between daily runs; a daily
run hands every capture not yet handed off to its transform, listing their files in its manifest (the order of
writes that makes this exactly-once is in extract.capture).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, replace
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from contracts.manifest import STATUS_COMPLETE, STATUS_PARTIAL, CaptureManifest, Manifest, NotFound, PendingWork
from contracts.raw_zone import ApiMode, RunLocation, Source, new_run_id
from extract import endpoints as ep
from extract.auth import ClientCredentialsAuth, RefreshTokenAuth, TokenEndpointUnavailable
from extract.capture import (
    CaptureNotConfigured,
    captured_state,
    enrichment_pending,
    new_capture_location,
    reserve,
    resolve_handoffs,
    take_captures,
)
from extract.credentials import CredentialsError, SecretsManagerTokenCache, read_app_credentials, read_user_token
from extract.enrichment import ALBUM, ARTIST, EntityRegistry
from extract.history_tracks import TrackDetails, imported_track_ids, tracks_to_fetch
from extract.isrcs import SOURCE as MUSICBRAINZ
from extract.isrcs import as_pending, due_isrcs, not_found_after, other_pending, pending_isrcs
from extract.ledger import RunLedger
from extract.musicbrainz import LookupResult, lookups_for
from extract.pacing import Pacing, RunStopped
from extract.raw_bucket import RawBucket, RawBucketUnreachable
from extract.raw_writer import RawWriter
from extract.reading import PageReader
from extract.requester import Requester, utc_timestamp
from extract.scheduler import Scheduler, Task
from extract.settings import ExtractSettings, SettingsError
from extract.sources import SourceTasks
from extract.state import ExtractState, StateError, load_state, save_state
from extract.transport import SpotifyTransport

log = logging.getLogger(__name__)

STATUS_FAILED = "failed"


class EventError(ValueError):
    """The invocation event is not one this function understands; the message says what to send."""


# Mistakes an operator fixes (a setting, a secret, the state object, the event, where AWS is): the run ends with one
# line.
OPERATOR_ERRORS = (SettingsError, CredentialsError, StateError, EventError, RawBucketUnreachable, CaptureNotConfigured)


def scheduled_time_of(event: Mapping[str, Any], now: datetime) -> datetime:
    """The scheduled time of the EventBridge event (UTC), or now without one."""
    scheduled = event.get("time") if isinstance(event, Mapping) else None
    if scheduled is None:
        return now.astimezone(UTC)
    try:
        return datetime.fromisoformat(str(scheduled)).astimezone(UTC)
    except ValueError:
        raise EventError(
            f"event field 'time' is {scheduled!r}, not an ISO 8601 time; invoke with the scheduled event or {{}}"
        ) from None


def ingest_date_of(event: Mapping[str, Any], now: datetime) -> date:
    """The day a run extracts for: the scheduled time of the EventBridge event, or today (UTC) without one."""
    return scheduled_time_of(event, now).date()


def needs_user_token(settings: ExtractSettings) -> bool:
    """User sources need it; so do playlist items in development mode (only `/items` serves them)."""
    return bool(settings.sources.user) or (
        settings.api_mode == ApiMode.DEVELOPMENT and bool(settings.sources.playlist_ids)
    )


def run_extraction(
    event: Mapping[str, Any],
    remaining_ms: Callable[[], int],
    settings: ExtractSettings | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> dict[str, Any]:
    """Run one extraction and return its summary; operator mistakes give a "failed" summary with one line.

    `settings` default to the function's environment (ExtractSettings.from_environment)."""
    try:
        return _run(settings or ExtractSettings.from_environment(), event, remaining_ms, now)
    except OPERATOR_ERRORS as error:
        log.error("extraction not run: %s", error)
        return {"status": STATUS_FAILED, "error": str(error)}


def _run(
    settings: ExtractSettings,
    event: Mapping[str, Any],
    remaining_ms: Callable[[], int],
    now: Callable[[], datetime],
) -> dict[str, Any]:
    started = now()
    location = RunLocation(
        ingest_date_of(event, started), new_run_id(started.strftime("%Y%m%dT%H%M%SZ"), secrets.token_hex(4))
    )
    bucket = RawBucket(settings.raw_bucket)
    state = load_state(bucket)
    auth_managers = _auth_managers(settings)
    pacing = _pacing(settings, remaining_ms)
    _check_tokens(auth_managers, settings, pacing)

    # Phase 1 of the handoff (extract.capture): the captures this run takes, marked with its manifest's key.
    handoffs = resolve_handoffs(bucket, state.captures)
    taken = take_captures(bucket, handoffs)
    if handoffs:
        save_state(bucket, replace(reserve(state, handoffs, location.manifest_key), updated_by_run=location.run_id))

    api_prefix_path = urlsplit(settings.api_url).path
    ledger = RunLedger()
    requester = _requester(settings, auth_managers, pacing, ledger, now)
    writer = RawWriter(bucket, location, settings.api_mode)
    registry = EntityRegistry(state.known_artist_ids, state.known_album_ids)
    reader = PageReader(requester, ledger, writer, registry)
    sources = SourceTasks(
        reader,
        settings.api_mode,
        settings.sources,
        state.recently_played_after,
        has_user_token=ep.USER in auth_managers,
        api_prefix_path=api_prefix_path,
        read_id=location.run_id,
    )
    log.info(
        "extraction %s for %s: %s mode, %d pending from the last run",
        location.run_id,
        location.ingest_date,
        settings.api_mode,
        len(state.pending),
    )
    # Tracks history imports named by id only (extract.history_tracks): a bounded number a run, with the lists.
    history_tracks = TrackDetails(reader, settings.api_mode)
    wanted_tracks = (
        tracks_to_fetch(imported_track_ids(bucket), state.known_track_ids) if settings.sources.enrich else []
    )
    spotify_state = replace(state, pending=other_pending(state.pending))
    pending = _extract(settings, sources, registry, spotify_state, pacing, history_tracks.tasks(wanted_tracks))
    recordings = _enrich_recordings(settings, state, registry, reader, ledger, pacing, location.ingest_date, now)
    files = writer.close()

    manifest = Manifest(
        run_id=location.run_id,
        ingest_date=location.ingest_date.isoformat(),
        started_at=utc_timestamp(started),
        finished_at=utc_timestamp(now()),
        status=STATUS_PARTIAL if pacing.stopped else STATUS_COMPLETE,
        api_mode=settings.api_mode,
        files=sorted([*files, *taken.files], key=lambda f: f.key),
        calls=ledger.calls,
        min_calls=ledger.min_calls,
        cursors={"recently_played_after": sources.recently_played_after} if sources.recently_played_after else {},
        errors=[*ledger.errors, *taken.errors],
        fallbacks=ledger.fallbacks,
        pending=[*pending, *as_pending(recordings.pending)],
        captures=taken.refs,
        gaps=[*taken.gaps, *sources.gaps],
        not_found=[NotFound(MUSICBRAINZ, isrc) for isrc in recordings.not_found],
    )
    bucket.put(location.manifest_key, manifest.to_json().encode("utf-8"), content_type="application/json")
    # Phase 2: the captures taken leave the ledger with the state the manifest's run leaves.
    save_state(
        bucket,
        ExtractState(
            recently_played_after=sources.recently_played_after,
            known_artist_ids=registry.known_after_run(ARTIST),
            known_album_ids=registry.known_after_run(ALBUM),
            known_track_ids=state.known_track_ids | history_tracks.fetched,
            pending=tuple(dict.fromkeys([*pending, *reader.retry_next_run, *as_pending(recordings.pending)])),
            gaps=(*state.gaps, *sources.gaps),
            updated_by_run=location.run_id,
            known_isrcs=state.known_isrcs | frozenset(recordings.found),
            isrcs_not_found=not_found_after(
                state.isrcs_not_found,
                recordings.found,
                [*recordings.not_found, *recordings.refused],
                location.ingest_date,
            ),
        ),
    )
    _log_outcome(manifest, ledger, pacing)
    return {**_summary(location, manifest, ledger, pacing), "musicbrainz": recordings.summary()}


def run_capture(
    event: Mapping[str, Any],
    remaining_ms: Callable[[], int],
    settings: ExtractSettings | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> dict[str, Any]:
    """Capture recently played since the cursor (extract.capture) and return the capture's summary; operator
    mistakes give a "failed" summary with one line, as for a daily run."""
    try:
        return _capture(settings or ExtractSettings.from_environment(), event, remaining_ms, now)
    except OPERATOR_ERRORS as error:
        log.error("capture not run: %s", error)
        return {"status": STATUS_FAILED, "error": str(error)}


def _capture(
    settings: ExtractSettings, event: Mapping[str, Any], remaining_ms: Callable[[], int], now: Callable[[], datetime]
) -> dict[str, Any]:
    if Source.RECENTLY_PLAYED not in settings.sources.user:
        raise CaptureNotConfigured(
            "a capture reads recently played, which [sources] user does not select; add recently_played to it "
            "or turn captures off ([capture] enabled = false in config/pipeline.toml) and redeploy"
        )
    started = now()
    location = new_capture_location(scheduled_time_of(event, started))
    bucket = RawBucket(settings.raw_bucket)
    state = load_state(bucket)
    auth_managers = _auth_managers(settings)
    pacing = _pacing(settings, remaining_ms)
    _check_tokens({ep.USER: auth_managers[ep.USER]}, settings, pacing)
    ledger = RunLedger()
    writer = RawWriter(bucket, location, settings.api_mode)
    registry = EntityRegistry(state.known_artist_ids, state.known_album_ids)
    reader = PageReader(_requester(settings, auth_managers, pacing, ledger, now), ledger, writer, registry)
    sources = SourceTasks(
        reader,
        settings.api_mode,
        settings.sources,
        state.recently_played_after,
        has_user_token=True,
        api_prefix_path=urlsplit(settings.api_url).path,
        read_id=location.capture_id,
    )
    try:
        sources.recently_played().work()
    except RunStopped as stopped:
        # Nothing is kept: no manifest, no state; the next capture (or the daily run) reads the same plays again.
        log.warning("capture %s stopped (%s); the next read starts from the same cursor", location.capture_id, stopped)
        return {"capture_id": location.capture_id, "status": STATUS_PARTIAL, "stop_reason": pacing.stop_reason}
    files = writer.close()
    manifest = CaptureManifest(
        capture_id=location.capture_id,
        capture_date=location.capture_date.isoformat(),
        started_at=utc_timestamp(started),
        finished_at=utc_timestamp(now()),
        api_mode=settings.api_mode,
        files=files,
        calls=ledger.calls,
        min_calls=ledger.min_calls,
        cursors={"recently_played_after": sources.recently_played_after} if sources.recently_played_after else {},
        errors=ledger.errors,
        gaps=sources.gaps,
    )
    bucket.put(location.manifest_key, manifest.to_json().encode("utf-8"), content_type="application/json")
    enrich = settings.sources.enrich
    pending = enrichment_pending(
        state, frozenset(registry.claim(ARTIST, (), enrich)), frozenset(registry.claim(ALBUM, (), enrich))
    )
    if settings.musicbrainz.enabled:  # a capture makes no lookups: the next daily run does them
        due = due_isrcs(
            registry.seen_isrcs(),
            state.known_isrcs,
            state.isrcs_not_found,
            location.capture_date,
            settings.musicbrainz.retry_not_found_after_days,
        )
        pending = tuple(dict.fromkeys([*pending, *as_pending(due)]))
    save_state(bucket, captured_state(state, location, sources.recently_played_after, sources.gaps, pending))
    log.info(
        "capture %s: %d page(s), %d API call(s), %d gap(s), cursor %s",
        location.capture_id,
        manifest_pages(manifest),
        sum(ledger.calls.values()),
        len(sources.gaps),
        sources.recently_played_after,
    )
    return {
        "capture_id": location.capture_id,
        "capture_date": manifest.capture_date,
        "status": STATUS_COMPLETE,
        "manifest_key": location.manifest_key,
        "files": [f.key for f in files],
        "pages": manifest_pages(manifest),
        "calls": manifest.calls,
        "min_calls": manifest.min_calls,
        "cursors": manifest.cursors,
        "errors": [asdict(e) for e in manifest.errors],
        "errors_count": len(manifest.errors),
        "gaps": [asdict(g) for g in manifest.gaps],
    }


def manifest_pages(manifest: Manifest | CaptureManifest) -> int:
    return sum(f.lines for f in manifest.files)


def _pacing(settings: ExtractSettings, remaining_ms: Callable[[], int]) -> Pacing:
    return Pacing(
        remaining_ms,
        settings.budget_margin_seconds,
        settings.retry.backoff_base_seconds,
        settings.retry.backoff_cap_seconds,
    )


def _requester(
    settings: ExtractSettings,
    auth_managers: Mapping[str, Any],
    pacing: Pacing,
    ledger: RunLedger,
    now: Callable[[], datetime],
) -> Requester:
    return Requester(
        SpotifyTransport(settings.api_url, settings.retry.request_timeout_seconds, auth_managers),
        settings.retry,
        pacing,
        ledger,
        urlsplit(settings.api_url).path,
        now,
    )


def _auth_managers(settings: ExtractSettings) -> dict[str, Any]:
    """Auth managers for the tokens this run needs; reading their secrets fails fast with one line each."""
    app = read_app_credentials(settings.client_secret_id)
    timeout = settings.retry.request_timeout_seconds
    managers: dict[str, Any] = {
        ep.APP: ClientCredentialsAuth(app, settings.client_secret_id, settings.token_url, timeout)
    }
    if needs_user_token(settings):
        scope = ep.required_scope(tuple(s for s in settings.sources.user if s in ep.USER_SOURCE_SCOPES))
        token_info = read_user_token(settings.user_token_secret_id, scope)
        cache = SecretsManagerTokenCache(settings.user_token_secret_id, token_info)
        managers[ep.USER] = RefreshTokenAuth(app, cache, scope, settings.token_url, timeout)
    return managers


def _check_tokens(auth_managers: Mapping[str, Any], settings: ExtractSettings, pacing: Pacing) -> None:
    """Get each token before any page is read, so refused credentials stop the run before it writes anything.
    (Free: a daily run's cached user token has expired, and the app token is needed by the first call anyway.)"""
    for manager in auth_managers.values():
        for attempt in range(1, settings.retry.max_attempts + 1):
            try:
                manager.get_access_token()
                break
            except TokenEndpointUnavailable:
                if attempt == settings.retry.max_attempts:
                    raise
                pacing.back_off(attempt)


def _extract(
    settings: ExtractSettings,
    sources: SourceTasks,
    registry: EntityRegistry,
    state: ExtractState,
    pacing: Pacing,
    history_track_tasks: Sequence[Task] = (),
) -> list[PendingWork]:
    """Lists first (pending work of the last run ahead, then the history tracks), then album details (their
    artists are seen), then artist details: batches fill up only once every id is known."""
    selection = settings.sources
    resumed_tasks, resumed_albums, resumed_artists = sources.resumed(state.pending)
    pending: list[PendingWork] = []
    with ThreadPoolExecutor(max_workers=settings.concurrency, thread_name_prefix="extract") as pool:
        scheduler = Scheduler(pool, settings.concurrency, pacing)
        # A history track left undone is still wanted by the next run (extract.history_tracks): not pending work.
        pending += [
            work
            for work in scheduler.run([*resumed_tasks, *sources.planned(), *history_track_tasks])
            if work.source != Source.TRACKS
        ]
        for kind, always, tasks_for in (
            (ALBUM, [*resumed_albums, *selection.album_ids], sources.details.album_tasks),
            (ARTIST, [*resumed_artists, *selection.artist_ids], sources.details.artist_tasks),
        ):
            claimed = registry.claim(kind, always, selection.enrich)
            source = Source.ALBUMS if kind == ALBUM else Source.ARTISTS
            if pacing.stopped:
                pending += [PendingWork(source, entity_id) for entity_id in claimed]
            else:
                pending += scheduler.run(tasks_for(claimed))
    return list(dict.fromkeys(pending))


def _enrich_recordings(
    settings: ExtractSettings,
    state: ExtractState,
    registry: EntityRegistry,
    reader: PageReader,
    ledger: RunLedger,
    pacing: Pacing,
    today: date,
    now: Callable[[], datetime],
) -> LookupResult:
    """The MusicBrainz lookups of this run (extract.musicbrainz), after the Spotify reading: the ISRCs a previous
    run or capture left first, then those this run saw for the first time; within the enrichment's own budget and
    the Lambda's time left. Switched off, the pending lookups wait (none is dropped)."""
    musicbrainz = settings.musicbrainz
    left = pending_isrcs(state.pending)
    if not musicbrainz.enabled:
        return LookupResult(pending=left)
    isrcs = list(
        dict.fromkeys(
            [
                *left,
                *due_isrcs(
                    registry.seen_isrcs(),
                    state.known_isrcs,
                    state.isrcs_not_found,
                    today,
                    musicbrainz.retry_not_found_after_days,
                ),
            ]
        )
    )
    if not isrcs:
        return LookupResult()
    if pacing.stopped:
        return LookupResult(due=len(isrcs), pending=isrcs, stop_reason=pacing.stop_reason)
    lookups = lookups_for(musicbrainz, settings.musicbrainz_url, settings.retry, reader.keep, ledger, now)
    seconds = min(float(musicbrainz.time_budget_seconds), pacing.seconds_left())
    result = lookups.run(isrcs, seconds)
    log.info(
        "MusicBrainz: %d ISRC(s) due, %d found, %d not found, %d pending",
        result.due,
        len(result.found),
        len(result.not_found),
        len(result.pending),
    )
    return result


def _log_outcome(manifest: Manifest, ledger: RunLedger, pacing: Pacing) -> None:
    skipped = ledger.skipped
    if skipped:
        reasons = sorted({s["reason"] or "" for s in skipped})
        log.info("skipped %d entities without a call: %s", len(skipped), "; ".join(reasons))
    if pacing.stopped:
        log.warning(
            "run stopped early (%s): %d pages kept, %d items pending for the next run",
            pacing.stop_reason,
            manifest.total_lines,
            len(manifest.pending),
        )
    log.info(
        "extraction %s %s: %d pages in %d files, %d API calls (minimum %d), %d entity errors",
        manifest.run_id,
        manifest.status,
        manifest.total_lines,
        len(manifest.files),
        sum(manifest.calls.values()),
        sum(manifest.min_calls.values()),
        len(manifest.errors),
    )


def _summary(location: RunLocation, manifest: Manifest, ledger: RunLedger, pacing: Pacing) -> dict[str, Any]:
    return {
        "run_id": manifest.run_id,
        "ingest_date": manifest.ingest_date,
        "status": manifest.status,
        "manifest_key": location.manifest_key,
        "files": [f.key for f in manifest.files],
        "pages": manifest.total_lines,
        "calls": manifest.calls,
        "min_calls": manifest.min_calls,
        "cursors": manifest.cursors,
        "errors": [asdict(e) for e in manifest.errors],
        "errors_count": len(manifest.errors),
        "captures": [c.capture_id for c in manifest.captures],
        "gaps": [asdict(g) for g in manifest.gaps],
        "fallbacks": [asdict(f) for f in manifest.fallbacks],
        "pending": [asdict(p) for p in manifest.pending],
        "skipped": ledger.skipped,
        "stop_reason": pacing.stop_reason,
    }
