"""Monitoring: alarms that tell the operator what failed and where to look, and one dashboard of the pipeline.

Every alarm publishes to the alert topic. The pipeline runs once a day, so every alarm fires on the first bad
datapoint and treats missing data as fine (no run, no datapoint). A Glue run that fails or times out is caught
by an EventBridge rule on Glue's job state changes (also when the job was started by hand, outside the state
machine); Snowpipe load errors reach Snowflake's error topic and alarm from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_cdk import Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_glue as glue
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from config import PipelineConfig
from extract.handler import METRICS_NAMESPACE, PLAY_GAPS, SERVICE
from stacks.names import kebab_case, resource_name

# The extraction is alarmed when a run gets this close to its timeout: the next busy day may not fit.
DURATION_ALARM_FRACTION = 0.8
GLUE_FAILED_STATES = ("FAILED", "TIMEOUT", "ERROR")
PERIOD = Duration.minutes(5)
# Alarms fire on the first bad datapoint: the pipeline runs once a day, so there is no noise to smooth.
ALARM_EVALUATION_PERIODS = 1
# Metrics the extraction emits (extract.handler.run_metrics). A run that ends early on an operator mistake (an
# empty secret, a bad setting) returns normally, so only this metric, not Lambda's Errors, shows it.
EXTRACTION_FAILED = "ExtractionFailed"
EXTRACTION_COUNTS = ("PagesWritten", "ApiCalls", "ApiCallsAboveMinimum", "EntityErrors", "ExtractionPartial", PLAY_GAPS)


@dataclass(frozen=True)
class MonitoredPipeline:
    """What the monitoring stack watches, handed over by `app.py` from the stage stacks."""

    extract_function: lambda_.IFunction
    dead_letter_queues: dict[str, sqs.IQueue]
    state_machine: sfn.IStateMachine
    glue_job: glue.IJob
    raw_bucket: s3.IBucket
    processed_bucket: s3.IBucket
    snowpipe_error_topic: sns.ITopic | None


class MonitoringStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: PipelineConfig,
        alert_topic: sns.ITopic,
        pipeline: MonitoredPipeline,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self._config = config
        self._alert_action = cloudwatch_actions.SnsAction(alert_topic)
        self.alarms: list[cloudwatch.Alarm] = []

        function = pipeline.extract_function
        timeout_ms = config.extract.lambda_timeout_seconds * 1000
        self._alarm(
            "ExtractErrors",
            function.metric_errors(period=PERIOD),
            "The extraction Lambda failed; read its log group, the failed event waits in the extract DLQ",
        )
        self._alarm(
            "ExtractionFailed",
            extraction_metric(EXTRACTION_FAILED, PERIOD),
            "An extraction ended without a run (empty secret, bad setting or state); its log has the one-line reason",
        )
        self._alarm(
            "RecentlyPlayedGaps",
            extraction_metric(PLAY_GAPS, PERIOD),
            "A read of recently played could not reach back to its cursor: plays between the two times in the "
            "manifest's gaps may be lost. Capture more often ([capture] in config/pipeline.toml); the account's "
            "streaming-history export is the only way back to them",
        )
        self._alarm(
            "ExtractThrottles",
            function.metric_throttles(period=PERIOD),
            "The extraction Lambda was throttled (a second run while one was running, or the account's limit)",
        )
        self._alarm(
            "ExtractNearTimeout",
            function.metric_duration(period=PERIOD, statistic=cloudwatch.Stats.MAXIMUM),
            f"An extraction run took over {DURATION_ALARM_FRACTION:.0%} of its {timeout_ms // 1000} s timeout; "
            "raise [extract] lambda_timeout_seconds or select fewer sources",
            threshold=timeout_ms * DURATION_ALARM_FRACTION,
        )
        for name, queue in pipeline.dead_letter_queues.items():
            self._alarm(
                f"{name}DeadLetters",
                queue.metric_approximate_number_of_messages_visible(period=PERIOD, statistic=cloudwatch.Stats.MAXIMUM),
                f"Events wait in the {name} dead-letter queue; read them, fix the cause, then re-drive or delete them",
            )
        state_machine = pipeline.state_machine
        self._alarm(
            "TransformFailed",
            state_machine.metric_failed(period=PERIOD),
            "A transform execution failed; the alert topic has its error, the execution its history",
        )
        self._alarm(
            "TransformTimedOut",
            state_machine.metric_timed_out(period=PERIOD),
            "A transform execution timed out; the Glue run may be queued or stuck, check the job's runs",
        )
        if pipeline.snowpipe_error_topic is not None:
            self._alarm(
                "SnowpipeErrors",
                pipeline.snowpipe_error_topic.metric_number_of_messages_published(period=PERIOD),
                "Snowpipe reported load errors; run SYSTEM$PIPE_STATUS and COPY_HISTORY for the pipe named in them",
            )

        self.glue_failure_rule = events.Rule(
            self,
            "GlueJobFailed",
            rule_name=resource_name(config, "glue-job-failed"),
            description="A run of the transform job failed, errored or timed out",
            event_pattern=events.EventPattern(
                source=["aws.glue"],
                detail_type=["Glue Job State Change"],
                detail={"jobName": [pipeline.glue_job.job_name], "state": list(GLUE_FAILED_STATES)},
            ),
        )
        self.glue_failure_rule.add_target(
            targets.SnsTopic(
                alert_topic,
                message=events.RuleTargetInput.from_text(
                    f"Glue job {events.EventField.from_path('$.detail.jobName')} run "
                    f"{events.EventField.from_path('$.detail.jobRunId')} ended "
                    f"{events.EventField.from_path('$.detail.state')}: "
                    f"{events.EventField.from_path('$.detail.message')} - read the run's logs in the Glue console"
                ),
            )
        )
        self.dashboard = self._dashboard(config, pipeline)

    def _alarm(self, name: str, metric: cloudwatch.IMetric, description: str, threshold: float = 1) -> None:
        alarm = cloudwatch.Alarm(
            self,
            name,
            alarm_name=resource_name(self._config, kebab_case(name)),
            alarm_description=description,
            metric=metric,
            threshold=threshold,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=ALARM_EVALUATION_PERIODS,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(self._alert_action)
        self.alarms.append(alarm)

    def _dashboard(self, config: PipelineConfig, pipeline: MonitoredPipeline) -> cloudwatch.Dashboard:
        function = pipeline.extract_function
        state_machine = pipeline.state_machine
        job_name = pipeline.glue_job.job_name
        daily = Duration.days(1)

        def glue_metric(name: str, label: str) -> cloudwatch.Metric:
            return cloudwatch.Metric(
                namespace="Glue",
                metric_name=name,
                dimensions_map={"JobName": job_name, "JobRunId": "ALL", "Type": "count"},
                statistic=cloudwatch.Stats.SUM,
                period=daily,
                label=label,
            )

        def bucket_size(bucket: s3.IBucket, label: str) -> cloudwatch.Metric:
            return cloudwatch.Metric(
                namespace="AWS/S3",
                metric_name="BucketSizeBytes",
                dimensions_map={"BucketName": bucket.bucket_name, "StorageType": "StandardStorage"},
                statistic=cloudwatch.Stats.AVERAGE,
                period=daily,
                label=label,
            )

        rows: list[list[cloudwatch.IWidget]] = [
            [
                cloudwatch.TextWidget(
                    markdown=(
                        f"# {config.project} ({config.env})\n"
                        "Daily schedule -> extraction Lambda -> raw bucket -> manifest event -> Step Functions -> "
                        "Glue -> processed bucket -> Snowpipe -> Snowflake. Alarms go to the alert topic."
                    ),
                    width=24,
                    height=2,
                )
            ],
            [
                cloudwatch.GraphWidget(
                    title="Extraction runs",
                    left=[
                        function.metric_invocations(period=daily, label="invocations"),
                        function.metric_errors(period=daily, label="errors"),
                        function.metric_throttles(period=daily, label="throttles"),
                    ],
                    width=8,
                ),
                cloudwatch.GraphWidget(
                    title="Extraction work",
                    left=[extraction_metric(name, daily, label=name) for name in EXTRACTION_COUNTS],
                    width=8,
                ),
                cloudwatch.GraphWidget(
                    title="Extraction duration (ms)",
                    left=[function.metric_duration(period=daily, statistic=cloudwatch.Stats.MAXIMUM, label="max")],
                    left_annotations=[
                        cloudwatch.HorizontalAnnotation(
                            value=config.extract.lambda_timeout_seconds * 1000, label="timeout"
                        )
                    ],
                    width=8,
                ),
            ],
            [
                cloudwatch.GraphWidget(
                    title="Transform executions",
                    left=[
                        state_machine.metric_started(period=daily, label="started"),
                        state_machine.metric_succeeded(period=daily, label="succeeded"),
                        state_machine.metric_failed(period=daily, label="failed"),
                        state_machine.metric_timed_out(period=daily, label="timed out"),
                    ],
                    width=8,
                ),
                cloudwatch.GraphWidget(
                    title="Glue job",
                    left=[
                        glue_metric("glue.driver.aggregate.elapsedTime", "elapsed ms"),
                        glue_metric("glue.driver.aggregate.numFailedTasks", "failed tasks"),
                    ],
                    right=[glue_metric("glue.driver.aggregate.recordsRead", "records read")],
                    width=8,
                ),
                cloudwatch.GraphWidget(
                    title="Bucket sizes (bytes, standard storage)",
                    left=[bucket_size(pipeline.raw_bucket, "raw"), bucket_size(pipeline.processed_bucket, "processed")],
                    width=8,
                ),
            ],
        ]
        # Last row: what needs the operator now.
        attention: list[cloudwatch.IWidget] = [
            cloudwatch.GraphWidget(
                title="Dead-letter queues",
                left=[
                    queue.metric_approximate_number_of_messages_visible(
                        period=PERIOD, statistic=cloudwatch.Stats.MAXIMUM, label=name
                    )
                    for name, queue in pipeline.dead_letter_queues.items()
                ],
                width=8,
            )
        ]
        if pipeline.snowpipe_error_topic is not None:
            attention.append(
                cloudwatch.SingleValueWidget(
                    title="Snowpipe errors (today)",
                    metrics=[pipeline.snowpipe_error_topic.metric_number_of_messages_published(period=daily)],
                    width=8,
                    height=6,
                )
            )
        alarms_width = 24 - sum(widget.width for widget in attention)
        attention.append(cloudwatch.AlarmStatusWidget(title="Alarms", alarms=self.alarms, width=alarms_width, height=6))
        rows.append(attention)
        return cloudwatch.Dashboard(self, "Dashboard", dashboard_name=resource_name(config, "pipeline"), widgets=rows)


def extraction_metric(name: str, period: Duration, label: str | None = None) -> cloudwatch.Metric:
    """A metric the extraction writes as EMF through Powertools (dimension `service`)."""
    return cloudwatch.Metric(
        namespace=METRICS_NAMESPACE,
        metric_name=name,
        dimensions_map={"service": SERVICE},
        statistic=cloudwatch.Stats.SUM,
        period=period,
        label=label,
    )
