"""The transform stack: manifest event -> rule -> state machine -> Glue job, and the job's security."""

from __future__ import annotations

import json
import re
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Capture, Match, Template
from stack_templates import (
    Synthesized,
    arn_of,
    as_list,
    joined,
    logical_id_of,
    only,
    producer_value,
    ref,
    statements,
    token_text,
)

from config import ConfigError, load_config
from contracts.events import manifest_created_pattern
from ops.replay import replay_execution_input
from stacks.app import build_pipeline
from stacks.context import cdk_json_context
from stacks.transform import GLUE_RETRYABLE_ERRORS
from transforms.session import start_settings


@pytest.fixture(scope="module")
def transform(wired: Synthesized) -> Template:
    return wired.template(wired.pipeline.transform)


def glue_job(template: Template) -> dict[str, Any]:
    return only(template.find_resources("AWS::Glue::Job"))["Properties"]


def definition(template: Template) -> dict[str, Any]:
    state_machine = only(template.find_resources("AWS::StepFunctions::StateMachine"))
    return json.loads(joined(state_machine["Properties"]["DefinitionString"]))


def test_the_glue_job_runs_the_configured_glue_version_workers_and_timeout(deployment: Synthesized) -> None:
    glue = deployment.config.glue
    job = glue_job(deployment.template(deployment.pipeline.transform))
    assert job["Name"] == deployment.config.glue_job_name
    assert job["GlueVersion"] == glue.version == "6.0"
    assert job["WorkerType"] == glue.worker_type
    assert job["NumberOfWorkers"] == glue.workers
    assert job["Timeout"] == glue.timeout_minutes
    assert job["ExecutionProperty"] == {"MaxConcurrentRuns": glue.max_concurrent_runs}
    # A failed run is alerted and re-driven from the state machine, never silently retried by Glue.
    assert job["MaxRetries"] == 0
    assert job["Command"]["Name"] == "glueetl"


def test_dev_runs_flex_and_prod_runs_standard_with_run_queuing(wired: Synthesized, aws_only: Synthesized) -> None:
    # Given dev's configuration (flex = true) and prod's (flex = false, 4 workers)
    dev_job = glue_job(wired.template(wired.pipeline.transform))
    prod_job = glue_job(aws_only.template(aws_only.pipeline.transform))
    # Then dev runs on spare capacity, and prod queues runs beyond the concurrency limit instead of failing them
    assert dev_job["ExecutionClass"] == "FLEX"
    assert dev_job["JobRunQueuingEnabled"] is False
    assert prod_job.get("ExecutionClass", "STANDARD") == "STANDARD"
    assert prod_job["JobRunQueuingEnabled"] is True
    assert prod_job["NumberOfWorkers"] == 4


def test_the_job_gets_the_processed_bucket_and_its_code_as_assets(wired: Synthesized) -> None:
    arguments = glue_job(wired.template(wired.pipeline.transform))["DefaultArguments"]
    processed_uri = arguments["--processed_uri"]["Fn::Join"][1]
    assert processed_uri[0] == "s3://" and processed_uri[2] == "/"
    assert producer_value(wired, processed_uri[1]) == ref(wired.pipeline.storage.processed_bucket)
    assert joined(arguments["--extra-py-files"]).endswith(".zip")
    script = glue_job(wired.template(wired.pipeline.transform))["Command"]["ScriptLocation"]
    assert joined(script).endswith(".py")


def test_glue_starts_the_jobs_spark_with_the_settings_a_running_session_cannot_take(wired: Synthesized) -> None:
    # The settings local sessions start with (transforms/session.py) reach Glue's spark-submit, one `--conf` each
    conf = glue_job(wired.template(wired.pipeline.transform))["DefaultArguments"]["--conf"]
    assert dict(pair.split("=", 1) for pair in conf.split(" --conf ")) == start_settings()
    assert start_settings()["spark.python.sql.dataFrameDebugging.enabled"] == "false"


def test_the_job_logs_where_glue_5_writes_them_into_encrypted_groups_with_a_retention(wired: Synthesized) -> None:
    transform_stack = wired.pipeline.transform
    template = wired.template(transform_stack)
    arguments = glue_job(template)["DefaultArguments"]
    # Glue 5+ ignores the continuous-logging arguments; it writes to <prefix>/output and <prefix>/error.
    assert not [name for name in arguments if "continuous" in name]
    prefix = arguments["--custom-logGroup-prefix"]
    assert prefix == "/aws-glue/jobs/spotify-pipeline-dev-transform" == transform_stack.glue_log_prefix
    groups = {
        group["Properties"]["LogGroupName"]: group["Properties"]
        for group in template.find_resources("AWS::Logs::LogGroup").values()
        if group["Properties"].get("LogGroupName", "").startswith("/aws-glue/")
    }
    # Exactly the two groups Glue writes to: no group that stays empty.
    assert sorted(groups) == [f"{prefix}/error", f"{prefix}/output"]
    for group in groups.values():
        assert group["RetentionInDays"] == 90
        assert producer_value(wired, group["KmsKeyId"]) == arn_of(wired.pipeline.storage.data_key)


def test_a_security_configuration_encrypts_s3_logs_and_bookmarks_with_the_data_key(wired: Synthesized) -> None:
    template = wired.template(wired.pipeline.transform)
    configuration = only(template.find_resources("AWS::Glue::SecurityConfiguration"))["Properties"]
    encryption = configuration["EncryptionConfiguration"]
    assert encryption["S3Encryptions"][0]["S3EncryptionMode"] == "SSE-KMS"
    assert encryption["CloudWatchEncryption"]["CloudWatchEncryptionMode"] == "SSE-KMS"
    assert encryption["JobBookmarksEncryption"]["JobBookmarksEncryptionMode"] == "CSE-KMS"
    data_key = arn_of(wired.pipeline.storage.data_key)
    for key_arn in (
        encryption["S3Encryptions"][0]["KmsKeyArn"],
        encryption["CloudWatchEncryption"]["KmsKeyArn"],
        encryption["JobBookmarksEncryption"]["KmsKeyArn"],
    ):
        assert producer_value(wired, key_arn) == data_key
    assert glue_job(template)["SecurityConfiguration"] == ref(wired.pipeline.transform.security_configuration)


def test_the_rule_matches_exactly_the_contracts_manifest_pattern(wired: Synthesized) -> None:
    template = wired.template(wired.pipeline.transform)
    bucket_name = Capture()
    template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "EventPattern": Match.object_like(
                {"detail": {"bucket": {"name": [bucket_name]}, "object": Match.any_value()}}
            )
        },
    )
    assert producer_value(wired, bucket_name.as_object()) == ref(wired.pipeline.storage.raw_bucket)
    rule = only(template.find_resources("AWS::Events::Rule"))["Properties"]
    assert rule["EventPattern"] == manifest_created_pattern(bucket_name.as_object())


def test_the_rule_starts_the_state_machine_with_retries_and_a_dead_letter_queue(wired: Synthesized) -> None:
    transform_stack = wired.pipeline.transform
    rule = only(wired.template(transform_stack).find_resources("AWS::Events::Rule"))["Properties"]
    (target,) = rule["Targets"]
    assert target["Arn"] == ref(transform_stack.state_machine)
    assert target["DeadLetterConfig"] == {"Arn": arn_of(transform_stack.trigger_dead_letter_queue)}
    assert target["RetryPolicy"]["MaximumRetryAttempts"] == 4


def test_the_state_machine_builds_the_manifest_uri_from_the_event(transform: Template) -> None:
    locate = definition(transform)["States"]["LocateManifest"]
    assert locate["Type"] == "Pass"
    assert locate["Parameters"] == {
        "manifest_uri.$": "States.Format('s3://{}/{}', $.detail.bucket.name, $.detail.object.key)"
    }
    assert locate["Next"] == "RunTransform"


def test_the_state_machine_runs_the_glue_job_to_completion_with_the_manifest(wired: Synthesized) -> None:
    run = definition(wired.template(wired.pipeline.transform))["States"]["RunTransform"]
    assert run["Resource"].endswith(":states:::glue:startJobRun.sync")
    assert run["Parameters"] == {
        "JobName": token_text(ref(wired.pipeline.transform.job)),
        "Arguments": {"--manifest_uri.$": "$.run.manifest_uri"},
    }


def test_concurrency_and_throttling_refusals_are_retried_with_backoff(transform: Template) -> None:
    (retry,) = definition(transform)["States"]["RunTransform"]["Retry"]
    assert "Glue.ConcurrentRunsExceededException" in retry["ErrorEquals"]
    assert "Glue.ThrottlingException" in retry["ErrorEquals"]
    assert retry["ErrorEquals"] == list(GLUE_RETRYABLE_ERRORS)
    assert retry["BackoffRate"] == 2
    assert retry["MaxAttempts"] == 6
    assert retry["JitterStrategy"] == "FULL"


def failed_step(states: dict[str, Any], start: str, error: str) -> str:
    """Where an execution fails when `error` happens at `start` and is not retried: Step Functions follows a
    matching Catch (a Pass or Task after it succeeds here) until a state fails. A redrive resumes THERE."""
    state_name = start
    while True:
        state = states[state_name]
        if state["Type"] == "Fail":
            return state_name
        if state_name == start:
            retried = any(error in retry["ErrorEquals"] for retry in state.get("Retry", []))
            assert not retried, f"{error} is retried at {start}; pick an error that is not"
            catch = next(
                (c for c in state.get("Catch", []) if error in c["ErrorEquals"] or "States.ALL" in c["ErrorEquals"]),
                None,
            )
            if catch is None:
                return state_name
            state_name = catch["Next"]
            start = ""
            continue
        if state.get("End"):
            raise AssertionError(f"the execution succeeds after catching {error}: nothing to redrive")
        state_name = state["Next"]


@pytest.mark.parametrize("error", ["States.TaskFailed", "States.Timeout", "Glue.EntityNotFoundException"])
def test_a_failed_transform_fails_at_the_glue_step_so_a_redrive_starts_glue_again(
    transform: Template, error: str
) -> None:
    states = definition(transform)["States"]
    # Given the Glue job run failing (or timing out) with an error that is not retried
    # When the execution ends, Then it failed at the Glue task itself
    step = failed_step(states, "RunTransform", error)
    assert step == "RunTransform"
    # so a redrive (which resumes from the failed step) starts the Glue job again, with the same arguments: the
    # manifest URI that LocateManifest, which succeeded and is not re-run, put in the execution's state.
    assert states[step]["Resource"].endswith(":states:::glue:startJobRun.sync")
    assert states[step]["Parameters"]["Arguments"] == {"--manifest_uri.$": "$.run.manifest_uri"}
    assert states["LocateManifest"]["ResultPath"] == "$.run"
    # Nothing in the definition catches a failure, publishes an alert or ends in a Fail state of its own.
    assert not [name for name, state in states.items() if "Catch" in state or state["Type"] == "Fail"]
    assert "sns:publish" not in json.dumps(states)


def test_a_new_execution_with_a_replayed_manifests_input_runs_glue_on_that_manifest(transform: Template) -> None:
    # `python -m ops replay` starts executions with the input the manifest event would carry.
    locate = definition(transform)["States"]["LocateManifest"]
    manifest_uri = "s3://raw-bucket/spotify/ingest_date=2026-12-01/run_id=r1/_manifest.json"
    replay_input = replay_execution_input(manifest_uri)
    assert evaluate_format(locate["Parameters"]["manifest_uri.$"], replay_input) == manifest_uri


def evaluate_format(expression: str, document: dict[str, Any]) -> str:
    """`States.Format('...{}...', $.a.b, ...)` evaluated on `document` (the subset the definition uses)."""
    match = re.fullmatch(r"States\.Format\('([^']*)', (.*)\)", expression)
    assert match, expression
    values = []
    for path in match[2].split(", "):
        value: Any = document
        for key in path.removeprefix("$.").split("."):
            value = value[key]
        values.append(value)
    return match[1].format(*values)


def test_the_state_machine_logs_everything_and_traces(wired: Synthesized) -> None:
    transform_stack = wired.pipeline.transform
    wired.template(transform_stack).has_resource_properties(
        "AWS::StepFunctions::StateMachine",
        {
            "StateMachineName": "spotify-pipeline-dev-transform",
            "StateMachineType": "STANDARD",
            "TracingConfiguration": {"Enabled": True},
            "LoggingConfiguration": {
                "Level": "ALL",
                "IncludeExecutionData": True,
                "Destinations": [
                    {"CloudWatchLogsLogGroup": {"LogGroupArn": arn_of(transform_stack.state_machine_log_group)}}
                ],
            },
        },
    )


def test_the_state_machine_may_start_only_this_job_and_publish_nothing(wired: Synthesized) -> None:
    transform_stack = wired.pipeline.transform
    template = wired.template(transform_stack)
    role_id = logical_id_of(transform_stack.state_machine.role)
    (policy,) = [
        p
        for p in template.find_resources("AWS::IAM::Policy").values()
        if p["Properties"]["Roles"] == [{"Ref": role_id}]
    ]
    glue_statements = [s for s in statements(policy) if any(a.startswith("glue:") for a in as_list(s["Action"]))]
    assert glue_statements and all("job/" in json.dumps(s["Resource"]) for s in glue_statements)
    # The failure alert comes from the execution's status event (monitoring stack), not from the machine.
    assert not [s for s in statements(policy) if "sns:" in json.dumps(s["Action"])]


def test_the_job_role_uses_the_zone_policies_of_the_storage_stack(wired: Synthesized) -> None:
    transform_stack, storage_stack = wired.pipeline.transform, wired.pipeline.storage
    template = wired.template(transform_stack)
    role = template.find_resources("AWS::IAM::Role")[logical_id_of(transform_stack.job_role)]["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "glue.amazonaws.com"}
    assert [producer_value(wired, arn) for arn in role["ManagedPolicyArns"]] == [
        ref(storage_stack.raw_zone_read),
        ref(storage_stack.processed_zones_write),
    ]


def test_the_job_role_may_write_only_glue_logs_and_glue_metrics(wired: Synthesized) -> None:
    transform_stack = wired.pipeline.transform
    template = wired.template(transform_stack)
    role_id = logical_id_of(transform_stack.job_role)
    (policy,) = [
        p
        for p in template.find_resources("AWS::IAM::Policy").values()
        if p["Properties"]["Roles"] == [{"Ref": role_id}]
    ]
    by_sid = {s.get("Sid"): s for s in statements(policy)}
    assert by_sid["WriteEncryptedGlueLogs"]["Resource"] == "arn:aws:logs:eu-west-1:111122223333:log-group:/aws-glue/*"
    assert by_sid["PublishGlueJobMetrics"]["Condition"] == {"StringEquals": {"cloudwatch:namespace": "Glue"}}


def test_the_trigger_dead_letter_queue_is_encrypted(transform: Template) -> None:
    transform.has_resource_properties(
        "AWS::SQS::Queue", {"QueueName": "spotify-pipeline-dev-transform-trigger-dlq", "SqsManagedSseEnabled": True}
    )


def test_outputs_name_the_job_and_the_state_machine(transform: Template) -> None:
    transform.has_output("GlueJobName", {})
    transform.has_output("StateMachineArn", {})


def test_a_glue_version_without_a_known_spark_is_refused_with_the_supported_ones() -> None:
    # Given a configuration asking for Glue 4.0 (whose Spark the local runtime does not pin)
    config = load_config("dev", overrides={"glue": {"version": "4.0"}})
    app = cdk.App(context={**cdk_json_context(), "aws:cdk:bundling-stacks": []})
    # When the stacks are built, Then one error names the key and the versions that work
    with pytest.raises(ConfigError, match=r"\[glue\] version '4.0' is not supported; use one of 5.0, 5.1, 6.0"):
        build_pipeline(app, config)
