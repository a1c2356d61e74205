"""Transform: a new manifest in the raw bucket -> EventBridge -> Step Functions -> the Glue (PySpark) job.

The rule matches exactly `contracts.events.manifest_created_pattern`, the pattern the local runtime also uses.
The state machine turns the event into the job's `--manifest_uri`, runs the job to completion (`.sync`) and
retries with backoff when Glue refuses a run for concurrency or throttling. Any other failure is not caught: the
execution fails AT the Glue step, so a redrive (`aws stepfunctions redrive-execution`) starts the Glue job again
with the same manifest, and so does a new execution with the original input (`python -m ops replay`). (A
Catch -> alert -> Fail would make the Fail state the failed step, and a redrive would never run Glue again.)
The one alert for a failed execution comes from its status-change event (monitoring stack).

The job runs the repository's entry script with the `transforms` and `contracts` packages as an extra Python
zip; its security configuration encrypts what it writes to S3, its logs and its bookmarks with the data key.
Glue 5.0 and later write the driver's and executors' logs to `<prefix>/output` and `<prefix>/error`
(`--custom-logGroup-prefix`, default `/aws-glue/jobs`); both log groups are created here with a retention.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_glue as glue
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from config import ConfigError, PipelineConfig
from contracts.events import manifest_created_pattern
from stacks.bundling import REPO_ROOT, PythonBundle, folders, local_bundling
from stacks.dead_letters import dead_letter_queue
from stacks.defaults import LOG_RETENTION
from stacks.nag import WILDCARD_PERMISSIONS, acknowledge, wildcard_action, wildcard_resource
from stacks.names import resource_name
from stacks.storage import GLUE_LOG_GROUPS
from transforms import ENTRY_SCRIPT
from transforms.session import glue_conf_argument

GLUE_JOBS_LOG_ROOT = "/aws-glue/jobs"
GLUE_LOG_STREAMS = ("output", "error")
GLUE_VERSIONS = {"5.0": glue.GlueVersion.V5_0, "5.1": glue.GlueVersion.V5_1, "6.0": glue.GlueVersion.V6_0}

# Errors of StartJobRun that mean "not now" rather than "broken": retried with exponential backoff.
GLUE_RETRYABLE_ERRORS = (
    "Glue.ConcurrentRunsExceededException",
    "Glue.ThrottlingException",
    "Glue.InternalServiceException",
)


class TransformStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: PipelineConfig,
        raw_bucket: s3.IBucket,
        processed_bucket: s3.IBucket,
        data_key: kms.IKey,
        zone_access: list[iam.IManagedPolicy],
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.job = self._glue_job(config, processed_bucket, data_key, zone_access)
        self.state_machine = self._state_machine(config)

        self.trigger_dead_letter_queue = dead_letter_queue(
            self,
            "TriggerDeadLetters",
            queue_name=resource_name(config, "transform-trigger-dlq"),
            serves="the manifest rule's state-machine target",
        )
        self.manifest_rule = events.Rule(
            self,
            "ManifestCreated",
            rule_name=resource_name(config, "manifest-created"),
            description="A new extraction manifest in the raw bucket starts the transform",
            event_pattern=event_pattern_from(manifest_created_pattern(raw_bucket.bucket_name)),
        )
        self.manifest_rule.add_target(
            targets.SfnStateMachine(
                self.state_machine,
                dead_letter_queue=self.trigger_dead_letter_queue,
                retry_attempts=4,
                max_event_age=Duration.hours(6),
            )
        )

        CfnOutput(self, "GlueJobName", value=self.job.job_name, description="The transform job")
        CfnOutput(
            self,
            "StateMachineArn",
            value=self.state_machine.state_machine_arn,
            description="One execution per manifest; redrive a failed one, or `python -m ops replay` to re-run days",
        )
        CfnOutput(
            self,
            "GlueLogGroups",
            value=f"{self.glue_log_prefix}/output, {self.glue_log_prefix}/error",
            description="The Glue job's logs (driver and executors; Glue 5+)",
        )

    def _glue_job(
        self,
        config: PipelineConfig,
        processed_bucket: s3.IBucket,
        data_key: kms.IKey,
        zone_access: list[iam.IManagedPolicy],
    ) -> glue.JobBase:
        settings = config.glue
        glue_version = GLUE_VERSIONS.get(settings.version)
        if glue_version is None:
            supported = ", ".join(GLUE_VERSIONS)
            raise ConfigError(f"[glue] version {settings.version!r} is not supported; use one of {supported}")
        worker_type = getattr(glue.WorkerType, settings.worker_type.replace(".", "_"), None)
        if worker_type is None:
            raise ConfigError(f"[glue] worker_type {settings.worker_type!r} is not a Glue worker type (e.g. G.1X)")

        self.job_role = iam.Role(
            self,
            "JobRole",
            assumed_by=iam.ServicePrincipal("glue.amazonaws.com"),
            description="The transform job: reads the raw zone, writes the processed zones",
            managed_policies=zone_access,
        )
        self._grant_job_runtime(data_key)

        self.security_configuration = glue.SecurityConfiguration(
            self,
            "SecurityConfiguration",
            security_configuration_name=resource_name(config, "transform"),
            s3_encryption=glue.S3Encryption.kms(data_key),
            cloud_watch_encryption=glue.CloudWatchEncryption.kms(data_key),
            job_bookmarks_encryption=glue.JobBookmarksEncryption.client_side_kms(data_key),
        )
        # Where Glue 5+ writes the job's logs: `<prefix>/output` (stdout) and `<prefix>/error` (Spark, Glue).
        self.glue_log_prefix = glue_log_prefix(config)
        self.job_log_groups = {
            stream: logs.LogGroup(
                self,
                f"JobLogs{stream.capitalize()}",
                log_group_name=f"{self.glue_log_prefix}/{stream}",
                encryption_key=data_key,
                retention=LOG_RETENTION,
                removal_policy=RemovalPolicy.DESTROY,
            )
            for stream in GLUE_LOG_STREAMS
        }
        script = s3_assets.Asset(self, "JobScript", path=str(ENTRY_SCRIPT))
        # The `transforms` and `contracts` packages, zipped: Glue adds the zip to the driver's and executors' path.
        job_modules = PythonBundle(folders=folders(("glue_jobs/transforms", "transforms"), ("contracts", "contracts")))
        modules = s3_assets.Asset(
            self,
            "JobModules",
            path=str(REPO_ROOT / "glue_jobs"),
            bundling=local_bundling(job_modules),
            asset_hash=job_modules.fingerprint(f"glue{settings.version}"),
        )
        job_options: dict[str, Any] = {
            "job_name": config.glue_job_name,
            "description": "Raw Spotify API pages of one manifest -> the model's Parquet tables",
            "role": self.job_role,
            # From the asset bucket by key, so the role may read these two objects only.
            "script": glue.Code.from_bucket(script.bucket, script.s3_object_key),
            "extra_python_files": [glue.Code.from_bucket(modules.bucket, modules.s3_object_key)],
            "glue_version": glue_version,
            "worker_configuration": glue.WorkerConfiguration(
                worker_type=worker_type, number_of_workers=settings.workers
            ),
            "max_concurrent_runs": settings.max_concurrent_runs,
            # A failed run is alerted and re-run from the state machine; a silent Glue retry would hide it.
            "max_retries": 0,
            "timeout": Duration.minutes(settings.timeout_minutes),
            # Glue 5+ ignores the continuous-logging arguments (CDK sets them unless told not to).
            "continuous_logging": glue.ContinuousLoggingProps(enabled=False),
            "security_configuration": self.security_configuration,
            "default_arguments": {
                "--processed_uri": f"s3://{processed_bucket.bucket_name}/",
                "--custom-logGroup-prefix": self.glue_log_prefix,
                # Settings Spark takes only at start-up; the job sets the others itself (transforms/session.py).
                "--conf": glue_conf_argument(),
            },
        }
        if settings.flex:
            # Flex runs on spare capacity (cheaper, later start); Glue offers run queuing for standard runs only.
            return glue.PySparkFlexEtlJob(self, "Job", **job_options)
        return glue.PySparkEtlJob(self, "Job", job_run_queuing_enabled=True, **job_options)

    def _grant_job_runtime(self, data_key: kms.IKey) -> None:
        """What the job needs besides its zones: the key of its security configuration, logs and metrics."""
        role = self.job_role
        role.add_to_policy(
            iam.PolicyStatement(
                sid="EncryptWithTheSecurityConfigurationKey",
                actions=["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                resources=[data_key.key_arn],
            )
        )
        glue_log_groups = self.format_arn(
            service="logs",
            resource="log-group",
            resource_name=GLUE_LOG_GROUPS,
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        role.add_to_policy(
            iam.PolicyStatement(
                sid="WriteEncryptedGlueLogs",
                actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"],
                resources=[glue_log_groups],
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                sid="PublishGlueJobMetrics",
                actions=["cloudwatch:PutMetricData"],
                resources=["*"],
                conditions={"StringEquals": {"cloudwatch:namespace": "Glue"}},
            )
        )
        acknowledge(
            role,
            wildcard_resource(self, glue_log_groups),
            "Glue names the log groups of an encrypted job itself (after the security configuration and role), "
            "all under /aws-glue/",
        )
        acknowledge(
            role,
            f"{WILDCARD_PERMISSIONS}[Resource::*]",
            "cloudwatch:PutMetricData has no resource-level permissions; the condition limits it to the Glue namespace",
        )
        for action in ("s3:GetObject*", "s3:GetBucket*", "s3:List*"):
            acknowledge(
                role,
                wildcard_action(action),
                "CDK's read grant on the job's two code assets (entry script, modules zip), each scoped to its key",
            )

    def _state_machine(self, config: PipelineConfig) -> sfn.StateMachine:
        locate_manifest = sfn.Pass(
            self,
            "LocateManifest",
            comment="The manifest's S3 URI, from the bucket and key of the object-created event",
            parameters={
                "manifest_uri": sfn.JsonPath.format(
                    "s3://{}/{}",
                    sfn.JsonPath.string_at("$.detail.bucket.name"),
                    sfn.JsonPath.string_at("$.detail.object.key"),
                )
            },
            result_path="$.run",
        )
        run_transform = tasks.GlueStartJobRun(
            self,
            "RunTransform",
            glue_job_name=self.job.job_name,
            integration_pattern=sfn.IntegrationPattern.RUN_JOB,
            arguments=sfn.TaskInput.from_object({"--manifest_uri": sfn.JsonPath.string_at("$.run.manifest_uri")}),
            result_selector={
                "job_run_id": sfn.JsonPath.string_at("$.Id"),
                "state": sfn.JsonPath.string_at("$.JobRunState"),
                "execution_seconds": sfn.JsonPath.number_at("$.ExecutionTime"),
            },
            result_path="$.job_run",
        )
        run_transform.add_retry(
            errors=list(GLUE_RETRYABLE_ERRORS),
            interval=Duration.seconds(60),
            backoff_rate=2,
            max_attempts=6,
            max_delay=Duration.minutes(15),
            jitter_strategy=sfn.JitterType.FULL,
        )
        # No Catch: a failure fails the execution at this step, so a redrive runs the Glue job again.
        self.state_machine_log_group = logs.LogGroup(
            self,
            "StateMachineLogs",
            # AWS guidance for Step Functions: /aws/vendedlogs/ keeps CloudWatch Logs' resource policy small.
            log_group_name=f"/aws/vendedlogs/states/{resource_name(config, 'transform')}",
            retention=LOG_RETENTION,
            removal_policy=RemovalPolicy.DESTROY,
        )
        state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            state_machine_name=resource_name(config, "transform"),
            definition_body=sfn.DefinitionBody.from_chainable(locate_manifest.next(run_transform)),
            state_machine_type=sfn.StateMachineType.STANDARD,
            # Room for a queued or Flex start and the backoff retries on top of the job's own timeout.
            timeout=Duration.minutes(config.glue.timeout_minutes * 3),
            tracing_enabled=True,
            logs=sfn.LogOptions(
                destination=self.state_machine_log_group, level=sfn.LogLevel.ALL, include_execution_data=True
            ),
        )
        acknowledge(
            state_machine,
            f"{WILDCARD_PERMISSIONS}[Resource::*]",
            "Step Functions log delivery (logs:CreateLogDelivery, ...) and X-Ray (xray:PutTraceSegments, ...) "
            "support no resource-level scope",
        )
        return state_machine


def glue_log_prefix(config: PipelineConfig) -> str:
    """The job's log-group prefix, under /aws-glue/jobs/ where Glue writes (and the data key may encrypt)."""
    return f"{GLUE_JOBS_LOG_ROOT}/{resource_name(config, 'transform')}"


def event_pattern_from(pattern: dict[str, Any]) -> events.EventPattern:
    """The CDK form of an EventBridge pattern written as JSON (as `contracts.events` writes it)."""
    fields = {"source": "source", "detail-type": "detail_type", "detail": "detail", "account": "account"}
    unknown = sorted(set(pattern) - set(fields))
    if unknown:
        raise ValueError(f"event pattern field {unknown[0]!r} has no CDK mapping; add it to event_pattern_from")
    return events.EventPattern(**{fields[key]: value for key, value in pattern.items()})
