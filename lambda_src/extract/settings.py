"""The extraction Lambda's settings: environment variables, named once, validated once into a typed object.

The CDK stack and the local runtime both build the environment with `environment_from_config`, so the Lambda
never reads the configuration file and no variable name is spelled twice. The setting types the configuration
shares with the Lambda (`SourceSelection` is its [sources] table, `RetryPolicy` the retry keys of [extract],
`MusicBrainzSettings` its [musicbrainz] table) are
defined here and composed into `config`, which the bundle does not ship: keep this module's imports light.
No secret value is ever an environment variable: only the names of the Secrets Manager secrets are.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from contracts.raw_zone import ApiMode
from extract.endpoints import USER_SOURCE_SCOPES

ENV_RAW_BUCKET = "RAW_BUCKET"
ENV_API_MODE = "SPOTIFY_API_MODE"
ENV_SOURCES = "SPOTIFY_SOURCES"
ENV_CONCURRENCY = "SPOTIFY_CONCURRENCY"
ENV_CLIENT_SECRET_ID = "SPOTIFY_CLIENT_SECRET_ID"
ENV_USER_TOKEN_SECRET_ID = "SPOTIFY_USER_TOKEN_SECRET_ID"
ENV_BUDGET_MARGIN = "BUDGET_MARGIN_SECONDS"
ENV_RETRY = "SPOTIFY_RETRY"
# Where the API lives. Unset in AWS (the real Spotify); the local runtime points them at the fake server,
# the way AWS_ENDPOINT_URL points boto3 at moto.
ENV_API_URL = "SPOTIFY_API_URL"
ENV_TOKEN_URL = "SPOTIFY_TOKEN_URL"
# The MusicBrainz enrichment's settings ([musicbrainz], as JSON) and, like the Spotify URLs, where the service lives.
ENV_MUSICBRAINZ = "MUSICBRAINZ"
ENV_MUSICBRAINZ_URL = "MUSICBRAINZ_URL"
DEFAULT_MUSICBRAINZ_URL = "https://musicbrainz.org/ws/2/"

DEFAULT_API_URL = "https://api.spotify.com/v1/"
DEFAULT_TOKEN_URL = "https://accounts.spotify.com/api/token"
# Parallel API calls a run may make ([extract] concurrency).
CONCURRENCY_RANGE = (1, 16)


class SettingsError(ValueError):
    """An environment variable is missing or wrong; the message names it and the fix."""


@dataclass(frozen=True)
class RetryPolicy:
    """Retries of 5xx and connection errors: capped exponential backoff with full jitter ([extract] in the config)."""

    max_attempts: int
    backoff_base_seconds: float
    backoff_cap_seconds: float
    request_timeout_seconds: float


@dataclass(frozen=True)
class SourceSelection:
    """Which sources a run extracts: the [sources] table of the configuration (config.PipelineConfig.sources)."""

    user: tuple[str, ...]
    top_time_ranges: tuple[str, ...]
    playlist_ids: tuple[str, ...]
    artist_ids: tuple[str, ...]
    album_ids: tuple[str, ...]
    search_queries: tuple[str, ...]
    search_types: tuple[str, ...]
    search_max_pages: int
    enrich: bool

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> SourceSelection:
        try:
            raw = json.loads(text)
            fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}
            selection = cls(**fields)
        except (json.JSONDecodeError, TypeError, AttributeError) as error:
            raise SettingsError(
                f"{ENV_SOURCES} is not a valid source selection ({error}); redeploy so the stack rewrites it"
            ) from None
        # A source this code does not know would be skipped without a word: the run would look complete.
        unknown = sorted(set(selection.user) - set(USER_SOURCE_SCOPES))
        if unknown:
            known = ", ".join(USER_SOURCE_SCOPES)
            raise SettingsError(
                f"{ENV_SOURCES} selects the unknown user source {unknown[0]!r} (known: {known}); "
                "fix [sources] user in config/pipeline.toml and redeploy"
            )
        return selection


@dataclass(frozen=True)
class MusicBrainzSettings:
    """The MusicBrainz enrichment: the [musicbrainz] table of the configuration (config.PipelineConfig.musicbrainz).

    Every ISRC a run sees for the first time is looked up once, one request per `min_interval_seconds` at most (the
    service allows one a second per client), for at most `time_budget_seconds` a run; an ISRC MusicBrainz does not
    know is asked again after `retry_not_found_after_days` (the database grows), not every day."""

    enabled: bool
    user_agent: str
    min_interval_seconds: float
    time_budget_seconds: int
    retry_not_found_after_days: int

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> MusicBrainzSettings:
        try:
            return cls(**json.loads(text))
        except (json.JSONDecodeError, TypeError) as error:
            raise SettingsError(
                f"{ENV_MUSICBRAINZ} is not valid MusicBrainz settings ({error}); redeploy so the stack rewrites it"
            ) from None


# A function deployed without the variable (by an older stack) enriches nothing from MusicBrainz.
MUSICBRAINZ_OFF = MusicBrainzSettings(
    enabled=False, user_agent="", min_interval_seconds=1.0, time_budget_seconds=0, retry_not_found_after_days=30
)


@dataclass(frozen=True)
class ExtractSettings:
    raw_bucket: str
    api_mode: str
    sources: SourceSelection
    concurrency: int
    client_secret_id: str
    user_token_secret_id: str
    budget_margin_seconds: int
    retry: RetryPolicy
    api_url: str
    token_url: str
    musicbrainz: MusicBrainzSettings = MUSICBRAINZ_OFF
    musicbrainz_url: str = DEFAULT_MUSICBRAINZ_URL

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> ExtractSettings:
        env = os.environ if environ is None else environ

        def required(name: str) -> str:
            value = env.get(name, "").strip()
            if not value:
                raise SettingsError(f"environment variable {name} is not set; deploy with the stack (or `make run`)")
            return value

        def number(name: str, kind: type) -> Any:
            text = required(name)
            try:
                return kind(text)
            except ValueError:
                raise SettingsError(f"environment variable {name}={text!r} is not a {kind.__name__}") from None

        api_mode = required(ENV_API_MODE)
        if api_mode not in ApiMode.ALL:
            raise SettingsError(f"{ENV_API_MODE}={api_mode!r}; use one of: {', '.join(ApiMode.ALL)}")
        try:
            retry = RetryPolicy(**json.loads(required(ENV_RETRY)))
        except (json.JSONDecodeError, TypeError) as error:
            raise SettingsError(f"{ENV_RETRY} is not a valid retry policy ({error})") from None
        concurrency = number(ENV_CONCURRENCY, int)
        lowest, highest = CONCURRENCY_RANGE
        if not lowest <= concurrency <= highest:
            raise SettingsError(f"{ENV_CONCURRENCY}={concurrency}; use {lowest} to {highest}")
        api_url = env.get(ENV_API_URL) or DEFAULT_API_URL
        musicbrainz_json = env.get(ENV_MUSICBRAINZ, "").strip()
        musicbrainz = MusicBrainzSettings.from_json(musicbrainz_json) if musicbrainz_json else MUSICBRAINZ_OFF
        musicbrainz_url = env.get(ENV_MUSICBRAINZ_URL) or DEFAULT_MUSICBRAINZ_URL
        if musicbrainz.enabled and env.get(ENV_API_URL) and not env.get(ENV_MUSICBRAINZ_URL):
            # Spotify is a stand-in here (a fake, a test): the real MusicBrainz must not be called by accident.
            raise SettingsError(
                f"{ENV_API_URL} points at another Spotify but {ENV_MUSICBRAINZ_URL} is not set; point it at the "
                "MusicBrainz to use (the local runtime's fake) or turn [musicbrainz] enabled off"
            )
        return cls(
            raw_bucket=required(ENV_RAW_BUCKET),
            api_mode=api_mode,
            sources=SourceSelection.from_json(required(ENV_SOURCES)),
            concurrency=concurrency,
            client_secret_id=required(ENV_CLIENT_SECRET_ID),
            user_token_secret_id=required(ENV_USER_TOKEN_SECRET_ID),
            budget_margin_seconds=number(ENV_BUDGET_MARGIN, int),
            retry=retry,
            api_url=api_url if api_url.endswith("/") else api_url + "/",
            token_url=env.get(ENV_TOKEN_URL) or DEFAULT_TOKEN_URL,
            musicbrainz=musicbrainz,
            musicbrainz_url=musicbrainz_url if musicbrainz_url.endswith("/") else musicbrainz_url + "/",
        )


def environment_from_config(
    config: Any, raw_bucket: str, client_secret_id: str, user_token_secret_id: str
) -> dict[str, str]:
    """The Lambda environment for a `config.PipelineConfig` (duck-typed: the bundle does not ship `config`).

    `raw_bucket` and the secret ids may be CDK tokens; they are passed through as strings.
    """
    extract = config.extract
    return {
        ENV_RAW_BUCKET: raw_bucket,
        ENV_API_MODE: extract.api_mode,
        ENV_SOURCES: config.sources.to_json(),
        ENV_CONCURRENCY: str(extract.concurrency),
        ENV_CLIENT_SECRET_ID: client_secret_id,
        ENV_USER_TOKEN_SECRET_ID: user_token_secret_id,
        ENV_BUDGET_MARGIN: str(extract.budget_margin_seconds),
        ENV_RETRY: json.dumps(asdict(extract.retry), sort_keys=True),
        ENV_MUSICBRAINZ: config.musicbrainz.to_json(),
    }
