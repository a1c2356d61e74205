"""Fixtures of the extraction tests: the fake Spotify on a free port, moto (via the shared `aws` fixture) with the
raw bucket and the two secrets, settings built the way the stack builds them, a reader of what a run left in the
raw bucket, and a fake Lambda context. Test modules use them as fixtures (test modules do not import conftest)."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import boto3
import pytest

from config import load_config
from contracts.manifest import Manifest
from contracts.raw_zone import STATE_KEY
from extract.raw_writer import part_lines
from extract.run import run_extraction
from extract.settings import ENV_API_URL, ENV_MUSICBRAINZ_URL, ENV_TOKEN_URL, ExtractSettings, environment_from_config
from local.fake_spotify import FakeSpotify

DAY = date(2026, 11, 24)
RAW_BUCKET = "spotify-pipeline-test-raw"
CLIENT_SECRET_ID = "spotify-pipeline/test/spotify-client"
USER_TOKEN_SECRET_ID = "spotify-pipeline/test/spotify-user-token"
# Fast retries: the policy is the same, the waits are milliseconds.
FAST_RETRY = {"max_attempts": 3, "backoff_base_seconds": 0.01, "backoff_cap_seconds": 0.05}


@dataclass
class FakeLambdaContext:
    """The context attributes Powertools and the handler read; the remaining time is set by the test."""

    remaining_ms: int = 600_000
    function_name: str = "spotify-pipeline-test-extract"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:spotify-pipeline-test-extract"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


@pytest.fixture
def extract_logs() -> Iterator[list[str]]:
    """Every record the extraction's modules log (logger "extract" and below), at any level. Collected on that
    logger itself: once `extract.handler` is imported (by a test of the handler), it has Powertools' handler and
    no longer propagates to the root logger that `caplog` listens to."""
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(f"{record.levelname} {record.name}: {record.getMessage()}")

    target, collector = logging.getLogger("extract"), Collect(logging.DEBUG)
    level = target.level
    target.addHandler(collector)
    target.setLevel(logging.DEBUG)
    yield records
    target.removeHandler(collector)
    target.setLevel(level)


@pytest.fixture
def spotify() -> Iterator[FakeSpotify]:
    with FakeSpotify(seed=42, size=300, mode="development", day=DAY) as server:
        yield server


@pytest.fixture
def spotify_extended() -> Iterator[FakeSpotify]:
    with FakeSpotify(seed=42, size=300, mode="extended", day=DAY) as server:
        yield server


def store_secrets(server: FakeSpotify, user_token: dict[str, Any] | None = None) -> None:
    client = boto3.client("secretsmanager")
    for name, value in (
        (CLIENT_SECRET_ID, {"client_id": server.client_id, "client_secret": server.client_secret}),
        (USER_TOKEN_SECRET_ID, user_token or {"refresh_token": server.refresh_token, "scope": server.user_scope}),
    ):
        client.create_secret(Name=name, SecretString=json.dumps(value))


@pytest.fixture
def raw_bucket(aws: str) -> str:
    boto3.client("s3").create_bucket(Bucket=RAW_BUCKET)
    return RAW_BUCKET


def make_settings(
    server: FakeSpotify,
    sources: dict[str, Any] | None = None,
    musicbrainz: dict[str, Any] | None = None,
    **extract: Any,
) -> ExtractSettings:
    """Settings from the project's configuration (env "local") with `sources`/`extract` overrides, pointed at
    the fake server: the same path the stack and the local runtime take. MusicBrainz is off unless `musicbrainz`
    gives its `url` (a fake's) and any [musicbrainz] overrides."""
    musicbrainz = dict(musicbrainz or {})
    musicbrainz_url = musicbrainz.pop("url", None)
    overrides = {
        "extract": {"api_mode": server.mode, **FAST_RETRY, **extract},
        "sources": sources or {},
        "musicbrainz": {"enabled": musicbrainz_url is not None, **musicbrainz},
    }
    config = load_config("local", overrides)
    environment = environment_from_config(config, RAW_BUCKET, CLIENT_SECRET_ID, USER_TOKEN_SECRET_ID)
    environment[ENV_API_URL] = server.api_url
    environment[ENV_TOKEN_URL] = server.token_url
    if musicbrainz_url is not None:
        environment[ENV_MUSICBRAINZ_URL] = musicbrainz_url
    return ExtractSettings.from_environment(environment)


@pytest.fixture
def settings_for(raw_bucket: str) -> Callable[..., ExtractSettings]:
    """`settings_for(server, sources={...}, user_token={...}, **extract)`: stores the server's credentials (or the
    given user token secret value), returns settings."""

    def build(
        server: FakeSpotify,
        sources: dict[str, Any] | None = None,
        user_token: dict[str, Any] | None = None,
        **extract: Any,
    ) -> ExtractSettings:
        store_secrets(server, user_token)
        return make_settings(server, sources, **extract)

    return build


@pytest.fixture
def lambda_context() -> Callable[..., FakeLambdaContext]:
    return FakeLambdaContext


# Nothing selected: a test turns on only the sources it is about.
NOTHING: dict[str, Any] = {
    "user": [],
    "playlist_ids": [],
    "artist_ids": [],
    "album_ids": [],
    "search_queries": [],
    "enrich": False,
}


@pytest.fixture
def only() -> Callable[..., dict[str, Any]]:
    """`only(user=[...], ...)`: a [sources] override selecting just these sources (enrichment off unless set)."""
    return lambda **chosen: {**NOTHING, **chosen}


@dataclass
class Extraction:
    summary: dict[str, Any]
    raw: RawRun | None  # None: the run wrote no manifest


@pytest.fixture
def extract(raw_bucket: str) -> Callable[..., Extraction]:
    """`extract(server, sources={...}, day=..., remaining_ms=..., musicbrainz={"url": ...}, **extract_overrides)`:
    one run of the extraction against `server` (credentials stored on first use), read back from the raw bucket."""
    stored: set[int] = set()

    def run(
        server: FakeSpotify,
        sources: dict[str, Any] | None = None,
        day: date = DAY,
        remaining_ms: int = 600_000,
        musicbrainz: dict[str, Any] | None = None,
        **extract_overrides: Any,
    ) -> Extraction:
        if id(server) not in stored:
            store_secrets(server)
            stored.add(id(server))
        server.set_day(day)
        settings = make_settings(server, sources, musicbrainz, **extract_overrides)
        summary = run_extraction({"time": f"{day.isoformat()}T06:15:00Z"}, lambda: remaining_ms, settings)
        manifest_key = summary.get("manifest_key")
        return Extraction(summary, read_run(manifest_key) if manifest_key else None)

    return run


@dataclass
class RawRun:
    """What one run left in the raw bucket, read back through S3."""

    manifest: Manifest
    lines: list[dict[str, Any]]

    def pages(self, source: str, entity_id: str | None = None) -> list[dict[str, Any]]:
        return [
            line
            for line in self.lines
            if line["source"] == source and (entity_id is None or line["entity_id"] == entity_id)
        ]


class RawZone:
    """Reads the raw bucket back through S3 (moto)."""

    bucket = RAW_BUCKET
    client_secret_id = CLIENT_SECRET_ID
    user_token_secret_id = USER_TOKEN_SECRET_ID

    @staticmethod
    def run(manifest_key: str) -> RawRun:
        return read_run(manifest_key)

    @staticmethod
    def state() -> dict[str, Any]:
        return read_state()

    @staticmethod
    def objects() -> dict[str, bytes]:
        return all_objects()


@pytest.fixture
def raw_zone(raw_bucket: str) -> RawZone:
    return RawZone()


def read_run(manifest_key: str) -> RawRun:
    s3 = boto3.client("s3")
    manifest = Manifest.from_json(s3.get_object(Bucket=RAW_BUCKET, Key=manifest_key)["Body"].read().decode())
    lines = []
    for described in manifest.files:
        body = s3.get_object(Bucket=RAW_BUCKET, Key=described.key)["Body"].read()
        lines += [json.loads(line) for line in part_lines(body)]
    return RawRun(manifest, lines)


def read_state() -> dict[str, Any]:
    body = boto3.client("s3").get_object(Bucket=RAW_BUCKET, Key=STATE_KEY)["Body"].read()
    return json.loads(body)


def all_objects() -> dict[str, bytes]:
    s3 = boto3.client("s3")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=RAW_BUCKET).get("Contents", [])]
    return {key: s3.get_object(Bucket=RAW_BUCKET, Key=key)["Body"].read() for key in keys}
