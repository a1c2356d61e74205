"""The history import stack: an upload under imports/ of the raw bucket -> EventBridge rule -> the import Lambda,
its rights (read imports/, write the raw zone, no secret), its dead-letter queue and its alarms."""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Match, Template
from stack_templates import Synthesized, arn_of, as_list, logical_id_of, only, producer_value, ref, statements

from contracts.events import upload_created_pattern
from history_import.service import HANDLER, HISTORY_IMPORT_REJECTED


@pytest.fixture(scope="module")
def history(wired: Synthesized) -> Template:
    assert wired.pipeline.history_import is not None
    return wired.template(wired.pipeline.history_import)


def test_the_import_runs_in_its_own_lambda_sized_for_a_decade_of_history(history: Template) -> None:
    function = only(history.find_resources("AWS::Lambda::Function"))["Properties"]
    assert function["Handler"] == HANDLER
    assert function["Architectures"] == ["arm64"] and function["TracingConfig"] == {"Mode": "Active"}
    assert function["Timeout"] == 900 and function["MemorySize"] == 1024
    assert function["EphemeralStorage"] == {"Size": 3072}
    # Two imports of one export at once would write the same keys.
    assert function["ReservedConcurrentExecutions"] == 1
    assert "RAW_BUCKET" in function["Environment"]["Variables"]


def test_an_upload_under_imports_starts_it_with_the_pattern_the_local_runtime_uses(wired: Synthesized) -> None:
    stack = wired.pipeline.history_import
    template = wired.template(stack)
    rule = only(template.find_resources("AWS::Events::Rule"))["Properties"]
    pattern = rule["EventPattern"]
    expected = upload_created_pattern("BUCKET")
    assert pattern["source"] == expected["source"] and pattern["detail-type"] == expected["detail-type"]
    assert pattern["detail"]["object"] == {"key": [{"prefix": "imports/"}]}
    (target,) = rule["Targets"]
    assert target["Arn"] == arn_of(stack.function)
    assert target["DeadLetterConfig"] == {"Arn": arn_of(stack.dead_letter_queue)}


def test_it_reads_only_the_uploads_and_writes_only_through_the_raw_zone_policy(wired: Synthesized) -> None:
    stack = wired.pipeline.history_import
    template = wired.template(stack)
    role = template.find_resources("AWS::IAM::Role")[logical_id_of(stack.runtime.role)]
    (managed,) = role["Properties"]["ManagedPolicyArns"]
    assert producer_value(wired, managed) == ref(wired.pipeline.storage.raw_zone_read_write)
    policy = only(template.find_resources("AWS::IAM::Policy"))
    by_sid = {s.get("Sid"): s for s in statements(policy)}
    assert by_sid["ReadTheUploadedExports"]["Action"] == "s3:GetObject"
    assert "/imports/*" in json.dumps(by_sid["ReadTheUploadedExports"]["Resource"])
    s3_actions = {a for s in statements(policy) for a in as_list(s["Action"]) if a.startswith("s3:")}
    assert s3_actions == {"s3:GetObject"}
    # No Spotify secret: the import calls no API.
    assert "secretsmanager" not in json.dumps(policy)


def test_a_failed_invocation_is_retried_then_parked_in_its_dead_letter_queue(wired: Synthesized) -> None:
    stack = wired.pipeline.history_import
    wired.template(stack).has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        {
            "FunctionName": ref(stack.function),
            "MaximumRetryAttempts": 2,
            "DestinationConfig": {"OnFailure": {"Destination": arn_of(stack.dead_letter_queue)}},
        },
    )


def test_errors_rejected_uploads_and_dead_letters_alarm(wired: Synthesized) -> None:
    monitoring = wired.template(wired.pipeline.monitoring)
    monitoring.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {"MetricName": HISTORY_IMPORT_REJECTED, "Dimensions": [{"Name": "service", "Value": "spotify-history-import"}]},
    )
    alarm_names = json.dumps(monitoring.find_resources("AWS::CloudWatch::Alarm"))
    assert "HistoryImportErrors" in alarm_names or "history-import-errors" in alarm_names
    assert "HistoryImportDeadLetters" in alarm_names or "history-import-dead-letters" in alarm_names
    monitoring.has_resource_properties("AWS::CloudWatch::Alarm", Match.object_like({"MetricName": "Errors"}))
