"""The extraction benchmark: one run of the real extraction against the fake Spotify with injected latency.

For each API mode: the calls the run made against the fewest its mode allows (from the manifest's `calls` and
`min_calls`, cross-checked with the fake server's own request log), and the wall time against the ideal of
`calls x latency / concurrency` (every worker busy on a call all the time). The same run without latency splits
the wall time in two: what the latency cost (against that ideal), and the run's own work (secrets, tokens, state,
writing the page files and the manifest to S3). The run is `extract.run.run_extraction` with the settings the
stack derives from the configuration, against moto in server mode, as in `make run`.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from config import load_config
from extract.run import run_extraction
from extract.settings import ENV_API_URL, ENV_TOKEN_URL, ExtractSettings, environment_from_config
from local.fake_spotify import FakeSpotify
from local.fake_spotify.server import TOKEN_PATH

DAY = date(2026, 11, 24)
LATENCY_MS = 30
RAW_BUCKET = "spotify-pipeline-bench-raw"
CLIENT_SECRET_ID = "spotify-pipeline/bench/spotify-client"
USER_TOKEN_SECRET_ID = "spotify-pipeline/bench/spotify-user-token"


@dataclass(frozen=True)
class ExtractionResult:
    api_mode: str
    catalog_size: int
    latency_ms: int
    concurrency: int
    status: str
    pages: int
    calls: int
    min_calls: int
    server_api_requests: int  # what the fake server saw on /v1 (must equal `calls`)
    server_token_requests: int
    seconds: float
    seconds_without_latency: float  # the same run against a server that answers at once
    ideal_seconds: float


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the run (boto3 reads them), and restore what was there after."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def moto_server() -> Iterator[str]:
    """A moto server of our own on a free loopback port; boto3 reaches it through AWS_ENDPOINT_URL."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    fake_credentials = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_SESSION_TOKEN": "bench"}
    try:
        with _environment({"AWS_ENDPOINT_URL": endpoint, "AWS_DEFAULT_REGION": "us-east-1", **fake_credentials}):
            import requests

            requests.post(f"{endpoint}/moto-api/reset", timeout=30)
            yield endpoint
    finally:
        server.stop()


def _settings(server: FakeSpotify) -> ExtractSettings:
    """The Lambda's settings as the stack builds them from the configuration, pointed at the fake server."""
    # The Spotify reading alone: the MusicBrainz lookups have their own line (bench.musicbrainz).
    config = load_config("local", {"extract": {"api_mode": server.mode}, "musicbrainz": {"enabled": False}})
    environment = environment_from_config(config, RAW_BUCKET, CLIENT_SECRET_ID, USER_TOKEN_SECRET_ID)
    environment[ENV_API_URL] = server.api_url
    environment[ENV_TOKEN_URL] = server.token_url
    return ExtractSettings.from_environment(environment)


def _store_secrets(server: FakeSpotify) -> None:
    import boto3

    boto3.client("s3").create_bucket(Bucket=RAW_BUCKET)
    secrets = boto3.client("secretsmanager")
    for name, value in (
        (CLIENT_SECRET_ID, {"client_id": server.client_id, "client_secret": server.client_secret}),
        (USER_TOKEN_SECRET_ID, {"refresh_token": server.refresh_token, "scope": server.user_scope}),
    ):
        secrets.create_secret(Name=name, SecretString=json.dumps(value))


def _run_once(api_mode: str, catalog_size: int, latency_ms: int) -> tuple[dict[str, Any], float, list[Any], int]:
    """One run on a fresh moto and fake server: its summary, wall seconds, the server's log and the workers."""
    with moto_server(), FakeSpotify(size=catalog_size, mode=api_mode, day=DAY, latency_ms=latency_ms) as server:
        _store_secrets(server)
        settings = _settings(server)
        started = time.perf_counter()
        summary: dict[str, Any] = run_extraction({"time": f"{DAY.isoformat()}T06:15:00Z"}, lambda: 900_000, settings)
        seconds = time.perf_counter() - started
        if summary.get("status") != "complete":
            raise RuntimeError(f"the extraction benchmark run ended {summary.get('status')}: {summary.get('error')}")
        return summary, seconds, server.requests, settings.concurrency


def measure_extraction(api_mode: str, catalog_size: int, latency_ms: int = LATENCY_MS) -> ExtractionResult:
    """One first run (every artist and album detail still unknown) of the default sources in `api_mode`, and the
    same run without latency: the difference is the time the latency cost, the rest is the run's own work."""
    summary, seconds, logged, concurrency = _run_once(api_mode, catalog_size, latency_ms)
    _, seconds_without_latency, _, _ = _run_once(api_mode, catalog_size, 0)
    calls = sum(summary["calls"].values())
    return ExtractionResult(
        api_mode=api_mode,
        catalog_size=catalog_size,
        latency_ms=latency_ms,
        concurrency=concurrency,
        status=summary["status"],
        pages=summary["pages"],
        calls=calls,
        min_calls=sum(summary["min_calls"].values()),
        server_api_requests=sum(1 for r in logged if r.path.startswith("/v1/")),
        server_token_requests=sum(1 for r in logged if r.path == TOKEN_PATH),
        seconds=seconds,
        seconds_without_latency=seconds_without_latency,
        ideal_seconds=calls * latency_ms / 1000 / concurrency,
    )
