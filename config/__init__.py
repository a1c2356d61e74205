"""The pipeline's one configuration: `pipeline.toml` read into typed, validated settings.

The CDK app and the local runtime call `load_config(env)`; the Lambda and the Glue job receive the values
they need as environment variables and job arguments derived from it, never as second copies. The settings the
extraction Lambda reads are its own types (extract.settings: `SourceSelection`, `RetryPolicy`, the concurrency
bounds), composed in here: the Lambda's bundle does not ship this package, and nothing is declared twice.
"""

from __future__ import annotations

import copy
import re
import tomllib
import zoneinfo
from dataclasses import dataclass, fields, is_dataclass
from datetime import time
from pathlib import Path
from typing import Any, get_type_hints

from contracts.raw_zone import SEARCH_TYPES, ApiMode, TimeRange
from extract.endpoints import USER_SOURCE_SCOPES
from extract.settings import CONCURRENCY_RANGE, MusicBrainzSettings, RetryPolicy, SourceSelection

CONFIG_FILE = Path(__file__).with_name("pipeline.toml")

USER_SOURCES = tuple(USER_SOURCE_SCOPES)


class ConfigError(ValueError):
    """A configuration value is missing or wrong; the message names the key and the fix."""


@dataclass(frozen=True)
class StorageConfig:
    bucket_name_pattern: str
    raw_infrequent_access_after_days: int
    raw_archive_after_days: int
    quarantine_expire_after_days: int


@dataclass(frozen=True)
class ScheduleConfig:
    minute: str
    hour: str
    description: str


@dataclass(frozen=True)
class CaptureConfig:
    enabled: bool
    every_minutes: int


@dataclass(frozen=True)
class ExtractConfig:
    api_mode: str
    concurrency: int
    budget_margin_seconds: int
    lambda_memory_mb: int
    lambda_timeout_seconds: int
    # Written flat in [extract] (max_attempts, backoff_base_seconds, ...): the policy the Lambda reads.
    retry: RetryPolicy


@dataclass(frozen=True)
class SecretsConfig:
    client: str
    user_token: str
    snowflake: str


@dataclass(frozen=True)
class GlueConfig:
    version: str
    worker_type: str
    workers: int
    flex: bool
    timeout_minutes: int
    max_concurrent_runs: int
    job_name: str


@dataclass(frozen=True)
class SnowflakeConfig:
    database: str
    landing_schema: str
    core_schema: str
    reporting_schema: str
    warehouse: str
    warehouse_size: str
    loader_role: str
    bi_role: str
    deploy_role: str
    deploy_user: str
    storage_integration: str
    stage: str
    file_format: str
    error_integration: str
    storage_role_name: str
    merge_task_schedule_minutes: int
    # Whether this environment's deploy wires Snowflake (applier, integration roles, pipe notifications). A
    # setting, not a deploy flag: a routine deploy can never drop the wiring of an environment that has it.
    wired: bool


@dataclass(frozen=True)
class MonitoringConfig:
    alarm_email: str
    # A stage that produced nothing for this long (no complete manifest, no successful transform, no Snowpipe
    # load) raises its freshness alarm.
    freshness_window_hours: int


@dataclass(frozen=True)
class ReportingConfig:
    # The IANA time zone of the reporting views' local dates and hours (the report's and the dashboard's days).
    time_zone: str


@dataclass(frozen=True)
class LocalConfig:
    fake_spotify_seed: int
    fake_spotify_size: int
    state_dir: str


@dataclass(frozen=True)
class PipelineConfig:
    env: str
    project: str
    account: str | None
    region: str | None
    storage: StorageConfig
    schedule: ScheduleConfig
    capture: CaptureConfig
    extract: ExtractConfig
    sources: SourceSelection
    secrets: SecretsConfig
    glue: GlueConfig
    snowflake: SnowflakeConfig
    monitoring: MonitoringConfig
    reporting: ReportingConfig
    local: LocalConfig
    musicbrainz: MusicBrainzSettings

    def bucket_name(self, purpose: str, account: str | None = None, region: str | None = None) -> str:
        """`purpose` is "raw", "processed" or "logs"; account/region default to the environment's own."""
        return self.storage.bucket_name_pattern.format(
            project=self.project,
            env=self.env,
            purpose=purpose,
            account=account or self.account,
            region=region or self.region,
        )

    def secret_name(self, which: str) -> str:
        """`which` is "client", "user_token" or "snowflake"."""
        return getattr(self.secrets, which).format(env=self.env)

    @property
    def storage_role_name(self) -> str:
        return self.snowflake.storage_role_name.format(env=self.env)

    @property
    def schedule_cron(self) -> dict[str, str]:
        """The schedule as EventBridge cron fields (UTC)."""
        return {"minute": self.schedule.minute, "hour": self.schedule.hour}

    @property
    def captures_on(self) -> bool:
        """Captures run when they are enabled and recently played is a source (nothing else is captured)."""
        return self.capture.enabled and "recently_played" in self.sources.user

    @property
    def capture_cron(self) -> dict[str, str]:
        """The capture schedule as EventBridge cron fields (UTC): every `[capture] every_minutes`, half an interval
        (at most 30 minutes) away from the daily run's minute, so a capture does not arrive while the daily run runs
        (the function runs one invocation at a time: it would be throttled, retried later, and alarmed)."""
        every, offset = self.capture.every_minutes, self._capture_offset_minutes
        if every <= 60:
            return {"minute": f"{offset}/{every}", "hour": "*"}
        return {"minute": str(offset), "hour": f"0/{every // 60}"}

    @property
    def capture_times(self) -> list[time]:
        """The times of day (UTC) `capture_cron` fires at: what the local runtime simulates."""
        every, offset = self.capture.every_minutes, self._capture_offset_minutes
        if every <= 60:
            return [time(hour, minute) for hour in range(24) for minute in range(offset, 60, every)]
        return [time(hour, offset) for hour in range(0, 24, every // 60)]

    @property
    def _capture_offset_minutes(self) -> int:
        cycle = min(self.capture.every_minutes, 60)
        daily_minute = int(self.schedule.minute) if self.schedule.minute.isdigit() else 0
        return (daily_minute + cycle // 2) % cycle

    @property
    def glue_job_name(self) -> str:
        return f"{self.project}-{self.env}-{self.glue.job_name}"


_SECTIONS: dict[str, type] = {
    "storage": StorageConfig,
    "schedule": ScheduleConfig,
    "capture": CaptureConfig,
    "extract": ExtractConfig,
    "sources": SourceSelection,
    "secrets": SecretsConfig,
    "glue": GlueConfig,
    "snowflake": SnowflakeConfig,
    "monitoring": MonitoringConfig,
    "reporting": ReportingConfig,
    "local": LocalConfig,
    "musicbrainz": MusicBrainzSettings,
}


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _typed_section(name: str, cls: type, values: dict[str, Any]) -> Any:
    """`cls` built from the section's keys; a field whose type is itself settings (a composed part, e.g.
    ExtractConfig.retry) takes its keys from the same flat table."""
    hints = get_type_hints(cls)
    parts = {f.name: hints[f.name] for f in fields(cls) if is_dataclass(hints[f.name])}
    leaves = [f for f in fields(cls) if f.name not in parts] + [f for part in parts.values() for f in fields(part)]
    known = {f.name: f for f in leaves}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ConfigError(
            f"[{name}] has unknown key {unknown[0]!r} in {CONFIG_FILE.name}; known keys: {', '.join(known)}"
        )
    missing = sorted(set(known) - set(values))
    if missing:
        raise ConfigError(f"[{name}] is missing key {missing[0]!r} in {CONFIG_FILE.name}; add it to the defaults")
    converted = {key: _typed_value(name, key, field.type, values[key]) for key, field in known.items()}
    for part_name, part in parts.items():
        converted[part_name] = part(**{f.name: converted.pop(f.name) for f in fields(part)})
    return cls(**converted)


def _typed_value(section: str, key: str, expected: Any, value: Any) -> Any:
    """`value` checked against the field's annotation (a string: every settings module postpones annotations)."""
    if expected.startswith("tuple"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"[{section}] {key} must be a list of strings, got {value!r}")
        return tuple(value)
    if expected == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"[{section}] {key} must be true or false, got {value!r}")
    elif expected == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"[{section}] {key} must be a whole number, got {value!r}")
    elif expected == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"[{section}] {key} must be a number, got {value!r}")
        return float(value)
    elif expected == "str" and not isinstance(value, str):
        raise ConfigError(f"[{section}] {key} must be a string, got {value!r}")
    return value


def _validate(config: PipelineConfig) -> None:
    extract, sources = config.extract, config.sources
    if extract.api_mode not in ApiMode.ALL:
        raise ConfigError(f"[extract] api_mode is {extract.api_mode!r}; use one of: {', '.join(ApiMode.ALL)}")
    lowest, highest = CONCURRENCY_RANGE
    if not lowest <= extract.concurrency <= highest:
        raise ConfigError(f"[extract] concurrency is {extract.concurrency}; use a number from {lowest} to {highest}")
    if not 1 <= extract.retry.max_attempts <= 10:
        raise ConfigError(f"[extract] max_attempts is {extract.retry.max_attempts}; use a number from 1 to 10")
    if not 60 <= extract.lambda_timeout_seconds <= 900:
        raise ConfigError(
            f"[extract] lambda_timeout_seconds is {extract.lambda_timeout_seconds}; Lambda allows 60 to 900"
        )
    if extract.budget_margin_seconds >= extract.lambda_timeout_seconds:
        raise ConfigError("[extract] budget_margin_seconds must be smaller than lambda_timeout_seconds")
    for source in sources.user:
        if source not in USER_SOURCES:
            raise ConfigError(f"[sources] user has unknown source {source!r}; known sources: {', '.join(USER_SOURCES)}")
    for time_range in sources.top_time_ranges:
        if time_range not in TimeRange.ALL:
            raise ConfigError(f"[sources] top_time_ranges has {time_range!r}; use: {', '.join(TimeRange.ALL)}")
    for search_type in sources.search_types:
        if search_type not in SEARCH_TYPES:
            raise ConfigError(f"[sources] search_types has {search_type!r}; use: {', '.join(SEARCH_TYPES)}")
    for key in ("playlist_ids", "artist_ids", "album_ids"):
        for entity_id in getattr(sources, key):
            if not entity_id.isalnum():
                raise ConfigError(
                    f"[sources] {key} has {entity_id!r}; give the bare base-62 id (no 'spotify:' prefix or URL)"
                )
    if not sources.user and not (
        sources.playlist_ids or sources.artist_ids or sources.album_ids or sources.search_queries
    ):
        raise ConfigError("[sources] selects nothing to extract; list user sources or catalog ids")
    capture = config.capture
    every = capture.every_minutes
    if not (5 <= every <= 60 and 60 % every == 0) and not (
        60 <= every <= 720 and (24 * 60) % every == 0 and every % 60 == 0
    ):
        raise ConfigError(
            f"[capture] every_minutes is {every}; use minutes that divide an hour (5 to 60, e.g. 30) "
            "or whole hours that divide a day (120, 180, 240, 360, 480, 720)"
        )
    if config.glue.workers < 2:
        raise ConfigError(f"[glue] workers is {config.glue.workers}; Glue needs at least 2")
    if config.glue.flex and config.glue.worker_type not in ("G.1X", "G.2X"):
        raise ConfigError("[glue] flex execution needs worker_type G.1X or G.2X")
    if not 2 <= config.monitoring.freshness_window_hours <= 24 * 7:
        raise ConfigError(
            f"[monitoring] freshness_window_hours is {config.monitoring.freshness_window_hours}; use 2 to 168 "
            "(a day and some slack, 26, suits a daily schedule)"
        )
    _validate_musicbrainz(config)
    _validate_reporting(config)
    if config.account and config.region:
        for purpose in ("raw", "processed", "logs"):
            name = config.bucket_name(purpose)
            if len(name) > 63:
                raise ConfigError(f"bucket name {name!r} is {len(name)} characters (S3 allows 63); shorten `project`")


# MusicBrainz asks for `application/version ( contact )`; a client without one may be blocked.
_USER_AGENT = re.compile(r"^\S+/\S+ \( ?\S.*\)$")


def _validate_reporting(config: PipelineConfig) -> None:
    time_zone = config.reporting.time_zone
    # The IANA database's names: what Snowflake's CONVERT_TIMEZONE, DuckDB and the browser all know.
    if time_zone not in zoneinfo.available_timezones():
        raise ConfigError(
            f"[reporting] time_zone is {time_zone!r}, not an IANA time zone name; use one like "
            '"Europe/Berlin", "America/New_York" or "UTC"'
        )


def _validate_musicbrainz(config: PipelineConfig) -> None:
    musicbrainz = config.musicbrainz
    if not musicbrainz.enabled:
        return
    if not _USER_AGENT.match(musicbrainz.user_agent):
        raise ConfigError(
            f"[musicbrainz] user_agent is {musicbrainz.user_agent!r}; MusicBrainz needs "
            "'application/version ( contact )', e.g. 'spotify-pipeline/1.0 ( you@example.org )'"
        )
    # The fake MusicBrainz of the local runtime holds the same rule at the local interval (config/pipeline.toml).
    if config.env != "local" and musicbrainz.min_interval_seconds < 1.0:
        raise ConfigError(
            f"[musicbrainz] min_interval_seconds is {musicbrainz.min_interval_seconds:g}; MusicBrainz allows one "
            "request per second per client (503 beyond, and blocks abusers): use 1.0 or more"
        )
    if not 0 < musicbrainz.time_budget_seconds < config.extract.lambda_timeout_seconds:
        raise ConfigError(
            f"[musicbrainz] time_budget_seconds is {musicbrainz.time_budget_seconds}; use more than 0 and less than "
            f"[extract] lambda_timeout_seconds ({config.extract.lambda_timeout_seconds})"
        )
    if musicbrainz.retry_not_found_after_days < 1:
        raise ConfigError("[musicbrainz] retry_not_found_after_days must be 1 or more")


def load_config(
    env: str,
    overrides: dict[str, Any] | None = None,
    config_file: Path = CONFIG_FILE,
) -> PipelineConfig:
    """Read `config_file`, apply the `[env.<env>]` table and then `overrides` (tests, local options)."""
    try:
        raw = tomllib.loads(config_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"configuration file {config_file} is missing; restore it from git") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{config_file.name} is not valid TOML ({error}); fix the line it names") from None
    environments = raw.pop("env", {})
    if env not in environments:
        raise ConfigError(f"environment {env!r} is not in {config_file.name}; use one of: {', '.join(environments)}")
    merged = _merge(_merge(raw, environments[env]), overrides or {})
    try:
        sections = {name: _typed_section(name, cls, merged.pop(name, {})) for name, cls in _SECTIONS.items()}
        project = merged.pop("project")
    except KeyError as error:
        raise ConfigError(f"{config_file.name} is missing the top-level key {error}") from None
    account = merged.pop("account", None)
    region = merged.pop("region", None)
    if merged:
        raise ConfigError(f"{config_file.name} has unknown top-level key {sorted(merged)[0]!r}")
    config = PipelineConfig(env=env, project=project, account=account, region=region, **sections)
    _validate(config)
    return config
