"""applier.readback: the values AWS needs, parsed from DESC INTEGRATION and SHOW PIPES rows as Snowflake
returns them (a fake of the connector's cursor at its boundary)."""

from __future__ import annotations

from typing import Any

import pytest

from applier import pipe_channel_attribute, read_aws_wiring
from applier.errors import ReadBackError
from contracts.model import LOADED_TABLES


def test_pipe_channel_attributes_are_camel_case_table_names() -> None:
    assert pipe_channel_attribute("dim_track") == "PipeChannelDimTrack"
    assert pipe_channel_attribute("fact_playlist_item") == "PipeChannelFactPlaylistItem"


def _account_with_objects(account: Any, variables: dict[str, str], pipes: dict[str, str]) -> Any:
    cursor = account.connect().cursor()
    cursor.execute(f"CREATE STORAGE INTEGRATION IF NOT EXISTS {variables['STORAGE_INTEGRATION']} TYPE = ...")
    cursor.execute(f"CREATE NOTIFICATION INTEGRATION IF NOT EXISTS {variables['ERROR_INTEGRATION']} TYPE = ...")
    for name, target in pipes.items():
        cursor.execute(
            f"CREATE PIPE IF NOT EXISTS SPOTIFY.LANDING.{name} AUTO_INGEST = TRUE AS COPY INTO {target} (a) "
            "FROM (SELECT $1:a FROM @SPOTIFY.LANDING.PROCESSED_STAGE/x/)"
        )
    return account


def test_integration_identities_and_pipe_channels_are_read_back(fake_snowflake, variables) -> None:
    # Given the integrations and a pipe whose name says nothing about the table it loads
    account = _account_with_objects(fake_snowflake, variables, {"FIRST_PIPE": "SPOTIFY.LANDING.DIM_TRACK"})

    # When the wiring is read back
    wiring = read_aws_wiring(account.connect().cursor(), variables)

    # Then each value comes from its documented property, and the pipe is matched by its COPY target
    assert wiring.storage_aws_iam_user_arn == "arn:aws:iam::210987654321:user/abc1-b-self1234"
    assert wiring.storage_aws_external_id == "MYACCOUNT_SFCRole=2_a123456/s0aBCDEfGHIJklmNoPq="
    assert wiring.error_aws_iam_user_arn == "arn:aws:iam::210987654321:user/c_myaccount"
    assert wiring.error_aws_external_id == "MYACCOUNT_SFCRole=2_zyx987/tuVWxyz="
    assert wiring.attributes() == {
        "StorageAwsIamUserArn": wiring.storage_aws_iam_user_arn,
        "StorageAwsExternalId": wiring.storage_aws_external_id,
        "ErrorAwsIamUserArn": wiring.error_aws_iam_user_arn,
        "ErrorAwsExternalId": wiring.error_aws_external_id,
        "PipeChannelDimTrack": account.queue_arn,
    }


def test_every_loaded_table_gets_a_channel_from_the_project_pipes(fake_snowflake, variables) -> None:
    from applier import apply_migrations

    connection = fake_snowflake.connect()
    apply_migrations(connection, variables)

    wiring = read_aws_wiring(connection.cursor(), variables)

    assert sorted(wiring.pipe_channels) == sorted(t.name for t in LOADED_TABLES)


def test_a_missing_integration_property_is_a_clear_error(fake_snowflake, variables) -> None:
    account = _account_with_objects(fake_snowflake, variables, {})
    account.integrations[variables["ERROR_INTEGRATION"]] = "storage"  # answers without SF_AWS_* properties

    with pytest.raises(ReadBackError, match=f"DESC INTEGRATION {variables['ERROR_INTEGRATION']} returned no SF_AWS"):
        read_aws_wiring(account.connect().cursor(), variables)


def test_two_pipes_loading_one_table_are_reported(fake_snowflake, variables) -> None:
    account = _account_with_objects(
        fake_snowflake, variables, {"A_PIPE": "SPOTIFY.LANDING.DIM_TRACK", "B_PIPE": "SPOTIFY.LANDING.DIM_TRACK"}
    )

    with pytest.raises(ReadBackError, match="two pipes in SPOTIFY.LANDING load dim_track"):
        read_aws_wiring(account.connect().cursor(), variables)
