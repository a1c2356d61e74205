"""Monitoring: alarms that tell the operator what failed and where to look, and one dashboard of the pipeline.

Every alarm publishes to the alert topic. The pipeline runs once a day, so every failure alarm fires on the
first bad datapoint and treats missing data as fine (no run, no failure). Freshness alarms do the opposite: no
complete extraction, no successful transform, no Snowpipe load within `[monitoring] freshness_window_hours`
breaches, and so does a metric that stopped arriving (a disabled schedule, a rule that stopped matching,
removed notifications): a stopped pipeline cannot look like a quiet, healthy one.

One failure, one alert: a failed transform (the Glue job failed or the execution timed out) is announced once,
by the state machine's execution-status event, with the command that re-runs it. The Glue job's own state
changes and the state machine's failure metrics raise no second and third alert. Snowpipe load errors reach
Snowflake's error topic and alarm from there.
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
from extract.service import (
    EXTRACTION_FAILED,
    EXTRACTION_PARTIAL,
    MUSICBRAINZ_COUNTS,
    MUSICBRAINZ_UNAVAILABLE,
    NAMESPACE,
    PLAY_GAPS,
    SERVICE,
    WORK_COUNTS,
)
from history_import import service as history_service
from stacks.names import kebab_case, resource_name
from stacks.storage import MODEL_READS_METRICS_ID

# The extraction is alarmed when a run gets this close to its timeout: the next busy day may not fit.
DURATION_ALARM_FRACTION = 0.8
# Execution states that need the operator; ABORTED is someone's own decision. Both can be redriven.
TRANSFORM_FAILED_STATES = ("FAILED", "TIMED_OUT")
PERIOD = Duration.minutes(5)
# Alarms fire on the first bad datapoint: the pipeline runs once a day, so there is no noise to smooth.
ALARM_EVALUATION_PERIODS = 1


@dataclass(frozen=True)
class MonitoredPipeline:
    """What the monitoring stack watches, handed over by `app.py` from the stage stacks."""

    extract_function: lambda_.IFunction
    dead_letter_queues: dict[str, sqs.IQueue]
    state_machine: sfn.IStateMachine
    glue_job: glue.IJob
    glue_log_prefix: str
    raw_bucket: s3.IBucket
    processed_bucket: s3.IBucket
    snowpipe_error_topic: sns.ITopic | None
    # The history import (stacks/history_import.py): its errors and its rejected uploads are alarmed.
    history_import_function: lambda_.IFunction | None = None


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
        if config.musicbrainz.enabled:
            self._alarm(
                "MusicBrainzUnavailable",
                extraction_metric(MUSICBRAINZ_UNAVAILABLE, PERIOD),
                "The daily run's MusicBrainz lookups stopped: the service kept answering 503 (or nothing) past "
                "[extract] max_attempts. They resume next run (the ISRCs wait in the state's pending); if it lasts, "
                "check [musicbrainz] user_agent names a real contact and https://musicbrainz.org/doc/MusicBrainz_API",
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
        if pipeline.history_import_function is not None:
            self._history_import_alarms(pipeline.history_import_function)
        if pipeline.snowpipe_error_topic is not None:
            self._alarm(
                "SnowpipeErrors",
                pipeline.snowpipe_error_topic.metric_number_of_messages_published(period=PERIOD),
                "Snowpipe reported load errors; run SYSTEM$PIPE_STATUS and COPY_HISTORY for the pipe named in them",
            )
        self.transform_failure_rule = self._transform_failure_rule(config, pipeline, alert_topic)
        self._freshness_alarms(config, pipeline)
        self.dashboard = self._dashboard(config, pipeline)

    def _history_import_alarms(self, function: lambda_.IFunction) -> None:
        self._alarm(
            "HistoryImportErrors",
            function.metric_errors(period=PERIOD),
            "The history import Lambda failed; read its log group, the upload event waits in its DLQ",
        )
        self._alarm(
            "HistoryImportRejected",
            cloudwatch.Metric(
                namespace=history_service.NAMESPACE,
                metric_name=history_service.HISTORY_IMPORT_REJECTED,
                dimensions_map={"service": history_service.SERVICE},
                period=PERIOD,
                statistic=cloudwatch.Stats.SUM,
            ),
            "An upload under imports/ is not a readable history export; the import's log has the one-line reason "
            "(upload the ZIP of Spotify's Extended streaming history)",
        )

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

    def _freshness_alarm(self, name: str, metric: cloudwatch.IMetric, description: str) -> None:
        """Fewer than one success in the window, or no datapoint at all, is an alarm."""
        alarm = cloudwatch.Alarm(
            self,
            name,
            alarm_name=resource_name(self._config, kebab_case(name)),
            alarm_description=description,
            metric=metric,
            threshold=1,
            comparison_operator=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.BREACHING,
        )
        alarm.add_alarm_action(self._alert_action)
        alarm.add_ok_action(self._alert_action)
        self.alarms.append(alarm)
        self.freshness_alarms.append(alarm)

    def _freshness_alarms(self, config: PipelineConfig, pipeline: MonitoredPipeline) -> None:
        hours = config.monitoring.freshness_window_hours
        window = Duration.hours(hours)
        self.freshness_alarms: list[cloudwatch.Alarm] = []
        self._freshness_alarm(
            "NoCompleteExtraction",
            complete_extractions(window),
            f"No extraction wrote a complete manifest in {hours} h (a disabled schedule, failing or partial runs); "
            "python -m ops status shows the last runs, the extract log group says why",
        )
        self._freshness_alarm(
            "NoSuccessfulTransform",
            pipeline.state_machine.metric_succeeded(period=window, statistic=cloudwatch.Stats.SUM),
            f"No transform execution succeeded in {hours} h (no manifest event, or failed runs); python -m ops "
            "status shows manifests and executions, python -m ops replay re-runs the days missing",
        )
        if pipeline.snowpipe_error_topic is not None:
            self._freshness_alarm(
                "NoSnowpipeLoad",
                model_file_reads(pipeline.processed_bucket, window),
                f"Snowpipe read no model file in {hours} h (no new files, or the bucket's notifications to the "
                "pipes are gone); python -m ops status shows the pipes, python -m ops backfill loads what they missed",
            )

    def _transform_failure_rule(
        self, config: PipelineConfig, pipeline: MonitoredPipeline, alert_topic: sns.ITopic
    ) -> events.Rule:
        """The one alert of a failed transform, with the command that runs the Glue job again on its manifest."""
        rule = events.Rule(
            self,
            "TransformFailed",
            rule_name=resource_name(config, "transform-failed"),
            description="A transform execution failed or timed out (the Glue job failed, or never finished)",
            event_pattern=events.EventPattern(
                source=["aws.states"],
                detail_type=["Step Functions Execution Status Change"],
                detail={
                    "stateMachineArn": [pipeline.state_machine.state_machine_arn],
                    "status": list(TRANSFORM_FAILED_STATES),
                },
            ),
        )
        execution = events.EventField.from_path("$.detail.executionArn")
        rule.add_target(
            targets.SnsTopic(
                alert_topic,
                message=events.RuleTargetInput.from_text(
                    f"Transform execution {execution} ended {events.EventField.from_path('$.detail.status')} "
                    f"({events.EventField.from_path('$.detail.error')}). Its manifest is in the execution's input; "
                    f"the Glue job's errors are in the log group {pipeline.glue_log_prefix}/error. Fix the cause, "
                    f"then run the Glue job again on the same manifest: aws stepfunctions redrive-execution "
                    f"--execution-arn {execution} (or: python -m ops replay --env {config.env} --from DAY --to DAY)."
                ),
            )
        )
        return rule

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
                    left=[extraction_metric(name, daily, label=name) for name in WORK_COUNTS],
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
        if config.musicbrainz.enabled:
            rows.append(
                [
                    cloudwatch.GraphWidget(
                        title="MusicBrainz enrichment (ISRCs per day)",
                        left=[extraction_metric(name, daily, label=name) for name in MUSICBRAINZ_COUNTS],
                        width=24,
                    )
                ]
            )
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


def complete_extractions(window: Duration) -> cloudwatch.MathExpression:
    """Runs that wrote a complete manifest: every run reports ExtractionPartial and ExtractionFailed (0 or 1)."""
    return cloudwatch.MathExpression(
        expression="runs - partial - failed",
        using_metrics={
            "runs": extraction_metric(EXTRACTION_PARTIAL, window, statistic=cloudwatch.Stats.SAMPLE_COUNT),
            "partial": extraction_metric(EXTRACTION_PARTIAL, window),
            "failed": extraction_metric(EXTRACTION_FAILED, window),
        },
        label="complete extractions",
        period=window,
    )


def model_file_reads(processed_bucket: s3.IBucket, window: Duration) -> cloudwatch.Metric:
    """GET requests on the model files (S3 request metrics): Snowpipe reading the files it loads."""
    return cloudwatch.Metric(
        namespace="AWS/S3",
        metric_name="GetRequests",
        dimensions_map={"BucketName": processed_bucket.bucket_name, "FilterId": MODEL_READS_METRICS_ID},
        statistic=cloudwatch.Stats.SUM,
        period=window,
    )


def extraction_metric(
    name: str, period: Duration, label: str | None = None, statistic: str = cloudwatch.Stats.SUM
) -> cloudwatch.Metric:
    """A metric the extraction writes as EMF through Powertools (dimension `service`)."""
    return cloudwatch.Metric(
        namespace=NAMESPACE,
        metric_name=name,
        dimensions_map={"service": SERVICE},
        statistic=statistic,
        period=period,
        label=label,
    )
