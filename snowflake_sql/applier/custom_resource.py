"""The CloudFormation custom resource that applies the migrations during `cdk deploy`.

It is an `onEvent` handler for the CDK provider framework (`aws_cdk.custom_resources.Provider(
on_event_handler=...)`): it returns `{"PhysicalResourceId": ..., "Data": {...}}` and the framework answers
CloudFormation (a raised exception becomes a FAILED response carrying its message). No `isComplete` handler:
applying is synchronous.

ResourceProperties:
    SecretArn   the Snowflake secret (see applier.connection for its JSON)
    Variables   {template variable: value}, from applier.warehouse_variables at synth time
    (any other property, e.g. a fingerprint of the migrations, only serves to trigger an Update)

Create/Update: apply the pending migrations, then return the Data the stack wires into IAM and S3:
`StorageAwsIamUserArn`, `StorageAwsExternalId`, `ErrorAwsIamUserArn`, `ErrorAwsExternalId` and, per model
table, `pipe_channel_attribute(table)` (e.g. `PipeChannelDimTrack`): the pipe's SQS queue ARN.
Delete: nothing. Warehouse data outlives the stack; dropping it is an operator's decision.
"""

from __future__ import annotations

import logging
from typing import Any

from applier.apply import apply_migrations
from applier.connection import connect, credentials_from_secret, read_secret, require_deploy_role
from applier.readback import read_aws_wiring

logger = logging.getLogger("applier")
logger.setLevel(logging.INFO)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request = event["RequestType"]
    if request == "Delete":
        logger.info("Delete: leaving the Snowflake warehouse and its data in place")
        return {"PhysicalResourceId": event["PhysicalResourceId"]}
    secret_arn, variables = _properties(event.get("ResourceProperties") or {})
    credentials = credentials_from_secret(read_secret(secret_arn), secret_arn)
    connection = connect(credentials, variables)
    try:
        require_deploy_role(connection, variables)
        applied = apply_migrations(connection, variables)
        logger.info("%s: applied %s", request, ", ".join(applied) or "nothing (up to date)")
        wiring = read_aws_wiring(connection.cursor(), variables)
    finally:
        connection.close()
    return {"PhysicalResourceId": f"snowflake-warehouse-{variables['DATABASE']}", "Data": wiring.attributes()}


def _properties(properties: dict[str, Any]) -> tuple[str, dict[str, str]]:
    secret_arn = properties.get("SecretArn")
    variables = properties.get("Variables")
    if not isinstance(secret_arn, str) or not secret_arn:
        raise ValueError("ResourceProperties.SecretArn is missing; pass the Snowflake secret's ARN")
    if not isinstance(variables, dict) or not variables:
        raise ValueError("ResourceProperties.Variables is missing; pass applier.warehouse_variables(...)")
    return secret_arn, {str(name): str(value) for name, value in variables.items()}
