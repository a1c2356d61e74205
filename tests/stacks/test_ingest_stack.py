"""The ingest stack: daily schedule -> extraction Lambda, its secrets, its dead-letter queue and its rights."""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Match, Template
from stack_templates import Synthesized, arn_of, as_list, logical_id_of, only, producer_value, ref, statements

from extract.capture import CAPTURE_ACTION, capture_event, is_capture_event
from extract.service import HANDLER
from extract.settings import (
    ENV_CLIENT_SECRET_ID,
    ENV_RAW_BUCKET,
    ENV_USER_TOKEN_SECRET_ID,
    environment_from_config,
)


@pytest.fixture(scope="module")
def ingest(wired: Synthesized) -> Template:
    return wired.template(wired.pipeline.ingest)


def extract_function(template: Template) -> dict:
    return only(template.find_resources("AWS::Lambda::Function"))["Properties"]


def test_the_extraction_runs_python_312_on_arm64_with_the_configured_size(wired: Synthesized) -> None:
    template = wired.template(wired.pipeline.ingest)
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "FunctionName": "spotify-pipeline-dev-extract",
            "Handler": HANDLER,
            "Runtime": "python3.12",
            "Architectures": ["arm64"],
            "MemorySize": wired.config.extract.lambda_memory_mb,
            "Timeout": wired.config.extract.lambda_timeout_seconds,
            "TracingConfig": {"Mode": "Active"},
        },
    )


def test_runs_never_overlap(ingest: Template) -> None:
    # Two concurrent runs would read the same state object and fetch the same pages twice.
    assert extract_function(ingest)["ReservedConcurrentExecutions"] == 1


def test_prod_gets_its_own_longer_timeout(aws_only: Synthesized) -> None:
    properties = extract_function(aws_only.template(aws_only.pipeline.ingest))
    assert properties["Timeout"] == aws_only.config.extract.lambda_timeout_seconds == 900


def test_the_environment_is_the_one_the_extraction_settings_define(wired: Synthesized) -> None:
    ingest_stack = wired.pipeline.ingest
    variables = extract_function(wired.template(ingest_stack))["Environment"]["Variables"]
    expected = environment_from_config(wired.config, "raw", "client", "token")
    assert sorted(variables) == sorted(expected)
    for name, value in expected.items():
        if name not in (ENV_RAW_BUCKET, ENV_CLIENT_SECRET_ID, ENV_USER_TOKEN_SECRET_ID):
            assert variables[name] == value, name
    # The bucket and the secrets are references, never copied names.
    assert producer_value(wired, variables[ENV_RAW_BUCKET]) == ref(wired.pipeline.storage.raw_bucket)
    assert variables[ENV_CLIENT_SECRET_ID] == ref(ingest_stack.client_secret)
    assert variables[ENV_USER_TOKEN_SECRET_ID] == ref(ingest_stack.user_token_secret)


def test_logs_go_to_its_own_group_kept_three_months(wired: Synthesized) -> None:
    ingest_stack = wired.pipeline.ingest
    template = wired.template(ingest_stack)
    template.has_resource_properties(
        "AWS::Logs::LogGroup", {"LogGroupName": "/aws/lambda/spotify-pipeline-dev-extract", "RetentionInDays": 90}
    )
    assert extract_function(template)["LoggingConfig"] == {"LogGroup": ref(ingest_stack.extract.log_group)}


def test_the_schedule_invokes_the_lambda_daily_at_the_configured_time(wired: Synthesized) -> None:
    ingest_stack = wired.pipeline.ingest
    schedule = wired.config.schedule
    wired.template(ingest_stack).has_resource_properties(
        "AWS::Events::Rule",
        {
            "ScheduleExpression": f"cron({schedule.minute} {schedule.hour} * * ? *)",
            "Description": schedule.description,
            "State": "ENABLED",
            "Targets": [
                Match.object_like(
                    {
                        "Arn": arn_of(ingest_stack.function),
                        "DeadLetterConfig": {"Arn": arn_of(ingest_stack.dead_letter_queue)},
                        "RetryPolicy": Match.object_like({"MaximumRetryAttempts": 2}),
                    }
                )
            ],
        },
    )


def test_the_capture_schedule_invokes_the_same_function_with_a_capture_event(wired: Synthesized) -> None:
    ingest_stack = wired.pipeline.ingest
    template = wired.template(ingest_stack)
    cron = wired.config.capture_cron
    template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "Name": "spotify-pipeline-dev-capture-recently-played",
            "ScheduleExpression": f"cron({cron['minute']} {cron['hour']} * * ? *)",
            "State": "ENABLED",
            "Targets": [
                Match.object_like(
                    {
                        "Arn": arn_of(ingest_stack.function),
                        "DeadLetterConfig": {"Arn": arn_of(ingest_stack.dead_letter_queue)},
                        "RetryPolicy": Match.object_like({"MaximumRetryAttempts": 2}),
                        "InputTransformer": {
                            "InputPathsMap": {"time": "$.time"},
                            "InputTemplate": f'{{"action":"{CAPTURE_ACTION}","time":<time>}}',
                        },
                    }
                )
            ],
        },
    )
    # The daily schedule and the capture schedule; a capture adds no Glue trigger (the transform stack has the one
    # manifest rule) and no second function: one function, so captures and the daily run never overlap.
    assert len(template.find_resources("AWS::Events::Rule")) == 2
    assert len(template.find_resources("AWS::Lambda::Function")) == 1
    assert cron == {"minute": "0/30", "hour": "*"}  # every 30 minutes, 15 minutes away from the daily 06:15


def test_the_capture_event_the_stack_sends_is_one_the_function_runs_as_a_capture() -> None:
    event = json.loads(f'{{"action":"{CAPTURE_ACTION}","time":"2026-11-28T10:30:00Z"}}')
    assert is_capture_event(event) and event == capture_event("2026-11-28T10:30:00Z")


def test_a_failed_invocation_is_retried_then_parked_in_the_dead_letter_queue(wired: Synthesized) -> None:
    ingest_stack = wired.pipeline.ingest
    wired.template(ingest_stack).has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        {
            "FunctionName": ref(ingest_stack.function),
            "MaximumRetryAttempts": 2,
            "DestinationConfig": {"OnFailure": {"Destination": arn_of(ingest_stack.dead_letter_queue)}},
        },
    )


def test_the_dead_letter_queue_is_encrypted_and_refuses_plain_http(wired: Synthesized) -> None:
    ingest_stack = wired.pipeline.ingest
    template = wired.template(ingest_stack)
    template.has_resource_properties(
        "AWS::SQS::Queue",
        {
            "QueueName": "spotify-pipeline-dev-extract-dlq",
            "SqsManagedSseEnabled": True,
            "MessageRetentionPeriod": 1209600,
        },
    )
    template.has_resource_properties(
        "AWS::SQS::QueuePolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})]
                )
            }
        },
    )


def test_the_two_spotify_secrets_are_created_without_a_value(wired: Synthesized) -> None:
    template = wired.template(wired.pipeline.ingest)
    secrets = template.find_resources("AWS::SecretsManager::Secret")
    # The Spotify app credentials and the user's refresh token; the operator sets both (README).
    assert len(secrets) == 2
    assert sorted(s["Properties"]["Name"] for s in secrets.values()) == [
        wired.config.secret_name("client"),
        wired.config.secret_name("user_token"),
    ]
    for secret in secrets.values():
        assert "SecretString" not in secret["Properties"]
        assert "GenerateSecretString" not in secret["Properties"]
        # Kept on stack deletion: credentials outlive a redeploy.
        assert secret["DeletionPolicy"] == "Retain"


def test_the_lambda_reads_both_secrets_and_writes_back_only_the_user_token(wired: Synthesized) -> None:
    ingest_stack = wired.pipeline.ingest
    policy = only(wired.template(ingest_stack).find_resources("AWS::IAM::Policy"))
    by_sid = {s.get("Sid"): s for s in statements(policy)}
    assert by_sid["ReadTheSpotifySecrets"]["Action"] == "secretsmanager:GetSecretValue"
    assert by_sid["ReadTheSpotifySecrets"]["Resource"] == [
        ref(ingest_stack.client_secret),
        ref(ingest_stack.user_token_secret),
    ]
    writes = [s for s in statements(policy) if "secretsmanager:PutSecretValue" in json.dumps(s["Action"])]
    assert writes == [
        {
            "Action": "secretsmanager:PutSecretValue",
            "Effect": "Allow",
            "Resource": ref(ingest_stack.user_token_secret),
            "Sid": "WriteBackTheRotatedUserToken",
        }
    ]


def test_the_lambda_reaches_the_raw_zone_only_through_the_storage_stacks_policy(wired: Synthesized) -> None:
    ingest_stack = wired.pipeline.ingest
    template = wired.template(ingest_stack)
    role = template.find_resources("AWS::IAM::Role")[logical_id_of(ingest_stack.extract.role)]
    (managed,) = role["Properties"]["ManagedPolicyArns"]
    assert producer_value(wired, managed) == ref(wired.pipeline.storage.raw_zone_read_write)
    # Its own policy names no bucket at all.
    policy = only(template.find_resources("AWS::IAM::Policy"))
    assert not [s for s in statements(policy) if any(a.startswith("s3:") for a in as_list(s["Action"]))]


def test_outputs_tell_the_operator_what_to_invoke_and_which_secrets_to_set(ingest: Template) -> None:
    for name in ("ExtractFunctionName", "SpotifyClientSecretArn", "SpotifyUserTokenSecretArn"):
        ingest.has_output(name, {})
