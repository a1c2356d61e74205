"""The local runtime's AWS emulation: state persisted as plain files, events wired like the stacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from local.aws import LocalAws, LocalAwsError
from local.events import EventWiring

RAW, PROCESSED = "raw-bucket", "processed-bucket"


@pytest.fixture
def local_aws(tmp_path: Path):
    with LocalAws(tmp_path / "state", region="us-east-1", account="123456789012") as aws:
        yield aws


def test_buckets_survive_a_restart_as_plain_files(tmp_path: Path) -> None:
    # Given a bucket written during one run
    state = tmp_path / "state"
    with LocalAws(state, "us-east-1", "123456789012") as aws:
        aws.load_bucket(RAW)
        aws.client("s3").put_object(Bucket=RAW, Key="spotify/a b/ü.json", Body=b"{}")
        aws.save_bucket(RAW)
    # Then a user can open it as a file
    assert (state / "s3" / RAW / "spotify" / "a b" / "ü.json").read_bytes() == b"{}"
    # And the next run sees it in the emulator again
    with LocalAws(state, "us-east-1", "123456789012") as aws:
        assert aws.load_bucket(RAW) == 1
        assert list(aws.iter_keys(RAW)) == ["spotify/a b/ü.json"]


def test_saving_mirrors_deletions(local_aws: LocalAws) -> None:
    local_aws.load_bucket(RAW)
    s3 = local_aws.client("s3")
    s3.put_object(Bucket=RAW, Key="keep", Body=b"1")
    s3.put_object(Bucket=RAW, Key="gone", Body=b"2")
    local_aws.save_bucket(RAW)
    s3.delete_object(Bucket=RAW, Key="gone")
    local_aws.save_bucket(RAW)
    assert sorted(p.name for p in local_aws.bucket_dir(RAW).iterdir()) == ["keep"]


def test_secrets_keep_a_rotated_value_between_runs(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with LocalAws(state, "us-east-1", "123456789012") as aws:
        aws.load_secrets({"user-token": {"refresh_token": "first"}})
        aws.client("secretsmanager").put_secret_value(
            SecretId="user-token", SecretString='{"refresh_token": "rotated"}'
        )
        aws.save_secrets(["user-token"])
    with LocalAws(state, "us-east-1", "123456789012") as aws:
        aws.load_secrets({"user-token": {"refresh_token": "first"}})
        value = aws.client("secretsmanager").get_secret_value(SecretId="user-token")["SecretString"]
    assert value == '{"refresh_token": "rotated"}'


def test_a_corrupt_secrets_file_names_the_fix(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    (state / "secrets.json").write_text("{not json")
    with LocalAws(state, "us-east-1", "123456789012") as aws, pytest.raises(LocalAwsError, match="make clean"):
        aws.load_secrets({"x": {}})


@pytest.fixture
def wired(local_aws: LocalAws) -> EventWiring:
    local_aws.load_bucket(RAW)
    local_aws.load_bucket(PROCESSED)
    wiring = EventWiring(local_aws, RAW, PROCESSED)
    wiring.install()
    return wiring


def test_only_a_manifest_starts_the_transform(wired: EventWiring, local_aws: LocalAws) -> None:
    s3 = local_aws.client("s3")
    run = "spotify/ingest_date=2026-11-24/run_id=20261124T061500Z-0a1b2c3d/"
    s3.put_object(Bucket=RAW, Key=run + "playlist_items/part-00000.jsonl.gz", Body=b"x")
    s3.put_object(Bucket=RAW, Key="spotify/_state/extract_state.json", Body=b"{}")
    s3.put_object(Bucket=RAW, Key=run + "_manifest.json", Body=b"{}")
    created = wired.manifests_created()
    assert [(e.bucket, e.key) for e in created] == [(RAW, run + "_manifest.json")]
    assert wired.manifests_created() == []  # each event is delivered once to the runtime


def test_each_parquet_file_reaches_only_its_tables_pipe(wired: EventWiring, local_aws: LocalAws) -> None:
    s3 = local_aws.client("s3")
    partition = "snapshot_date=2026-11-24/run_id=r1/"
    s3.put_object(Bucket=PROCESSED, Key=f"model/dim_track/{partition}part-0 ü.parquet", Body=b"x")
    s3.put_object(Bucket=PROCESSED, Key=f"model/fact_play/{partition}part-0.parquet", Body=b"x")
    s3.put_object(Bucket=PROCESSED, Key=f"model/fact_play/{partition}_SUCCESS", Body=b"")
    s3.put_object(Bucket=PROCESSED, Key=f"quarantine/fact_play/{partition}part-0.parquet", Body=b"x")
    created = wired.model_files_created()
    assert {table: [e.key for e in events] for table, events in created.items()} == {
        "dim_track": [f"model/dim_track/{partition}part-0 ü.parquet"],
        "fact_play": [f"model/fact_play/{partition}part-0.parquet"],
    }
