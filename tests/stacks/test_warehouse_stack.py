"""The warehouse stack: the applier custom resource, the roles Snowflake assumes, Snowpipe's notifications.

An environment configured `[snowflake] wired = true` has this stack (dev); one that is not has none, and the
storage stack's output says what to do (prod). The credentials secret is the operator's, referenced by name.
"""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Template
from stack_templates import Synthesized, arn_of, logical_id_of, only, producer_value, ref, statements

from applier import MIGRATIONS_DIR, load_migrations, migrations_fingerprint, pipe_channel_attribute, warehouse_variables
from contracts.events import pipe_notification_filters
from contracts.model import LOADED_TABLES
from stacks.warehouse import APPLIER_HANDLER, snowflake_not_wired_message


@pytest.fixture(scope="module")
def warehouse(wired: Synthesized) -> Template:
    return wired.template(wired.pipeline.warehouse)


def custom_resource(template: Template) -> dict[str, Any]:
    return only(template.find_resources("Custom::SnowflakeWarehouse"))["Properties"]


def warehouse_data(attribute: str) -> dict[str, list[str]]:
    """A value the applier returns, as the template reads it."""
    return {"Fn::GetAtt": ["SnowflakeWarehouse", attribute]}


def test_the_applier_gets_the_secret_and_the_variables_of_the_migrations(wired: Synthesized) -> None:
    warehouse_stack = wired.pipeline.warehouse
    properties = custom_resource(wired.template(warehouse_stack))
    assert properties["SecretArn"] == wired.config.secret_name("snowflake")
    variables = properties["Variables"]
    # Given the same arguments the stack passes, the applier's own variables function agrees on every value.
    storage_role_arn = f"arn:aws:iam::111122223333:role/{wired.config.storage_role_name}"
    error_role_arn = "arn:aws:iam::111122223333:role/spotify-pipeline-dev-snowflake-errors"
    expected = warehouse_variables(wired.config, "<processed>", storage_role_arn, "<error topic>", error_role_arn)
    assert sorted(variables) == sorted(expected)
    assert producer_value(wired, variables["PROCESSED_BUCKET"]) == ref(wired.pipeline.storage.processed_bucket)
    assert variables["ERROR_TOPIC_ARN"] == ref(warehouse_stack.error_topic)
    tokens = {"PROCESSED_BUCKET", "ERROR_TOPIC_ARN"}
    assert {name: value for name, value in variables.items() if name not in tokens} == {
        name: value for name, value in expected.items() if name not in tokens
    }


def test_a_new_or_changed_migration_changes_the_resource_so_cloudformation_reapplies(warehouse: Template) -> None:
    properties = custom_resource(warehouse)
    assert properties["MigrationsFingerprint"] == migrations_fingerprint(load_migrations(MIGRATIONS_DIR))


def test_the_applier_runs_python_312_arm64_and_may_read_only_the_snowflake_secret(wired: Synthesized) -> None:
    warehouse_stack = wired.pipeline.warehouse
    template = wired.template(warehouse_stack)
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "FunctionName": "spotify-pipeline-dev-snowflake-applier",
            "Handler": APPLIER_HANDLER,
            "Runtime": "python3.12",
            "Architectures": ["arm64"],
        },
    )
    secret_reads = [
        statement
        for policy in template.find_resources("AWS::IAM::Policy").values()
        for statement in statements(policy)
        if "secretsmanager" in str(statement["Action"])
    ]
    assert secret_reads == [
        {
            "Action": "secretsmanager:GetSecretValue",
            "Effect": "Allow",
            # The operator's secret, by name: Secrets Manager adds six random characters to its ARN.
            "Resource": f"arn:aws:secretsmanager:eu-west-1:111122223333:secret:"
            f"{wired.config.secret_name('snowflake')}-??????",
            "Sid": "ReadTheSnowflakeSecret",
        }
    ]


def test_snowflakes_storage_role_trusts_the_integrations_user_with_its_external_id(wired: Synthesized) -> None:
    warehouse_stack = wired.pipeline.warehouse
    template = wired.template(warehouse_stack)
    role = template.find_resources("AWS::IAM::Role")[logical_id_of(warehouse_stack.storage_role)]["Properties"]
    # The name is fixed up front, so the migrations can name the role before it exists.
    assert role["RoleName"] == wired.config.storage_role_name
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": warehouse_data("StorageAwsExternalId")}},
            "Effect": "Allow",
            "Principal": {"AWS": warehouse_data("StorageAwsIamUserArn")},
        }
    ]
    # What it may read is the storage stack's model-read policy, nothing of its own.
    (managed,) = role["ManagedPolicyArns"]
    assert producer_value(wired, managed) == ref(wired.pipeline.storage.model_read)


def test_snowflakes_error_role_may_only_publish_to_the_snowpipe_error_topic(wired: Synthesized) -> None:
    warehouse_stack = wired.pipeline.warehouse
    template = wired.template(warehouse_stack)
    role = template.find_resources("AWS::IAM::Role")[logical_id_of(warehouse_stack.error_role)]["Properties"]
    assert role["RoleName"] == "spotify-pipeline-dev-snowflake-errors"
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "AWS": warehouse_data("ErrorAwsIamUserArn")
    }
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Condition"] == {
        "StringEquals": {"sts:ExternalId": warehouse_data("ErrorAwsExternalId")}
    }
    (policy,) = [
        p
        for p in template.find_resources("AWS::IAM::Policy").values()
        if p["Properties"]["Roles"] == [ref(warehouse_stack.error_role)]
    ]
    publish, key = statements(policy)
    assert publish == {
        "Action": "sns:Publish",
        "Effect": "Allow",
        "Resource": ref(warehouse_stack.error_topic),
        "Sid": "PublishSnowpipeErrors",
    }
    assert producer_value(wired, key["Resource"]) == arn_of(wired.pipeline.alerts.alerts_key)


def test_the_snowpipe_error_topic_is_encrypted_and_refuses_plain_http(wired: Synthesized) -> None:
    template = wired.template(wired.pipeline.warehouse)
    topic = only(template.find_resources("AWS::SNS::Topic"))["Properties"]
    assert topic["TopicName"] == "spotify-pipeline-dev-snowpipe-errors"
    assert producer_value(wired, topic["KmsMasterKeyId"]) == arn_of(wired.pipeline.alerts.alerts_key)
    policy = only(template.find_resources("AWS::SNS::TopicPolicy"))
    assert statements(policy)[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_each_model_table_notifies_its_pipe_of_new_parquet_files_only(wired: Synthesized) -> None:
    template = wired.template(wired.pipeline.warehouse)
    notifications = only(template.find_resources("Custom::S3BucketNotifications"))["Properties"]
    assert producer_value(wired, notifications["BucketName"]) == ref(wired.pipeline.storage.processed_bucket)
    # Notifications the stack does not own (if any) are kept.
    assert notifications["Managed"] is False
    queues = notifications["NotificationConfiguration"]["QueueConfigurations"]
    # One configuration per loaded table (the model's and the run-quality facts), each to the SQS channel the
    # applier read back for that table's pipe.
    assert len(queues) == len(LOADED_TABLES)
    filters = pipe_notification_filters()
    for table in LOADED_TABLES:
        assert {
            "Events": ["s3:ObjectCreated:*"],
            "Filter": {
                "Key": {
                    "FilterRules": [
                        {"Name": "suffix", "Value": filters[table.name]["suffix"]},
                        {"Name": "prefix", "Value": filters[table.name]["prefix"]},
                    ]
                }
            },
            "QueueArn": warehouse_data(pipe_channel_attribute(table.name)),
        } in queues


def test_no_deploy_or_rollback_of_the_stack_can_delete_or_empty_the_snowflake_secret(deployment: Synthesized) -> None:
    # The operator creates it before the first wired deploy; no template owns it.
    for stack_name, template in deployment.templates().items():
        secrets = [r for r in template["Resources"].values() if r["Type"] == "AWS::SecretsManager::Secret"]
        assert deployment.config.secret_name("snowflake") not in str(secrets), stack_name


def test_an_environment_not_wired_has_no_warehouse_stack(aws_only: Synthesized) -> None:
    assert aws_only.pipeline.warehouse is None
    assert not [name for name in aws_only.templates() if name.endswith("-warehouse")]
    # Nothing anywhere that needs Snowflake.
    for template in aws_only.templates().values():
        types = {resource["Type"] for resource in template["Resources"].values()}
        assert "Custom::SnowflakeWarehouse" not in types
        assert "Custom::S3BucketNotifications" not in str(
            [r for r in template["Resources"].values() if "snowflake" in str(r).lower()]
        )


def test_an_environment_not_wired_says_what_is_missing_and_how_to_add_it(aws_only: Synthesized) -> None:
    template = aws_only.template(aws_only.pipeline.storage)
    message = snowflake_not_wired_message(aws_only.config)
    template.has_output("SnowflakeStatus", {"Value": message})
    assert "[env.prod.snowflake] wired" in message
    assert "make deploy ENV=prod" in message
    assert f"aws secretsmanager create-secret --name {aws_only.config.secret_name('snowflake')}" in message
    assert "python -m ops backfill --env prod" in message


def test_when_wired_the_outputs_name_the_roles_and_topic(warehouse: Template) -> None:
    for name in ("SnowflakeStatus", "SnowflakeStorageRoleArn", "SnowpipeErrorTopicArn"):
        warehouse.has_output(name, {})
