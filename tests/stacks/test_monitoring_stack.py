"""The monitoring stack: alarms to the alert topic, the Glue failure rule, and the dashboard."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Template
from stack_templates import Synthesized, joined, logical_id_of, only, producer_value, ref

from extract.handler import METRICS_NAMESPACE, SERVICE, run_metrics
from extract.run import STATUS_FAILED
from stacks.monitoring import EXTRACTION_COUNTS, EXTRACTION_FAILED, GLUE_FAILED_STATES


@pytest.fixture(scope="module")
def monitoring(wired: Synthesized) -> Template:
    return wired.template(wired.pipeline.monitoring)


def alarms_by_name(synthesized: Synthesized) -> dict[str, dict[str, Any]]:
    template = synthesized.template(synthesized.pipeline.monitoring)
    return {
        alarm["Properties"]["AlarmName"]: alarm["Properties"]
        for alarm in template.find_resources("AWS::CloudWatch::Alarm").values()
    }


def test_every_failure_of_the_pipeline_has_an_alarm(wired: Synthesized) -> None:
    prefix = "spotify-pipeline-dev-"
    assert sorted(name.removeprefix(prefix) for name in alarms_by_name(wired)) == [
        "extract-dead-letters",
        "extract-errors",
        "extract-near-timeout",
        "extract-throttles",
        "extraction-failed",
        "recently-played-gaps",
        "snowpipe-errors",
        "transform-failed",
        "transform-timed-out",
        "transform-trigger-dead-letters",
    ]


def test_without_snowflake_there_is_no_snowpipe_alarm(aws_only: Synthesized) -> None:
    names = alarms_by_name(aws_only)
    # The nine AWS-side alarms; the Snowpipe one needs the error topic, which exists only when wired.
    assert len(names) == 9
    assert "spotify-pipeline-prod-snowpipe-errors" not in names


def test_every_alarm_notifies_the_alert_topic_on_the_first_bad_datapoint(deployment: Synthesized) -> None:
    topic = ref(deployment.pipeline.alerts.alert_topic)
    for name, alarm in alarms_by_name(deployment).items():
        assert [producer_value(deployment, action) for action in alarm["AlarmActions"]] == [topic], name
        assert alarm["EvaluationPeriods"] == 1, name
        assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold", name
        assert alarm["TreatMissingData"] == "notBreaching", name
        assert alarm["AlarmDescription"], name


def test_lambda_errors_throttles_and_duration_near_the_timeout_are_alarmed(wired: Synthesized) -> None:
    alarms = alarms_by_name(wired)
    assert alarms["spotify-pipeline-dev-extract-errors"]["MetricName"] == "Errors"
    assert alarms["spotify-pipeline-dev-extract-throttles"]["MetricName"] == "Throttles"
    near_timeout = alarms["spotify-pipeline-dev-extract-near-timeout"]
    assert near_timeout["MetricName"] == "Duration"
    assert near_timeout["Statistic"] == "Maximum"
    # 80 % of the configured timeout, in milliseconds.
    assert near_timeout["Threshold"] == wired.config.extract.lambda_timeout_seconds * 1000 * 0.8


def test_a_run_that_ends_on_an_operator_mistake_is_alarmed_through_the_extractions_own_metric(
    wired: Synthesized,
) -> None:
    alarm = alarms_by_name(wired)["spotify-pipeline-dev-extraction-failed"]
    assert alarm["Namespace"] == METRICS_NAMESPACE
    assert alarm["Dimensions"] == [{"Name": "service", "Value": SERVICE}]
    # The metric is one the extraction really emits for a failed run.
    assert run_metrics({"status": STATUS_FAILED})[alarm["MetricName"]] == 1
    assert alarm["MetricName"] == EXTRACTION_FAILED


def test_a_gap_in_recently_played_is_alarmed_through_the_metric_a_read_with_a_gap_emits(wired: Synthesized) -> None:
    alarm = alarms_by_name(wired)["spotify-pipeline-dev-recently-played-gaps"]
    assert (alarm["Namespace"], alarm["Dimensions"]) == (METRICS_NAMESPACE, [{"Name": "service", "Value": SERVICE}])
    assert (alarm["Threshold"], alarm["Statistic"]) == (1, "Sum")
    capture_with_a_gap = {"status": "complete", "capture_id": "c1", "gaps": [{"detected_by": "c1"}]}
    assert run_metrics(capture_with_a_gap)[alarm["MetricName"]] == 1
    assert run_metrics({"status": "complete", "run_id": "r1", "gaps": []})[alarm["MetricName"]] == 0


def test_the_dashboard_charts_only_metrics_the_extraction_emits() -> None:
    assert set(EXTRACTION_COUNTS) <= set(run_metrics({"status": "complete"}))


def test_dead_letter_queue_depth_is_alarmed_for_both_queues(wired: Synthesized) -> None:
    alarms = alarms_by_name(wired)
    for name, queue in (
        ("extract-dead-letters", wired.pipeline.ingest.dead_letter_queue),
        ("transform-trigger-dead-letters", wired.pipeline.transform.trigger_dead_letter_queue),
    ):
        alarm = alarms[f"spotify-pipeline-dev-{name}"]
        assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"
        (dimension,) = alarm["Dimensions"]
        assert producer_value(wired, dimension["Value"]) == {"Fn::GetAtt": [logical_id_of(queue), "QueueName"]}


def test_failed_and_timed_out_transform_executions_are_alarmed(wired: Synthesized) -> None:
    alarms = alarms_by_name(wired)
    assert alarms["spotify-pipeline-dev-transform-failed"]["MetricName"] == "ExecutionsFailed"
    assert alarms["spotify-pipeline-dev-transform-timed-out"]["MetricName"] == "ExecutionsTimedOut"
    (dimension,) = alarms["spotify-pipeline-dev-transform-failed"]["Dimensions"]
    assert producer_value(wired, dimension["Value"]) == ref(wired.pipeline.transform.state_machine)


def test_snowpipe_errors_published_by_snowflake_are_alarmed(wired: Synthesized) -> None:
    alarm = alarms_by_name(wired)["spotify-pipeline-dev-snowpipe-errors"]
    assert alarm["Namespace"] == "AWS/SNS"
    assert alarm["MetricName"] == "NumberOfMessagesPublished"
    (dimension,) = alarm["Dimensions"]
    assert producer_value(wired, dimension["Value"]) == {
        "Fn::GetAtt": [logical_id_of(wired.pipeline.warehouse.error_topic), "TopicName"]
    }


def test_a_failed_or_timed_out_glue_run_is_sent_to_the_alert_topic(wired: Synthesized) -> None:
    template = wired.template(wired.pipeline.monitoring)
    rule = only(template.find_resources("AWS::Events::Rule"))["Properties"]
    pattern = rule["EventPattern"]
    assert pattern["source"] == ["aws.glue"]
    assert pattern["detail-type"] == ["Glue Job State Change"]
    assert pattern["detail"]["state"] == list(GLUE_FAILED_STATES)
    (job_name,) = pattern["detail"]["jobName"]
    assert producer_value(wired, job_name) == ref(wired.pipeline.transform.job)
    (target,) = rule["Targets"]
    assert producer_value(wired, target["Arn"]) == ref(wired.pipeline.alerts.alert_topic)
    assert "jobRunId" in str(target["InputTransformer"])


def test_the_dashboard_shows_every_stage(monitoring: Template) -> None:
    dashboard = only(monitoring.find_resources("AWS::CloudWatch::Dashboard"))["Properties"]
    assert dashboard["DashboardName"] == "spotify-pipeline-dev-pipeline"
    body = joined(dashboard["DashboardBody"])
    for title in (
        "Extraction runs",
        "Extraction work",
        "Extraction duration (ms)",
        "Transform executions",
        "Glue job",
        "Bucket sizes",
        "Dead-letter queues",
        "Snowpipe errors (today)",
        "Alarms",
    ):
        assert f'"title":"{title}' in body, title
