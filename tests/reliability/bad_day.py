"""One bad day of the local pipeline, driven step by step: every fault of the matrix, each on its own endpoint,
entity or step, so that each fault's outcome can be checked on its own against the fault-free baseline of the
same day (tests/daily_runs.py). Run once per session (tests/reliability/conftest.py `bad_day`).

The day, in order (all on DAY_1, from an empty state, with the baseline's catalog):

1. crash: the extraction writes its pages, then S3 refuses the manifest PUT (s3_faults.S3FaultProxy); the
   handler process fails there.
2. partial run: the recently-played page stays malformed through every retry; playlist P is deleted (404 from
   now on); the first album detail gets a 429 whose Retry-After exceeds the time left, so the run stops, partial.
   Its manifest event is delivered twice: the job runs twice.
3. complete run: the configuration says extended mode while Spotify serves this app development mode (the
   February 2026 removals), so the batch and legacy endpoints answer 403 and the run falls back; one 429 with a
   short Retry-After, a burst of 503s, a slow answer past the request timeout, a dropped connection, and every
   access token expiring mid-run. Its job fails after writing part of its output (a storage fault on one
   dataset), then is retried. Finally one processed file is delivered to its pipe a second time.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from daily_runs import DAY_1, CoreRows, SpotifySecrets, core_rows, daily_config, landing_counts
from s3_faults import S3FaultProxy

from contracts.manifest import Manifest
from contracts.processed_zone import MODEL_FILE_SUFFIX, MODEL_PREFIX, PAGES_QUARANTINE, QUARANTINE_PREFIX
from contracts.raw_zone import MANIFEST_NAME, STATE_KEY, RunLocation, ingest_date_prefix
from local.events import ObjectCreated
from local.fake_spotify import FakeSpotify, FaultRule, LoggedRequest
from local.fake_spotify.catalog import Catalog, EntryKind, Relation
from local.glue_runner import JobRun, SparkJobRunner, TransformFailed
from local.pipeline import ExtractFailed, LocalPipeline, scheduled_event
from local.warehouse import LoadResult

# The job's output for this table is blocked by the storage fault of step 3.
BLOCKED_TABLE = "fact_play"


@dataclass
class Step:
    """What one extraction run left: its summary, manifest and requests, the faults it met, the state after it."""

    summary: dict[str, Any]
    manifest: Manifest
    requests: list[LoggedRequest]
    rules: dict[str, FaultRule]
    state: dict[str, Any] | None


@dataclass
class Crash:
    error: str
    refused_puts: list[str]
    raw_keys: list[str]
    transform_events: list[ObjectCreated]
    state: dict[str, Any] | None


@dataclass
class BadDay:
    deleted_playlist: str
    crash: Crash
    partial: Step
    partial_jobs: list[JobRun]
    core_after_first_job: CoreRows
    core_after_duplicate_job: CoreRows
    landing_after_first_job: dict[str, int]
    landing_after_duplicate_job: dict[str, int]
    complete: Step
    glue_error: str
    published_by_failed_attempt: list[str]
    loads_after_failure: list[LoadResult]
    core_after_failure: CoreRows
    retry: JobRun
    core_after_retry: CoreRows
    redelivered: list[LoadResult]
    core_final: CoreRows
    landing_before_redelivery: dict[str, int]
    landing_final: dict[str, int]
    quarantined_pages: list[dict[str, Any]]
    raw_keys_final: list[str]
    manifests_final: dict[str, Manifest]
    state_dir: Path
    log_file: Path
    secrets: SpotifySecrets = field(repr=False)


def confined_playlist(catalog: Catalog, day: date) -> str:
    """A playlist the user may read (owned or collaborative) each of whose tracks also reaches the day's data some
    other way (plays, saved tracks, top lists, another readable playlist): deleting it can then change nothing
    but its own items, which is what the deleted-playlist row checks."""
    state = catalog.state_on(day)
    readable = {
        playlist_id: {entry.ref for entry in playlist.entries if entry.kind == EntryKind.TRACK}
        for playlist_id, playlist in state.playlists.items()
        if playlist.playlist.relation in (Relation.OWNED, Relation.COLLABORATIVE)
    }
    elsewhere = {play.track_id for play in state.recent_plays} | {track for track, _ in state.saved_tracks}
    elsewhere |= {track for ranked in state.top_tracks.values() for track in ranked}
    for playlist_id, tracks in readable.items():
        others = set().union(*(t for other, t in readable.items() if other != playlist_id))
        if tracks and tracks <= elsewhere | others:
            return playlist_id
    raise AssertionError(f"no readable playlist on {day} has all its tracks elsewhere; choose another catalog size")


def _state(pipeline: LocalPipeline) -> dict[str, Any] | None:
    keys = list(pipeline.aws.iter_keys(pipeline.raw_bucket, STATE_KEY))
    if not keys:
        return None
    body = pipeline.aws.client("s3").get_object(Bucket=pipeline.raw_bucket, Key=STATE_KEY)["Body"].read()
    return json.loads(body)


def _extract(pipeline: LocalPipeline, event: dict[str, Any], rules: dict[str, FaultRule]) -> Step:
    spotify: FakeSpotify = pipeline.spotify
    spotify.reset_requests()
    summary = pipeline.invoke_extract(event)
    return Step(summary, pipeline.manifest(summary["manifest_key"]), spotify.requests, rules, _state(pipeline))


@contextmanager
def blocked_output(output_dir: Path, table: str) -> Iterator[None]:
    """A storage fault for one job attempt: as soon as the runner creates the attempt's output folder, a file
    takes the place of `table`'s dataset folder, so the job fails writing that dataset after writing others."""
    done = threading.Event()

    def block() -> None:
        while not done.is_set():
            if output_dir.is_dir():
                (output_dir / MODEL_PREFIX).mkdir(exist_ok=True)
                (output_dir / MODEL_PREFIX / table).write_text("a storage fault: not a folder", encoding="utf-8")
                return
            time.sleep(0.002)

    watcher = threading.Thread(target=block, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()


def _quarantined_pages(pipeline: LocalPipeline, run_id: str) -> list[dict[str, Any]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    s3, rows = pipeline.aws.client("s3"), []
    for key in pipeline.aws.iter_keys(pipeline.processed_bucket, f"{QUARANTINE_PREFIX}/{PAGES_QUARANTINE}/"):
        if f"/run_id={run_id}/" in key and key.endswith(MODEL_FILE_SUFFIX):
            body = s3.get_object(Bucket=pipeline.processed_bucket, Key=key)["Body"].read()
            rows += pq.read_table(pa.BufferReader(body)).to_pylist()
    return rows


def run_bad_day(state_dir: Path, spark_jobs: SparkJobRunner) -> BadDay:
    # Only timing differs from the baseline's configuration: a short request timeout and quick backoff.
    config = daily_config(request_timeout_seconds=1.0, backoff_base_seconds=0.05, backoff_cap_seconds=0.2)
    log = state_dir / "logs" / "bad-day.log"
    with LocalPipeline(config, state_dir, log, first_day=DAY_1, spark_jobs=spark_jobs) as pipeline:
        assert pipeline.events is not None
        spotify: FakeSpotify = pipeline.spotify
        secrets = SpotifySecrets(spotify.client_secret, spotify.refresh_token)
        event = scheduled_event(config, DAY_1)
        deleted = confined_playlist(spotify.catalog, DAY_1)

        # 1. S3 refuses the manifest: the handler fails after writing its pages.
        proxy = S3FaultProxy(pipeline.aws.endpoint, refuse_put=rf"/{MANIFEST_NAME}$")
        with proxy, pytest.MonkeyPatch.context() as env, pytest.raises(ExtractFailed) as crashed:
            env.setenv("AWS_ENDPOINT_URL_S3", proxy.url)
            pipeline.invoke_extract(event)
        crash = Crash(
            error=str(crashed.value),
            refused_puts=list(proxy.refused),
            raw_keys=list(pipeline.aws.iter_keys(pipeline.raw_bucket, ingest_date_prefix(DAY_1))),
            transform_events=pipeline.events.manifests_created(),
            state=_state(pipeline),
        )

        # 2. A malformed page, a deleted playlist, a Retry-After longer than the time left: a partial run.
        faults = spotify.faults
        partial_rules = {
            "malformed": faults.malformed_json(
                r"^/v1/me/player/recently-played$", times=config.extract.retry.max_attempts
            ),
            "deleted": faults.delete_playlist(deleted),
            "too_long": faults.rate_limit(r"^/v1/albums/", retry_after=3600, times=1),
        }
        partial = _extract(pipeline, event, partial_rules)
        # Its manifest event arrives twice (EventBridge delivers at least once): the job runs twice.
        (manifest_event,) = pipeline.events.manifests_created()
        partial_jobs = [pipeline.run_transform(manifest_event)]
        pipeline.run_pipes()
        core_after_first_job, landing_after_first_job = core_rows(pipeline), landing_counts(pipeline)
        partial_jobs.append(pipeline.run_transform(manifest_event))
        pipeline.run_pipes()
        core_after_duplicate_job, landing_after_duplicate_job = core_rows(pipeline), landing_counts(pipeline)

        # 3. Removed endpoints (extended mode configured, development mode served) and transient faults.
        complete_rules = {
            "short_429": faults.rate_limit(r"^/v1/me/top/tracks$", retry_after=1, times=1),
            "burst_503": faults.server_errors(r"^/v1/me/tracks$", status=503, times=3),
            "slow": faults.slow(r"^/v1/me/playlists$", delay_ms=1500, times=1),
            "dropped": faults.drop_connection(r"^/v1/me/top/artists$", times=1),
            "expiry": faults.expire_token_after(8),
            "deleted": partial_rules["deleted"],
        }
        pipeline.config = dataclasses.replace(config, extract=dataclasses.replace(config.extract, api_mode="extended"))
        try:
            complete = _extract(pipeline, event, complete_rules)
        finally:
            pipeline.config = config
        (manifest_event,) = pipeline.events.manifests_created()
        run_id = RunLocation.from_key(manifest_event.key).run_id
        # The job fails writing one dataset, after writing the others; then it is run again (a redrive).
        with (
            blocked_output(state_dir / "stage" / "processed" / run_id, BLOCKED_TABLE),
            pytest.raises(TransformFailed) as failed,
        ):
            pipeline.run_transform(manifest_event)
        published = sorted(
            key for key in pipeline.aws.iter_keys(pipeline.processed_bucket) if f"/run_id={run_id}/" in key
        )
        loads_after_failure = pipeline.run_pipes()
        core_after_failure = core_rows(pipeline)
        retry = pipeline.run_transform(manifest_event)
        pipeline.run_pipes()
        core_after_retry = core_rows(pipeline)

        # 4. S3 notifies the pipe of a processed file it already loaded (the same object written again).
        landing_before_redelivery = landing_counts(pipeline)
        again = next(key for key in retry.written_keys if key.startswith(f"{MODEL_PREFIX}/{BLOCKED_TABLE}/"))
        s3 = pipeline.aws.client("s3")
        body = s3.get_object(Bucket=pipeline.processed_bucket, Key=again)["Body"].read()
        s3.put_object(Bucket=pipeline.processed_bucket, Key=again, Body=body)
        redelivered = pipeline.run_pipes()

        raw_keys = list(pipeline.aws.iter_keys(pipeline.raw_bucket))
        manifests = {key: pipeline.manifest(key) for key in raw_keys if key.endswith(MANIFEST_NAME)}
        secrets.collect(pipeline)
        return BadDay(
            deleted_playlist=deleted,
            crash=crash,
            partial=partial,
            partial_jobs=partial_jobs,
            core_after_first_job=core_after_first_job,
            core_after_duplicate_job=core_after_duplicate_job,
            landing_after_first_job=landing_after_first_job,
            landing_after_duplicate_job=landing_after_duplicate_job,
            complete=complete,
            glue_error=str(failed.value),
            published_by_failed_attempt=published,
            loads_after_failure=loads_after_failure,
            core_after_failure=core_after_failure,
            retry=retry,
            core_after_retry=core_after_retry,
            redelivered=redelivered,
            core_final=core_rows(pipeline),
            landing_before_redelivery=landing_before_redelivery,
            landing_final=landing_counts(pipeline),
            quarantined_pages=_quarantined_pages(pipeline, partial.summary["run_id"]),
            raw_keys_final=raw_keys,
            manifests_final=manifests,
            state_dir=state_dir,
            log_file=log,
            secrets=secrets,
        )
