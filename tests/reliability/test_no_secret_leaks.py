"""No credential leaks: no secret value or token of a test run appears in the synthesized templates, in the logs,
or in the raw and processed files the runs left.

The values looked for are real: the fake Spotify's client secret, its refresh token and every access token it
issued during the baseline days and the bad day of the fault matrix (tokens expired and were refreshed there),
read from the runs themselves; and a Snowflake password and private key handed to the warehouse applier. The
other security gates of `make test` are cdk-nag (no unacknowledged finding) and cfn-lint on every template, in
tests/stacks/test_cdk_app.py; `make audit` adds pip-audit and checkov (.ci/audit).
"""

from __future__ import annotations

import base64
import gzip
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import boto3
import pyarrow.parquet as pq
import pytest
import snowflake.connector
from bad_day import BadDay
from daily_runs import DailyRuns
from stack_templates import Synthesized

from local.glue_runner import SparkJobRunner

pytestmark = pytest.mark.slow

# Where the emulated Secrets Manager keeps its values between runs: the one place secrets belong.
SECRET_STORE = "secrets.json"


def stored_files(state_dir: Path) -> Iterator[Path]:
    """Every file a run left: logs, the raw and processed buckets, the warehouse, the report."""
    for path in sorted(state_dir.rglob("*")):
        if path.is_file() and path.name != SECRET_STORE:
            yield path


def readable_text(path: Path) -> str:
    """The file's content as text: gzip page files unpacked, Parquet files as their rows (a compressed column could
    hide a value from a byte search)."""
    if path.suffix == ".gz":
        return gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
    if path.suffix == ".parquet":
        return json.dumps(pq.read_table(path).to_pylist(), default=str, ensure_ascii=False)
    return path.read_bytes().decode("utf-8", errors="replace")


@pytest.fixture(scope="module")
def spotify_secrets(daily_runs: DailyRuns, bad_day: BadDay) -> dict[str, str]:
    values = {f"baseline {name}": value for name, value in daily_runs.secrets.values.items()}
    values |= {f"bad day {name}": value for name, value in bad_day.secrets.values.items()}
    return values


def test_the_scan_looks_for_values_the_runs_really_used(
    daily_runs: DailyRuns, bad_day: BadDay, spotify_secrets: dict[str, str]
) -> None:
    # Several access tokens per run (app and user, and the refreshed ones after the bad day's expiry) ...
    assert len(daily_runs.secrets.access_tokens) >= 2
    assert len(bad_day.secrets.access_tokens) > len(daily_runs.secrets.access_tokens)
    assert all(len(value) >= 20 for value in spotify_secrets.values())
    # ... and the credentials are where they belong: in the emulated Secrets Manager
    stored = (daily_runs.state_dir / SECRET_STORE).read_text(encoding="utf-8")
    assert daily_runs.secrets.client_secret in stored and daily_runs.secrets.refresh_token in stored


def test_no_secret_is_in_the_logs_or_the_raw_or_processed_files(
    daily_runs: DailyRuns, bad_day: BadDay, spark_jobs: SparkJobRunner, spotify_secrets: dict[str, str]
) -> None:
    files = [*stored_files(daily_runs.state_dir), *stored_files(bad_day.state_dir), spark_jobs.log_file]
    kinds = {path.suffix for path in files}
    assert {".gz", ".parquet", ".json", ".log"} <= kinds  # raw pages, model files, manifests and reports, logs
    for path in files:
        text = readable_text(path)
        for name, value in spotify_secrets.items():
            assert value not in text, f"the {name} is in {path}"


def test_no_secret_is_in_a_synthesized_template(
    wired: Synthesized, aws_only: Synthesized, spotify_secrets: dict[str, str]
) -> None:
    templates = [*wired.outdir.glob("*.template.json"), *aws_only.outdir.glob("*.template.json")]
    assert len(templates) == 11  # six stacks wired to Snowflake, five without (no warehouse stack)
    for template in templates:
        text = template.read_text(encoding="utf-8")
        assert "-----BEGIN" not in text, template.name
        for name, value in spotify_secrets.items():
            assert value not in text, f"the {name} is in {template.name}"


def _rsa_private_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.mark.parametrize("credential", ["password", "private_key"])
def test_a_refused_snowflake_login_shows_neither_the_password_nor_the_key(
    aws: str,
    credential: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    from applier.cli import main

    # Given the Snowflake secret holds a password or a private key, and Snowflake refuses the login
    value = "Zq7-correct-horse-battery-staple-41" if credential == "password" else _rsa_private_key_pem()
    secret = {"account": "myorg-myaccount", "user": "PIPELINE", credential: value}
    boto3.client("secretsmanager").create_secret(Name="spotify-pipeline/dev/snowflake", SecretString=json.dumps(secret))
    offered: list[dict] = []

    def refuse(**arguments: object) -> None:
        offered.append(arguments)
        raise snowflake.connector.errors.DatabaseError(msg="250001: Incorrect username or password was specified.")

    monkeypatch.setattr(snowflake.connector, "connect", refuse)
    caplog.set_level(logging.DEBUG)

    # When the applier runs by hand
    status = main(
        [
            "--env",
            "dev",
            "--account",
            "123456789012",
            "--region",
            "us-east-1",
            "--error-topic-arn",
            "arn:aws:sns:us-east-1:123456789012:spotify-pipeline-dev-pipe-errors",
            "--error-role-arn",
            "arn:aws:iam::123456789012:role/spotify-pipeline-dev-pipe-errors",
        ]
    )

    # Then it stops with one line naming the account and user, and the credential was offered but never shown
    assert status == 1
    assert offered and (credential in offered[0])
    printed = capsys.readouterr()
    shown = printed.out + printed.err + caplog.text
    assert "myorg-myaccount" in printed.err and "PIPELINE" in printed.err
    if credential == "password":
        assert value not in shown
    else:
        key_lines = [line for line in value.splitlines() if line and not line.startswith("-----")]
        assert not [line for line in key_lines if line in shown]
        assert base64.b64encode(offered[0]["private_key"]).decode()[:40] not in shown
