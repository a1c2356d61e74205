"""The one configuration: every environment loads, and a wrong value stops with a line naming key and fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from config import CONFIG_FILE, ConfigError, load_config
from extract.settings import ExtractSettings, RetryPolicy, environment_from_config

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("env", ["local", "dev", "prod"])
def test_every_environment_loads(env: str) -> None:
    config = load_config(env)
    assert config.env == env
    assert config.sources.user, "the default run extracts the user-scoped sources"


def test_environment_tables_override_the_defaults() -> None:
    assert load_config("prod").extract.lambda_timeout_seconds == 900
    assert load_config("dev").glue.flex is True
    assert load_config("local").glue.flex is False


def test_bucket_names_are_unique_per_environment_and_account() -> None:
    local = load_config("local")
    assert local.bucket_name("raw") == "spotify-pipeline-local-raw-123456789012-us-east-1"
    assert load_config("dev").bucket_name("raw", "111111111111", "eu-west-1") != local.bucket_name("raw")


def test_pyspark_is_pinned_to_the_spark_of_the_glue_version() -> None:
    # Glue 6.0 runs Spark 4.1.1: a local Spark of another version would test a different engine.
    glue_spark = {"5.0": "3.5.4", "5.1": "3.5.6", "6.0": "4.1.1"}
    config = load_config("prod")
    pin = re.search(r"^pyspark==(\S+)$", (REPO_ROOT / "requirements.txt").read_text(), re.MULTILINE)
    assert pin, "requirements.txt must pin pyspark exactly"
    assert glue_spark[config.glue.version] == pin.group(1)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"extract": {"api_mode": "basic"}}, "api_mode is 'basic'; use one of: development, extended"),
        ({"extract": {"concurrency": 0}}, "concurrency is 0; use a number from 1 to 16"),
        ({"extract": {"concurrency": "4"}}, "concurrency must be a whole number"),
        ({"sources": {"user": ["top_songs"]}}, "unknown source 'top_songs'"),
        ({"sources": {"playlist_ids": ["spotify:playlist:abc"]}}, "give the bare base-62 id"),
        ({"sources": {"user": [], "playlist_ids": []}}, "selects nothing to extract"),
        ({"glue": {"workers": 1}}, "Glue needs at least 2"),
        ({"capture": {"every_minutes": 7}}, "every_minutes is 7; use minutes that divide an hour"),
        ({"capture": {"enabled": "yes"}}, "enabled must be true or false"),
        ({"glue": {"colour": "blue"}}, "unknown key 'colour'"),
        ({"project": "a-project-name-far-too-long-for-s3"}, "S3 allows 63"),
        ({"monitoring": {"freshness_window_hours": 1}}, "freshness_window_hours is 1; use 2 to 168"),
        ({"snowflake": {"wired": "yes"}}, "[snowflake] wired must be true or false"),
        ({"extract": {"max_attempts": "3"}}, "[extract] max_attempts must be a whole number"),
        ({"extract": {"backoff_cap_seconds": "8s"}}, "[extract] backoff_cap_seconds must be a number"),
        ({"extract": {"max_attempts": 0}}, "max_attempts is 0; use a number from 1 to 10"),
        ({"extract": {"retry": {"max_attempts": 3}}}, "[extract] has unknown key 'retry'"),
        ({"musicbrainz": {"user_agent": "python-requests"}}, "[musicbrainz] user_agent is 'python-requests'"),
        ({"musicbrainz": {"time_budget_seconds": 600}}, "[musicbrainz] time_budget_seconds is 600"),
        ({"musicbrainz": {"min_interval_seconds": "1s"}}, "[musicbrainz] min_interval_seconds must be a number"),
        ({"reporting": {"time_zone": "Europe/Berln"}}, "[reporting] time_zone is 'Europe/Berln', not an IANA time"),
        ({"reporting": {"time_zone": "CET'; DROP"}}, 'use one like "Europe/Berlin"'),
    ],
)
def test_a_wrong_value_names_the_key_and_the_fix(override: dict, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config("local", overrides=override)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_the_lambda_receives_the_very_settings_the_configuration_holds() -> None:
    # Given the [extract] retry keys, written flat, and a [sources] table
    config = load_config("local", overrides={"extract": {"max_attempts": 7, "backoff_cap_seconds": 3}})
    # When the stack's environment for the Lambda is read back the way the handler reads it
    environment = environment_from_config(config, "raw-bucket", "client-secret", "user-token-secret")
    settings = ExtractSettings.from_environment(environment)
    # Then the Lambda's retry policy and source selection equal the configuration's: one type each, no copy
    assert config.extract.retry == RetryPolicy(
        max_attempts=7, backoff_base_seconds=0.5, backoff_cap_seconds=3.0, request_timeout_seconds=10.0
    )
    assert settings.retry == config.extract.retry
    assert settings.sources == config.sources
    assert (settings.api_mode, settings.concurrency) == (config.extract.api_mode, config.extract.concurrency)


def test_musicbrainz_is_held_to_one_request_a_second_outside_the_local_runtime() -> None:
    with pytest.raises(ConfigError, match=r"min_interval_seconds is 0.5; MusicBrainz allows one request per second"):
        load_config("dev", overrides={"musicbrainz": {"min_interval_seconds": 0.5}})
    assert load_config("dev").musicbrainz.min_interval_seconds == 1.0


def test_the_lambda_receives_the_configured_musicbrainz_settings() -> None:
    config = load_config("dev")
    environment = environment_from_config(config, "raw-bucket", "client-secret", "user-token-secret")

    assert ExtractSettings.from_environment(environment).musicbrainz == config.musicbrainz


def test_an_unknown_extract_key_lists_the_retry_keys_among_the_known_ones() -> None:
    with pytest.raises(ConfigError) as raised:
        load_config("local", overrides={"extract": {"max_retries": 3}})
    assert "[extract] has unknown key 'max_retries'" in str(raised.value)
    assert "max_attempts, backoff_base_seconds, backoff_cap_seconds, request_timeout_seconds" in str(raised.value)


def test_an_unknown_environment_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="environment 'qa' is not in pipeline.toml; use one of: local, dev, prod"):
        load_config("qa")


def test_a_broken_file_names_itself(tmp_path: Path) -> None:
    broken = tmp_path / "pipeline.toml"
    broken.write_text(CONFIG_FILE.read_text() + "\n[extract\n")
    with pytest.raises(ConfigError, match="pipeline.toml is not valid TOML"):
        load_config("local", config_file=broken)


def test_captures_run_when_enabled_and_recently_played_is_a_source() -> None:
    assert load_config("local").captures_on
    assert not load_config("local", overrides={"capture": {"enabled": False}}).captures_on
    assert not load_config("local", overrides={"sources": {"user": ["saved_tracks"]}}).captures_on


@pytest.mark.parametrize(
    ("every_minutes", "cron", "first_times"),
    [
        (30, {"minute": "0/30", "hour": "*"}, ["00:00", "00:30", "01:00"]),
        (15, {"minute": "7/15", "hour": "*"}, ["00:07", "00:22", "00:37"]),
        (120, {"minute": "45", "hour": "0/2"}, ["00:45", "02:45", "04:45"]),
    ],
)
def test_captures_fire_half_an_interval_away_from_the_daily_run(
    every_minutes: int, cron: dict[str, str], first_times: list[str]
) -> None:
    # Given the daily run at minute 15 of its hour
    config = load_config("local", overrides={"capture": {"every_minutes": every_minutes}})
    assert config.schedule.minute == "15"
    assert config.capture_cron == cron
    times = config.capture_times
    assert [t.strftime("%H:%M") for t in times[:3]] == first_times
    assert len(times) == 24 * 60 // every_minutes
    assert "06:15" not in {t.strftime("%H:%M") for t in times}
