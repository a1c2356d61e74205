"""The monitoring stack: failure alarms, freshness alarms, the one transform-failure alert, and the dashboard."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Template
from stack_templates import Synthesized, joined, logical_id_of, only, producer_value, ref

from extract.run import STATUS_FAILED
from extract.service import EXTRACTION_FAILED, NAMESPACE, SERVICE, WORK_COUNTS, run_metrics
from stacks.monitoring import TRANSFORM_FAILED_STATES
from stacks.storage import MODEL_READS_METRICS_ID

FRESHNESS_ALARMS = ("no-complete-extraction", "no-successful-transform", "no-snowpipe-load")


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
        "history-import-dead-letters",
        "history-import-errors",
        "history-import-rejected",
        "music-brainz-unavailable",
        "no-complete-extraction",
        "no-snowpipe-load",
        "no-successful-transform",
        "recently-played-gaps",
        "snowpipe-errors",
        "transform-trigger-dead-letters",
    ]


def test_without_snowflake_there_is_no_snowpipe_alarm(aws_only: Synthesized) -> None:
    names = alarms_by_name(aws_only)
    # The thirteen AWS-side alarms (six failure, two freshness, one for gaps in the play history, one for MusicBrainz,
    # three of the history import); both Snowpipe ones need the wiring.
    assert len(names) == 13
    assert "spotify-pipeline-prod-snowpipe-errors" not in names
    assert "spotify-pipeline-prod-no-snowpipe-load" not in names


def test_every_failure_alarm_notifies_the_alert_topic_on_the_first_bad_datapoint(deployment: Synthesized) -> None:
    topic = ref(deployment.pipeline.alerts.alert_topic)
    for name, alarm in alarms_by_name(deployment).items():
        assert [producer_value(deployment, action) for action in alarm["AlarmActions"]] == [topic], name
        if name.endswith(FRESHNESS_ALARMS):
            continue
        assert alarm["EvaluationPeriods"] == 1, name
        assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold", name
        assert alarm["TreatMissingData"] == "notBreaching", name
        assert alarm["AlarmDescription"], name


def test_musicbrainz_lookups_that_stop_on_an_unwell_service_are_alarmed(wired: Synthesized) -> None:
    alarm = alarms_by_name(wired)["spotify-pipeline-dev-music-brainz-unavailable"]

    assert alarm["MetricName"] == "MusicBrainzUnavailable"
    assert "user_agent" in alarm["AlarmDescription"]


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
    assert alarm["Namespace"] == NAMESPACE
    assert alarm["Dimensions"] == [{"Name": "service", "Value": SERVICE}]
    # The metric is one the extraction really emits for a failed run.
    assert run_metrics({"status": STATUS_FAILED})[alarm["MetricName"]] == 1
    assert alarm["MetricName"] == EXTRACTION_FAILED


def test_a_gap_in_recently_played_is_alarmed_through_the_metric_a_read_with_a_gap_emits(wired: Synthesized) -> None:
    alarm = alarms_by_name(wired)["spotify-pipeline-dev-recently-played-gaps"]
    assert (alarm["Namespace"], alarm["Dimensions"]) == (NAMESPACE, [{"Name": "service", "Value": SERVICE}])
    assert (alarm["Threshold"], alarm["Statistic"]) == (1, "Sum")
    capture_with_a_gap = {"status": "complete", "capture_id": "c1", "gaps": [{"detected_by": "c1"}]}
    assert run_metrics(capture_with_a_gap)[alarm["MetricName"]] == 1
    assert run_metrics({"status": "complete", "run_id": "r1", "gaps": []})[alarm["MetricName"]] == 0


def test_the_dashboard_charts_only_metrics_the_extraction_emits() -> None:
    assert set(WORK_COUNTS) <= set(run_metrics({"status": "complete"}))


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


def test_freshness_alarms_breach_when_nothing_arrives_within_the_configured_window(deployment: Synthesized) -> None:
    alarms = alarms_by_name(deployment)
    window_seconds = deployment.config.monitoring.freshness_window_hours * 3600
    expected = FRESHNESS_ALARMS if deployment.snowflake_enabled else FRESHNESS_ALARMS[:2]
    found = [name for name in alarms if name.endswith(FRESHNESS_ALARMS)]
    assert len(found) == len(expected)
    for name in found:
        alarm = alarms[name]
        # Missing data (a metric that stopped arriving) is an alarm, as is fewer than one success.
        assert alarm["TreatMissingData"] == "breaching", name
        assert alarm["ComparisonOperator"] == "LessThanThreshold", name
        assert alarm["Threshold"] == 1, name
        periods = [alarm.get("Period")] + [
            query["MetricStat"]["Period"] for query in alarm.get("Metrics", []) if "MetricStat" in query
        ]
        assert window_seconds in periods and all(p in (None, window_seconds) for p in periods), name
        # Recovery is announced too, so the operator knows the day came through.
        assert alarm["OKActions"] == alarm["AlarmActions"], name


def test_the_window_comes_from_the_config(wired: Synthesized) -> None:
    assert wired.config.monitoring.freshness_window_hours == 26
    alarm = alarms_by_name(wired)["spotify-pipeline-dev-no-successful-transform"]
    assert alarm["Period"] == 26 * 3600
    assert alarm["MetricName"] == "ExecutionsSucceeded"
    (dimension,) = alarm["Dimensions"]
    assert producer_value(wired, dimension["Value"]) == ref(wired.pipeline.transform.state_machine)


def test_complete_extractions_are_counted_from_metrics_every_run_emits(wired: Synthesized) -> None:
    alarm = alarms_by_name(wired)["spotify-pipeline-dev-no-complete-extraction"]
    queries = {query["Id"]: query for query in alarm["Metrics"]}
    expression = next(query["Expression"] for query in queries.values() if "Expression" in query)
    stats = {
        query_id: (query["MetricStat"]["Metric"]["MetricName"], query["MetricStat"]["Stat"])
        for query_id, query in queries.items()
        if "MetricStat" in query
    }
    # runs - partial - failed, evaluated as run_metrics would feed it for one run of each status.
    for status, complete in (("complete", 1), ("partial", 0), (STATUS_FAILED, 0)):
        emitted = run_metrics({"status": status})
        values = {
            query_id: 1 if stat == "SampleCount" else emitted[metric] for query_id, (metric, stat) in stats.items()
        }
        assert eval(expression, {}, values) == complete, status  # noqa: S307 (our own arithmetic expression)


def test_no_snowpipe_load_is_read_from_the_model_files_request_metrics(wired: Synthesized) -> None:
    alarm = alarms_by_name(wired)["spotify-pipeline-dev-no-snowpipe-load"]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/S3", "GetRequests")
    dimensions = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
    assert dimensions["FilterId"] == MODEL_READS_METRICS_ID
    assert producer_value(wired, dimensions["BucketName"]) == ref(wired.pipeline.storage.processed_bucket)
    # The bucket publishes that filter's metrics, for the model files only.
    bucket = wired.template(wired.pipeline.storage).find_resources("AWS::S3::Bucket")[
        logical_id_of(wired.pipeline.storage.processed_bucket)
    ]
    assert bucket["Properties"]["MetricsConfigurations"] == [{"Id": MODEL_READS_METRICS_ID, "Prefix": "model/"}]


def test_snowpipe_errors_published_by_snowflake_are_alarmed(wired: Synthesized) -> None:
    alarm = alarms_by_name(wired)["spotify-pipeline-dev-snowpipe-errors"]
    assert alarm["Namespace"] == "AWS/SNS"
    assert alarm["MetricName"] == "NumberOfMessagesPublished"
    (dimension,) = alarm["Dimensions"]
    assert producer_value(wired, dimension["Value"]) == {
        "Fn::GetAtt": [logical_id_of(wired.pipeline.warehouse.error_topic), "TopicName"]
    }


def test_a_failed_or_timed_out_transform_is_announced_once_with_the_command_that_reruns_it(
    deployment: Synthesized,
) -> None:
    template = deployment.template(deployment.pipeline.monitoring)
    rule = only(template.find_resources("AWS::Events::Rule"))["Properties"]
    pattern = rule["EventPattern"]
    assert pattern["source"] == ["aws.states"]
    assert pattern["detail-type"] == ["Step Functions Execution Status Change"]
    assert pattern["detail"]["status"] == list(TRANSFORM_FAILED_STATES) == ["FAILED", "TIMED_OUT"]
    (machine,) = pattern["detail"]["stateMachineArn"]
    assert producer_value(deployment, machine) == ref(deployment.pipeline.transform.state_machine)
    (target,) = rule["Targets"]
    assert producer_value(deployment, target["Arn"]) == ref(deployment.pipeline.alerts.alert_topic)
    transformer = target["InputTransformer"]
    template_text = joined(transformer["InputTemplate"])
    # The message names the execution and the exact re-run: a redrive restarts the failed Glue step.
    execution = next(key for key, path in transformer["InputPathsMap"].items() if path == "$.detail.executionArn")
    assert f"aws stepfunctions redrive-execution --execution-arn <{execution}>" in template_text
    assert f"python -m ops replay --env {deployment.config.env}" in template_text


def test_one_transform_failure_ends_in_one_notification(deployment: Synthesized) -> None:
    """A failed Glue run fails the execution; only the execution's status event notifies (no catch that
    publishes, no Glue state-change rule, no alarm on the failed-executions metric)."""
    templates = deployment.templates()
    rules = [
        resource["Properties"]
        for template in templates.values()
        for resource in template.get("Resources", {}).values()
        if resource["Type"] == "AWS::Events::Rule"
    ]
    assert not [rule for rule in rules if "aws.glue" in str(rule.get("EventPattern"))]
    assert (
        len([rule for rule in rules if "Step Functions Execution Status Change" in str(rule.get("EventPattern"))]) == 1
    )
    metrics = {alarm["MetricName"] for alarm in alarms_by_name(deployment).values() if "MetricName" in alarm}
    assert not metrics & {"ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"}
    transform = templates[deployment.pipeline.transform.stack_name]
    machine = only({k: v for k, v in transform["Resources"].items() if v["Type"] == "AWS::StepFunctions::StateMachine"})
    assert "sns:publish" not in joined(machine["Properties"]["DefinitionString"])


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
