"""Bad input at the edges: a wrong, missing or unknown setting, a missing secret, an unreachable emulator, a bad
`make run DAYS=x`. Each stops with one line naming the setting and the fix, never a traceback.

Run the way users and AWS run them: `python -m local.run` (what `make run` calls) and the extraction handler,
each in its own process (`local.lambda_invoke`, as the Lambda service would).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

from config import CONFIG_FILE, load_config
from extract.settings import (
    ENV_API_MODE,
    ENV_API_URL,
    ENV_MUSICBRAINZ_URL,
    ENV_SOURCES,
    ENV_TOKEN_URL,
    environment_from_config,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single line a failed command printed on stderr; it must have printed nothing like a traceback."""
    assert "Traceback" not in result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def make_run(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the project's own module, with test arguments
        [sys.executable, "-m", "local.run", *arguments],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# -- make run ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["--days", "x"], ["DAYS=x", "`make run DAYS=7`"]),
        (["--days", "0"], ["DAYS=0", "from 1 to 366"]),
        (["--last-day", "2026-13-01"], ["'2026-13-01' is not a day", "YYYY-MM-DD"]),
        (["--dayz", "3"], ["--dayz", "--help"]),
    ],
    ids=["days-not-a-number", "days-zero", "last-day-not-a-date", "unknown-option"],
)
def test_a_bad_make_run_option_stops_with_one_line_saying_what_to_type(arguments: list[str], says: list[str]) -> None:
    result = make_run(*arguments)

    assert result.returncode == 2
    line = one_error_line(result)
    assert all(part in line for part in says), line


# (what is wrong, the line of pipeline.toml as shipped, the line instead, what the error must say)
CONFIG_MISTAKES = [
    ("wrong-value", "concurrency = 4", "concurrency = 0", ["[extract] concurrency is 0", "from 1 to 16"]),
    ("missing-value", "request_timeout_seconds = 10.0", "", ["missing key 'request_timeout_seconds'", "add it"]),
    (
        "unknown-source",
        'user = ["recently_played", "top_tracks", "top_artists", "saved_tracks", "user_playlists"]',
        'user = ["recently_played", "top_songs"]',
        ["unknown source 'top_songs'", "known sources: recently_played"],
    ),
    ("misspelt-key", "concurrency = 4", "concurency = 4", ["[extract] has unknown key 'concurency'", "known keys"]),
    ("wrong-type", "lambda_memory_mb = 512", 'lambda_memory_mb = "512"', ["lambda_memory_mb must be a whole number"]),
    ("not-toml", "[schedule]", "[schedule", ["not valid TOML", "fix the line"]),
]


@pytest.mark.parametrize(
    ("shipped", "instead", "says"), [m[1:] for m in CONFIG_MISTAKES], ids=[m[0] for m in CONFIG_MISTAKES]
)
def test_a_configuration_mistake_stops_make_run_with_one_line_naming_the_setting(
    tmp_path: Path, shipped: str, instead: str, says: list[str]
) -> None:
    # Given the project's configuration with one mistake
    text = CONFIG_FILE.read_text(encoding="utf-8")
    assert shipped in text, f"pipeline.toml no longer has {shipped!r}; update this test"
    config = tmp_path / CONFIG_FILE.name
    config.write_text(text.replace(shipped, instead, 1), encoding="utf-8")

    # When `make run` starts with it
    result = make_run("--config", str(config), "--state-dir", str(tmp_path / "state"))

    # Then it stops before starting anything, with one line naming the setting and what to do
    assert result.returncode == 2
    line = one_error_line(result)
    assert all(part in line for part in says), line
    assert not (tmp_path / "state").exists()


# -- the extraction handler ----------------------------------------------------------------------------------------


def closed_port_url() -> str:
    """An address nothing listens on: a port the OS just handed out, closed again."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def handler_environment(aws_endpoint: str) -> dict[str, str]:
    config = load_config("local")
    nowhere = closed_port_url()  # no case here gets as far as calling Spotify
    return {
        **os.environ,
        **environment_from_config(
            config, config.bucket_name("raw"), config.secret_name("client"), config.secret_name("user_token")
        ),
        "AWS_ENDPOINT_URL": aws_endpoint,
        ENV_API_URL: f"{nowhere}/v1/",
        ENV_TOKEN_URL: f"{nowhere}/api/token",
        ENV_MUSICBRAINZ_URL: f"{nowhere}/ws/2/",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "AWS_LAMBDA_FUNCTION_NAME": "spotify-pipeline-local-extract",
    }


def invoke_handler(tmp_path: Path, environment: dict[str, str]) -> tuple[dict[str, Any], str]:
    """Run the handler as Lambda would; its outcome and what its process printed."""
    event, outcome = tmp_path / "event.json", tmp_path / "outcome.json"
    event.write_text(json.dumps({"time": "2026-11-24T06:15:00Z"}), encoding="utf-8")
    process = subprocess.run(  # noqa: S603 - the project's own module, with test arguments
        [sys.executable, "-m", "local.lambda_invoke", "extract.handler.handler", str(event), str(outcome), "60"],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    printed = process.stdout + process.stderr
    assert "Traceback" not in printed
    return json.loads(outcome.read_text(encoding="utf-8")), printed


def assert_failed_with_one_line(outcome: dict[str, Any], printed: str, says: list[str]) -> None:
    # The invocation itself succeeds (no retry would help): the summary says "failed", with one line
    assert outcome["ok"] is True
    summary = outcome["result"]
    assert summary["status"] == "failed"
    assert "\n" not in summary["error"] and all(part in summary["error"] for part in says), summary["error"]
    # and the log holds that line once, as an error
    errors = [json.loads(line) for line in printed.splitlines() if line.startswith("{") and '"ERROR"' in line]
    assert [e["message"] for e in errors] == [f"extraction not run: {summary['error']}"]


@pytest.fixture
def raw_bucket_and_secrets(aws: str) -> dict[str, str]:
    """moto with the raw bucket and both secrets as `make run` sets them; returns the handler's environment."""
    config = load_config("local")
    boto3.client("s3").create_bucket(Bucket=config.bucket_name("raw"))
    secrets = boto3.client("secretsmanager")
    secrets.create_secret(Name=config.secret_name("client"), SecretString='{"client_id": "a", "client_secret": "b"}')
    secrets.create_secret(
        Name=config.secret_name("user_token"),
        SecretString=json.dumps({"refresh_token": "AQx", "scope": "user-read-recently-played user-top-read"}),
    )
    return handler_environment(aws)


def test_a_missing_secret_stops_the_run_with_the_command_that_sets_it(aws: str, tmp_path: Path) -> None:
    boto3.client("s3").create_bucket(Bucket=load_config("local").bucket_name("raw"))

    outcome, printed = invoke_handler(tmp_path, handler_environment(aws))

    assert_failed_with_one_line(
        outcome,
        printed,
        ["secret 'spotify-pipeline/local/spotify-client' has no value", "aws secretsmanager put-secret-value"],
    )


def test_a_user_token_secret_without_its_refresh_token_names_the_missing_key(
    raw_bucket_and_secrets: dict[str, str], tmp_path: Path
) -> None:
    boto3.client("secretsmanager").put_secret_value(
        SecretId=load_config("local").secret_name("user_token"), SecretString='{"scope": "user-top-read"}'
    )

    outcome, printed = invoke_handler(tmp_path, raw_bucket_and_secrets)

    assert_failed_with_one_line(outcome, printed, ["has no 'refresh_token'", "--secret-id spotify-pipeline/local"])


def test_an_unknown_source_in_the_function_settings_is_named_not_skipped(
    raw_bucket_and_secrets: dict[str, str], tmp_path: Path
) -> None:
    sources = json.loads(raw_bucket_and_secrets[ENV_SOURCES])
    environment = {**raw_bucket_and_secrets, ENV_SOURCES: json.dumps({**sources, "user": ["top_songs"]})}

    outcome, printed = invoke_handler(tmp_path, environment)

    assert_failed_with_one_line(outcome, printed, ["unknown user source 'top_songs'", "[sources] user"])


def test_a_wrong_setting_in_the_function_environment_is_named_with_its_choices(
    raw_bucket_and_secrets: dict[str, str], tmp_path: Path
) -> None:
    outcome, printed = invoke_handler(tmp_path, {**raw_bucket_and_secrets, ENV_API_MODE: "turbo"})

    assert_failed_with_one_line(outcome, printed, ["SPOTIFY_API_MODE='turbo'", "development, extended"])


def test_an_unreachable_aws_endpoint_is_named_with_the_setting_to_check(tmp_path: Path) -> None:
    outcome, printed = invoke_handler(tmp_path, handler_environment(closed_port_url()))

    assert_failed_with_one_line(outcome, printed, ["cannot reach the raw bucket", "AWS_ENDPOINT_URL"])
