"""The Lambda entry point as Lambda calls it: the environment the stack sets, a scheduled event, a context whose
remaining time bounds the run; structured logs and metrics on stdout; operator mistakes in one line."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from config import load_config
from extract.settings import ENV_API_URL, ENV_RAW_BUCKET, ENV_TOKEN_URL, environment_from_config
from local.fake_spotify import FakeSpotify

EVENT = {
    "version": "0",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "time": "2026-11-24T06:15:00Z",
    "detail": {},
}


@pytest.fixture
def deployed_environment(spotify: FakeSpotify, raw_zone: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSpotify]:
    """The function's environment as the stack sets it (the fake server's URLs standing in for Spotify's)."""
    config = load_config(
        "local",
        {"sources": {"user": ["recently_played", "top_artists"], "enrich": False}, "musicbrainz": {"enabled": False}},
    )
    environment = environment_from_config(
        config, raw_zone.bucket, raw_zone.client_secret_id, raw_zone.user_token_secret_id
    )
    environment.update({ENV_API_URL: spotify.api_url, ENV_TOKEN_URL: spotify.token_url})
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    yield spotify


class _CurrentStdout:
    """Writes to whatever `sys.stdout` is at the time (pytest swaps it between test phases)."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


@pytest.fixture
def stdout(capsys: pytest.CaptureFixture[str]) -> Iterator[pytest.CaptureFixture[str]]:
    """What the function prints: its JSON logs and EMF metrics. Powertools' log handler keeps the stdout of the
    moment the module was imported, so it is pointed at the current one for the test."""
    from extract.service import SERVICE

    handlers = [h for h in logging.getLogger(SERVICE).handlers if isinstance(h, logging.StreamHandler)]
    for handler in handlers:
        handler.stream = _CurrentStdout()
    yield capsys
    for handler in handlers:
        handler.stream = sys.__stdout__


def store_client_secret(server: FakeSpotify, secret_id: str) -> None:
    value = {"client_id": server.client_id, "client_secret": server.client_secret}
    boto3.client("secretsmanager").create_secret(Name=secret_id, SecretString=json.dumps(value))


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_a_scheduled_invocation_returns_the_run_summary_and_publishes_metrics(
    deployed_environment: FakeSpotify, raw_zone: Any, lambda_context: Any, stdout: pytest.CaptureFixture[str]
) -> None:
    from extract.handler import handler

    spotify = deployed_environment
    store_client_secret(spotify, raw_zone.client_secret_id)
    token = {"refresh_token": spotify.refresh_token, "scope": spotify.user_scope}
    boto3.client("secretsmanager").create_secret(Name=raw_zone.user_token_secret_id, SecretString=json.dumps(token))
    summary = handler(EVENT, lambda_context())
    # The summary tells the caller what happened and where it is
    assert summary["status"] == "complete"
    assert summary["ingest_date"] == "2026-11-24"
    assert summary["manifest_key"] in raw_zone.objects()
    assert summary["calls"] == summary["min_calls"] == {"recently_played": 1, "top_artists": 3}
    assert summary["errors_count"] == 0
    # Logs are JSON with the Lambda context; the metrics are CloudWatch EMF
    captured = stdout.readouterr().out
    records = json_lines(captured)
    logged = [r for r in records if "message" in r]
    assert any(r["message"].startswith(f"extraction {summary['run_id']} complete") for r in logged)
    assert all(r["service"] == "spotify-extract" and "function_request_id" in r for r in logged)
    (emf,) = [r for r in records if "_aws" in r and "ApiCalls" in r]
    assert emf["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "SpotifyPipeline"
    assert (emf["ApiCalls"], emf["ApiCallsAboveMinimum"], emf["ExtractionFailed"]) == ([4.0], [0.0], [0.0])


def test_a_missing_secret_is_one_log_line_with_the_command_to_set_it(
    deployed_environment: FakeSpotify, raw_zone: Any, lambda_context: Any, stdout: pytest.CaptureFixture[str]
) -> None:
    from extract.handler import handler

    # Given the stack deployed but the operator has not set the user token yet
    store_client_secret(deployed_environment, raw_zone.client_secret_id)
    summary = handler(EVENT, lambda_context())
    out = stdout.readouterr().out
    # Then the run ends with one line saying which secret and how to set it, no trace, nothing written
    assert summary["status"] == "failed"
    assert summary["error"].startswith(f"secret {raw_zone.user_token_secret_id!r} has no value; set it with: ")
    assert f"aws secretsmanager put-secret-value --secret-id {raw_zone.user_token_secret_id}" in summary["error"]
    (line,) = [r for r in json_lines(out) if r.get("level") == "ERROR"]
    assert line["message"] == f"extraction not run: {summary['error']}"
    assert "Traceback" not in out
    emf = [r for r in json_lines(out) if "ExtractionFailed" in r]
    assert emf and emf[0]["ExtractionFailed"] == [1.0]
    assert raw_zone.objects() == {}


def test_a_missing_environment_variable_is_one_line(
    deployed_environment: FakeSpotify, lambda_context: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from extract.handler import handler

    monkeypatch.delenv(ENV_RAW_BUCKET)
    summary = handler(EVENT, lambda_context())
    assert summary == {
        "status": "failed",
        "error": f"environment variable {ENV_RAW_BUCKET} is not set; deploy with the stack (or `make run`)",
    }


def test_an_event_with_an_unreadable_time_is_refused_in_one_line(
    deployed_environment: FakeSpotify, raw_zone: Any, lambda_context: Any
) -> None:
    from extract.handler import handler

    store_client_secret(deployed_environment, raw_zone.client_secret_id)
    summary = handler({**EVENT, "time": "yesterday"}, lambda_context())
    assert summary["status"] == "failed"
    assert summary["error"] == (
        "event field 'time' is 'yesterday', not an ISO 8601 time; invoke with the scheduled event or {}"
    )
