"""The local pipeline: every stage on its emulator, wired by real events, one daily run at a time.

    capture schedule, every [capture] every_minutes of the day -> the same handler (one warm process) -> raw captures
    schedule fires -> extraction handler (own process, Spotify then MusicBrainz) -> raw bucket (moto) -> manifest event
    -> Glue job script on local Spark (staged) -> processed bucket (moto) -> per-table S3 notification
    -> that table's pipe COPY on the local warehouse (fakesnow) -> merge into the final tables

The clock is simulated: for each capture the fake Spotify answers as of the capture's scheduled moment, then the
daily run reads as of the end of the day (the fake's day), so a day's captures take seconds, not a day.

`LocalPipeline` is what `make run` drives (local/run.py) and what the end-to-end tests drive, so a test can reach
the fake Spotify server (faults) and the warehouse (assertions) of the very runtime users run.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from config import PipelineConfig
from contracts.manifest import Manifest
from extract import service
from local.aws import LocalAws
from local.events import EventWiring, ObjectCreated
from local.glue_runner import JobRun, SparkJobRunner, run_transform_job

REPO_ROOT = Path(__file__).resolve().parents[1]

StageReporter = Callable[[str, str], Any]


class ExtractFailed(RuntimeError):
    """The extraction handler failed; the message carries its error and where the full log is."""


@dataclass
class StageTiming:
    name: str
    seconds: float
    detail: str = ""


@dataclass
class DayResult:
    day: date
    captures: list[dict[str, Any]] = field(default_factory=list)  # each capture's summary, in order
    extract: dict[str, Any] = field(default_factory=dict)
    jobs: list[JobRun] = field(default_factory=list)
    loads: list[Any] = field(default_factory=list)
    stages: list[StageTiming] = field(default_factory=list)

    @property
    def rows_loaded(self) -> int:
        return sum(getattr(load, "rows_loaded", 0) for load in self.loads)


def scheduled_event(config: PipelineConfig, day: date) -> dict[str, Any]:
    """The event an EventBridge schedule delivers, for the configured time of `day` (UTC)."""
    hour = int(config.schedule.hour) if config.schedule.hour.isdigit() else 0
    minute = int(config.schedule.minute) if config.schedule.minute.isdigit() else 0
    return {
        "version": "0",
        "id": f"local-{day.isoformat()}",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": config.account,
        "time": f"{day.isoformat()}T{hour:02d}:{minute:02d}:00Z",
        "region": config.region,
        "resources": [f"arn:aws:events:{config.region}:{config.account}:rule/{config.project}-{config.env}-daily"],
        "detail": {},
    }


def _musicbrainz_detail(lookups: dict[str, Any] | None) -> str:
    """What the run's MusicBrainz lookups did, for the extract stage's line (nothing when they are off)."""
    if not lookups or not lookups.get("due"):
        return ""
    return (
        f", MusicBrainz: {lookups['due']} new ISRC(s), {lookups['found']} found, {lookups['not_found']} not found"
        + (f", {lookups['pending']} left for the next run" if lookups.get("pending") else "")
    )


def capture_moments(config: PipelineConfig, day: date) -> list[datetime]:
    """The moments of `day` the capture schedule fires at (`config.capture_times`), none when captures are off."""
    return [datetime.combine(day, moment, UTC) for moment in config.capture_times] if config.captures_on else []


class WarmFunction:
    """The extraction function kept warm between invocations, as Lambda does (`local.lambda_invoke --warm`)."""

    def __init__(self, env: dict[str, str], timeout_seconds: int, log_file: Path) -> None:
        self._log = log_file.open("a", encoding="utf-8")
        command = [sys.executable, "-m", "local.lambda_invoke", "--warm", service.HANDLER, str(timeout_seconds)]
        self._process = subprocess.Popen(  # noqa: S603
            command, env=env, cwd=REPO_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, text=True
        )

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(json.dumps(event) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise ExtractFailed(f"the warm extraction process died; see {self._log.name}")
        return json.loads(line)

    def stop(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._log.close()


class LocalPipeline:
    def __init__(
        self,
        config: PipelineConfig,
        state_dir: Path,
        log_file: Path,
        first_day: date,
        on_stage: StageReporter | None = None,
        spark_jobs: SparkJobRunner | None = None,
    ) -> None:
        """`spark_jobs`: a warm Spark worker the caller owns and stops (the tests share one across pipelines);
        by default the pipeline starts its own and stops it on exit."""
        self.config = config
        self.state_dir = state_dir
        self.log_file = log_file
        self.first_day = first_day
        self.on_stage = on_stage
        self.raw_bucket = config.bucket_name("raw")
        self.processed_bucket = config.bucket_name("processed")
        self.aws = LocalAws(state_dir, region=config.region or "us-east-1", account=config.account or "123456789012")
        self.spotify: Any = None
        self.musicbrainz: Any = None
        self.warehouse: Any = None
        self.events: EventWiring | None = None
        self._capture_function: WarmFunction | None = None
        self._owns_spark_jobs = spark_jobs is None
        self.spark_jobs = spark_jobs or SparkJobRunner(log_file, state_dir / "tmp")
        self.startup_seconds = 0.0

    # -- life cycle -------------------------------------------------------------------------------------------
    def __enter__(self) -> LocalPipeline:
        started = time.perf_counter()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        self._log_handler = logging.FileHandler(self.log_file, encoding="utf-8")
        logging.getLogger().addHandler(self._log_handler)
        logging.getLogger().setLevel(logging.INFO)
        # One line per emulated HTTP request drowns what matters in the log.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self.startup_seconds = time.perf_counter() - started
        return self

    def _start(self) -> None:
        from local.fake_musicbrainz import FakeMusicBrainz
        from local.fake_spotify import FakeSpotify
        from local.warehouse import LocalWarehouse, local_variables

        self.spark_jobs.start()
        self.aws.start()
        for bucket in (self.raw_bucket, self.processed_bucket):
            self.aws.load_bucket(bucket)
        self.spotify = FakeSpotify(
            seed=self.config.local.fake_spotify_seed,
            size=self.config.local.fake_spotify_size,
            mode=self.config.extract.api_mode,
            day=self.first_day,
        ).start()
        # The fake MusicBrainz knows the fake Spotify's recordings, and holds the run to [musicbrainz]'s interval.
        self.musicbrainz = FakeMusicBrainz(
            self.spotify.catalog, min_interval_seconds=self.config.musicbrainz.min_interval_seconds
        ).start()
        self.aws.load_secrets(
            {
                self.config.secret_name("client"): {
                    "client_id": self.spotify.client_id,
                    "client_secret": self.spotify.client_secret,
                },
                self.config.secret_name("user_token"): {
                    "refresh_token": self.spotify.refresh_token,
                    "scope": self.spotify.user_scope,
                },
            }
        )
        self.events = EventWiring(self.aws, self.raw_bucket, self.processed_bucket)
        self.events.install()
        self.warehouse = LocalWarehouse(
            db_dir=self.state_dir / "warehouse",
            stage_root=self.aws.bucket_dir(self.processed_bucket),
            config=self.config,
            variables=local_variables(self.config, self.processed_bucket, self.aws.account, self.aws.region),
        )
        self.warehouse.apply()

    def __exit__(self, *exc: object) -> None:
        try:
            if self.aws.endpoint:
                self.aws.save_secrets([self.config.secret_name("client"), self.config.secret_name("user_token")])
                for bucket in (self.raw_bucket, self.processed_bucket):
                    self.aws.save_bucket(bucket)
        finally:
            if self._capture_function is not None:
                self._capture_function.stop()
            if self._owns_spark_jobs:
                self.spark_jobs.stop()
            if self.warehouse is not None:
                self.warehouse.close()
            if self.spotify is not None:
                self.spotify.stop()
            if self.musicbrainz is not None:
                self.musicbrainz.stop()
            self.aws.stop()
            logging.getLogger().removeHandler(self._log_handler)
            self._log_handler.close()

    @contextmanager
    def _stage(self, result: DayResult, name: str) -> Iterator[StageTiming]:
        timing = StageTiming(name, 0.0)
        if self.on_stage:
            self.on_stage(name, "start")
        started = time.perf_counter()
        try:
            yield timing
        finally:
            timing.seconds = time.perf_counter() - started
            result.stages.append(timing)
            if self.on_stage:
                self.on_stage(name, timing.detail)

    # -- one day ----------------------------------------------------------------------------------------------
    def run_day(self, day: date) -> DayResult:
        result = DayResult(day)
        moments = capture_moments(self.config, day)
        if moments:
            with self._stage(result, "capture") as stage:
                result.captures = [self.capture(moment) for moment in moments]
                calls = sum(sum(c.get("calls", {}).values()) for c in result.captures)
                gaps = sum(len(c.get("gaps", [])) for c in result.captures)
                stage.detail = f"{len(result.captures)} captures of recently played, {calls} API calls, {gaps} gap(s)"
        self.spotify.set_day(day)
        with self._stage(result, "extract") as stage:
            result.extract = self.invoke_extract(scheduled_event(self.config, day))
            extract = result.extract
            stage.detail = (
                f"{extract.get('status', '?')}, {sum(extract.get('calls', {}).values())} API calls, "
                f"{len(extract.get('files', []))} raw files, {extract.get('errors_count', 0)} entity errors"
                + (f", {len(extract.get('captures', []))} captures handed off" if moments else "")
                + f", {len(extract.get('gaps', []))} play gap(s)"
                + _musicbrainz_detail(extract.get("musicbrainz"))
            )
        with self._stage(result, "transform") as stage:
            result.jobs = self.run_transforms()
            rows = sum(t.get("output", 0) for job in result.jobs for t in job.report.get("tables", {}).values())
            quarantined = sum(
                t.get("quarantined", 0) for job in result.jobs for t in job.report.get("tables", {}).values()
            )
            stage.detail = f"{len(result.jobs)} job run(s), {rows} rows, {quarantined} quarantined"
        with self._stage(result, "load") as stage:
            result.loads = self.run_pipes()
            stage.detail = f"{len(result.loads)} file(s) through the pipes, {result.rows_loaded} rows"
        return result

    def capture(self, moment: datetime) -> dict[str, Any]:
        """One capture of recently played at `moment` (the capture schedule's event), the fake answering as of it."""
        from extract.capture import capture_event

        self.spotify.set_moment(moment)
        if self._capture_function is None:
            self._capture_function = WarmFunction(
                self._function_environment(), self.config.extract.lambda_timeout_seconds, self.log_file
            )
        outcome = self._capture_function.invoke(capture_event(moment.strftime("%Y-%m-%dT%H:%M:%SZ")))
        return self._summary(outcome, "capture")

    def _function_environment(self) -> dict[str, str]:
        """The extraction function's environment as the stack deploys it, pointed at the emulators."""
        from extract.settings import ENV_API_URL, ENV_MUSICBRAINZ_URL, ENV_TOKEN_URL, environment_from_config

        return {
            **os.environ,
            **self.aws.environment(),
            **environment_from_config(
                self.config,
                raw_bucket=self.raw_bucket,
                client_secret_id=self.config.secret_name("client"),
                user_token_secret_id=self.config.secret_name("user_token"),
            ),
            ENV_API_URL: self.spotify.api_url,
            ENV_TOKEN_URL: self.spotify.token_url,
            ENV_MUSICBRAINZ_URL: self.musicbrainz.ws_url,
            "POWERTOOLS_SERVICE_NAME": service.SERVICE,
            "POWERTOOLS_METRICS_NAMESPACE": service.NAMESPACE,
            "POWERTOOLS_TRACE_DISABLED": "true",
            "AWS_LAMBDA_FUNCTION_NAME": f"{self.config.project}-{self.config.env}-extract",
        }

    def invoke_extract(self, event: dict[str, Any]) -> dict[str, Any]:
        """Run the extraction handler in its own process, as Lambda does, with the deployed environment."""
        outcome = self.invoke_function(
            service.HANDLER,
            event,
            self._function_environment(),
            self.config.extract.lambda_timeout_seconds,
            what="extraction",
            log_line=f"extract {event['time']}",
        )
        return self._summary(outcome, "extraction")

    def invoke_function(
        self, handler: str, event: dict[str, Any], env: dict[str, str], timeout_seconds: int, what: str, log_line: str
    ) -> dict[str, Any]:
        """Run `handler` on `event` in a process of its own (`local.lambda_invoke`), as Lambda runs a function, with
        `env` as its environment; its outcome, `{"ok": true, "result": ...}` or `{"ok": false, "error": ...}`."""
        work = self.state_dir / "tmp"
        work.mkdir(parents=True, exist_ok=True)
        name = what.replace(" ", "-")
        event_file, result_file = work / f"{name}-event.json", work / f"{name}-result.json"
        event_file.write_text(json.dumps(event), encoding="utf-8")
        result_file.unlink(missing_ok=True)
        command = [
            sys.executable,
            "-m",
            "local.lambda_invoke",
            handler,
            str(event_file),
            str(result_file),
            str(timeout_seconds),
        ]
        with self.log_file.open("a", encoding="utf-8") as log:
            log.write(f"\n=== {time.strftime('%H:%M:%S')} {log_line}\n")
            log.flush()
            subprocess.run(command, env=env, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, check=False)  # noqa: S603
        if not result_file.exists():
            raise ExtractFailed(f"the {what} process died without a result; see {self.log_file}")
        return json.loads(result_file.read_text(encoding="utf-8"))

    def _summary(self, outcome: dict[str, Any], what: str) -> dict[str, Any]:
        if not outcome["ok"]:
            raise ExtractFailed(f"the {what} failed: {outcome['error']} (full log: {self.log_file})")
        summary = outcome["result"]
        # Operator mistakes (a missing secret, a bad setting) end the run cleanly with one line and no manifest.
        if summary.get("status") == "failed":
            raise ExtractFailed(f"the {what} stopped: {summary.get('error')}")
        return summary

    def run_transforms(self) -> list[JobRun]:
        """Start the job for each manifest the EventBridge rule delivered."""
        assert self.events is not None
        return [self.run_transform(event) for event in self.events.manifests_created()]

    def run_transform(self, event: ObjectCreated) -> JobRun:
        return run_transform_job(
            self.spark_jobs,
            self.aws,
            raw_bucket=event.bucket,
            manifest_key=event.key,
            processed_bucket=self.processed_bucket,
            work_dir=self.state_dir / "stage",
            job_name=self.config.glue_job_name,
        )

    def run_pipes(self) -> list[Any]:
        """Deliver each notified model file to its table's pipe, then run the merges."""
        assert self.events is not None
        loads = []
        for table_name, created in sorted(self.events.model_files_created().items()):
            for obj in created:
                self.aws.download(obj.bucket, obj.key, self.aws.bucket_dir(obj.bucket) / obj.key)
                loads.append(self.warehouse.ingest(table_name, obj.key))
        self.warehouse.refresh()
        return loads

    def manifest(self, key: str) -> Manifest:
        body = self.aws.client("s3").get_object(Bucket=self.raw_bucket, Key=key)["Body"].read()
        return Manifest.from_json(body.decode("utf-8"), where=key)
