"""Read back what AWS needs from Snowflake after the migrations ran.

- The storage integration's IAM user and external id: the trust policy of the role Snowflake assumes to read
  the processed bucket (`DESC INTEGRATION`: STORAGE_AWS_IAM_USER_ARN, STORAGE_AWS_EXTERNAL_ID).
- The error (notification) integration's IAM user and external id: the trust policy of the role Snowflake
  assumes to publish pipe errors to SNS (`DESC INTEGRATION`: SF_AWS_IAM_USER_ARN, SF_AWS_EXTERNAL_ID).
- Each pipe's notification channel, the SQS queue the processed bucket notifies (`SHOW PIPES`).

Pipes are matched to model tables by the table their COPY loads, so no naming convention is assumed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from applier.errors import ReadBackError

_COPY_TARGET = re.compile(r"^\s*COPY\s+INTO\s+(?P<target>[^\s(]+)", re.IGNORECASE)


def pipe_channel_attribute(table_name: str) -> str:
    """`dim_track` -> `PipeChannelDimTrack`: the custom resource's attribute holding that table's pipe queue."""
    return "PipeChannel" + "".join(part.capitalize() for part in table_name.split("_"))


@dataclass(frozen=True)
class AwsWiring:
    storage_aws_iam_user_arn: str
    storage_aws_external_id: str
    error_aws_iam_user_arn: str
    error_aws_external_id: str
    pipe_channels: dict[str, str]  # model table name -> the pipe's SQS queue ARN

    def attributes(self) -> dict[str, str]:
        """The custom resource's Data: what the stack reads with `get_att_string(...)`."""
        data = {
            "StorageAwsIamUserArn": self.storage_aws_iam_user_arn,
            "StorageAwsExternalId": self.storage_aws_external_id,
            "ErrorAwsIamUserArn": self.error_aws_iam_user_arn,
            "ErrorAwsExternalId": self.error_aws_external_id,
        }
        data.update({pipe_channel_attribute(table): arn for table, arn in sorted(self.pipe_channels.items())})
        return data


def rows_as_dicts(cursor: Any) -> list[dict[str, Any]]:
    """The cursor's result with lower-case column names (Snowflake returns `property_value`, `name`, ...)."""
    names = [column[0].lower() for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def describe_integration(cursor: Any, name: str) -> dict[str, str]:
    """`DESC INTEGRATION name` as {PROPERTY: value}."""
    cursor.execute(f"DESC INTEGRATION {name}")
    return {str(row["property"]).upper(): row["property_value"] for row in rows_as_dicts(cursor)}


def pipe_channels(cursor: Any, schema: str) -> dict[str, str]:
    """{model table: notification channel} for every pipe in `schema` (database.schema)."""
    cursor.execute(f"SHOW PIPES IN SCHEMA {schema}")
    channels: dict[str, str] = {}
    for row in rows_as_dicts(cursor):
        match = _COPY_TARGET.match(row.get("definition") or "")
        if not match:
            raise ReadBackError(f"pipe {row.get('name')} in {schema} has no COPY INTO definition; recreate it")
        table = match["target"].split(".")[-1].strip('"').lower()
        channel = row.get("notification_channel")
        if not channel:
            raise ReadBackError(
                f"pipe {row['name']} has no notification channel; it must be created with AUTO_INGEST = TRUE"
            )
        if table in channels:
            raise ReadBackError(f"two pipes in {schema} load {table}; drop the extra one")
        channels[table] = channel
    return channels


def read_aws_wiring(cursor: Any, variables: dict[str, str]) -> AwsWiring:
    storage_integration = variables["STORAGE_INTEGRATION"]
    error_integration = variables["ERROR_INTEGRATION"]
    storage = describe_integration(cursor, storage_integration)
    errors = describe_integration(cursor, error_integration)
    return AwsWiring(
        storage_aws_iam_user_arn=_property(storage, "STORAGE_AWS_IAM_USER_ARN", storage_integration),
        storage_aws_external_id=_property(storage, "STORAGE_AWS_EXTERNAL_ID", storage_integration),
        error_aws_iam_user_arn=_property(errors, "SF_AWS_IAM_USER_ARN", error_integration),
        error_aws_external_id=_property(errors, "SF_AWS_EXTERNAL_ID", error_integration),
        pipe_channels=pipe_channels(cursor, f"{variables['DATABASE']}.{variables['LANDING_SCHEMA']}"),
    )


def _property(properties: dict[str, str], key: str, integration: str) -> str:
    value = properties.get(key)
    if not value:
        raise ReadBackError(
            f"DESC INTEGRATION {integration} returned no {key}; check that the applier's role owns the "
            "integration (or has USAGE on it)"
        )
    return str(value)
