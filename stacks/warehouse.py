"""Warehouse: Snowflake wired to AWS in one deploy, by a custom resource that runs the migrations.

Whether an environment is wired is its `[snowflake] wired` setting (config/pipeline.toml), so a routine deploy
keeps the wiring; there is no deploy flag that could drop it. The Snowflake credentials secret is the
operator's (created once with the CLI, README runbook) and referenced here by name: it exists before the first
wired deploy, and no deploy or rollback of this stack can delete or empty it.

This stack (only in a wired environment):
- the applier custom resource: a Lambda with snowflake-connector-python applies `snowflake_sql/migrations`
  (storage integration, stage, pipes, error integration, ...) and returns what AWS needs from Snowflake: the
  IAM user and external id of each integration, and each pipe's SQS channel;
- the storage-integration role Snowflake assumes to read the model prefix of the processed bucket, and the role
  its error integration assumes to publish to the Snowpipe error topic. Both have names fixed up front, so
  their ARNs go into the migrations before the roles exist, and their trust comes from the custom resource:
  one pass, no copying of `DESC INTEGRATION` output;
- the processed bucket's notifications to each pipe's channel (per model table prefix, `.parquet` files only).
  The bucket lives in the storage stack; its notifications are set from here through an imported reference
  (CDK keeps notifications it does not own), which avoids a cycle between the two stacks.

An environment that is not wired has no warehouse stack; the storage stack's `SnowflakeStatus` output says what
to do, and the processed files written until then are loaded afterwards with `python -m ops backfill`.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import ArnFormat, CfnOutput, CustomResource, Duration, RemovalPolicy, Stack, custom_resources
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3_notifications
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from applier import MIGRATIONS_DIR, load_migrations, migrations_fingerprint, pipe_channel_attribute, warehouse_variables
from applier.connection import SECRET_SHAPE
from config import PipelineConfig
from contracts.events import pipe_notification_filters
from stacks.bundling import REPO_ROOT, PythonBundle, folders, pinned_requirement
from stacks.defaults import LOG_RETENTION
from stacks.nag import acknowledge, acknowledge_bucket_notifications_handler, wildcard_resource
from stacks.names import resource_name
from stacks.python_function import PipelineFunction

APPLIER_HANDLER = "applier.custom_resource.handler"
# What the applier imports at run time besides the standard library (boto3 comes with the Lambda runtime).
APPLIER_PACKAGES = ("snowflake-connector-python", "sqlglot")
PINS = REPO_ROOT / "requirements.txt"


def applier_bundle() -> PythonBundle:
    """The applier, its migrations and `contracts` (the secret reader, the model prefix), with its pinned packages."""
    return PythonBundle(
        folders=folders(
            ("snowflake_sql/applier", "applier"), ("snowflake_sql/migrations", "migrations"), ("contracts", "contracts")
        ),
        requirements=tuple(pinned_requirement(name, PINS) for name in APPLIER_PACKAGES),
    )


class WarehouseStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: PipelineConfig,
        processed_bucket: s3.IBucket,
        model_read: iam.IManagedPolicy,
        alerts_key: kms.IKey,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        if not config.snowflake.wired:
            raise ValueError(f"environment {config.env} is not wired to Snowflake; app.py leaves this stack out")
        self.snowflake_secret_name = config.secret_name("snowflake")
        storage_role_arn = self._role_arn(config.storage_role_name)
        error_role_name = resource_name(config, "snowflake-errors")
        self.error_topic = sns.Topic(
            self,
            "SnowpipeErrorTopic",
            topic_name=resource_name(config, "snowpipe-errors"),
            display_name="Snowpipe load errors",
            master_key=alerts_key,
            enforce_ssl=True,
        )
        self.warehouse = self._applier(
            config,
            variables=warehouse_variables(
                config,
                processed_bucket.bucket_name,
                storage_role_arn,
                self.error_topic.topic_arn,
                self._role_arn(error_role_name),
            ),
        )
        self.storage_role = self._storage_role(config, model_read)
        self.error_role = self._error_role(error_role_name, self.error_topic, alerts_key)
        self._notify_pipes(processed_bucket)

        CfnOutput(self, "SnowflakeStatus", value="wired: migrations applied by the custom resource")
        CfnOutput(self, "SnowflakeStorageRoleArn", value=self.storage_role.role_arn)
        CfnOutput(self, "SnowpipeErrorTopicArn", value=self.error_topic.topic_arn)

    def _secret_arn_pattern(self) -> str:
        return self.format_arn(
            service="secretsmanager",
            resource="secret",
            resource_name=f"{self.snowflake_secret_name}-??????",
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )

    def _role_arn(self, role_name: str) -> str:
        return self.format_arn(service="iam", region="", resource="role", resource_name=role_name)

    def _applier(self, config: PipelineConfig, variables: dict[str, str]) -> CustomResource:
        applier = PipelineFunction(
            self,
            "Applier",
            function_name=resource_name(config, "snowflake-applier"),
            description="Applies snowflake_sql/migrations, returns what AWS needs (CloudFormation custom resource)",
            source=REPO_ROOT / "snowflake_sql",
            bundle=applier_bundle(),
            handler=APPLIER_HANDLER,
            # A migration run is a few dozen statements; the time is for a suspended warehouse to resume.
            memory_mb=512,
            timeout=Duration.minutes(10),
            environment={},
        )
        applier.role.add_to_policy(
            iam.PolicyStatement(
                sid="ReadTheSnowflakeSecret",
                actions=["secretsmanager:GetSecretValue"],
                # Secrets Manager appends six random characters to a secret's name in its ARN.
                resources=[self._secret_arn_pattern()],
            )
        )
        provider_logs = logs.LogGroup(
            self, "ApplierProviderLogs", retention=LOG_RETENTION, removal_policy=RemovalPolicy.DESTROY
        )
        provider_role = iam.Role(
            self,
            "ApplierProviderRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="CDK's custom-resource framework: invokes the applier, writes its own log group",
        )
        provider_logs.grant_write(provider_role)
        provider = custom_resources.Provider(
            self,
            "ApplierProvider",
            on_event_handler=applier.function,
            framework_on_event_role=provider_role,
            log_group=provider_logs,
        )
        acknowledge(
            provider_role,
            wildcard_resource(self, f"{applier.function.function_arn}:*"),
            "CDK's provider framework may invoke any version of the applier function (the ARN with its qualifier)",
        )
        return CustomResource(
            self,
            "SnowflakeWarehouse",
            service_token=provider.service_token,
            resource_type="Custom::SnowflakeWarehouse",
            properties={
                # GetSecretValue takes a name as well as an ARN; the name is what the operator created.
                "SecretArn": self.snowflake_secret_name,
                "Variables": variables,
                # A changed or new migration changes this value, so CloudFormation runs the applier again.
                "MigrationsFingerprint": migrations_fingerprint(load_migrations(MIGRATIONS_DIR)),
            },
        )

    def _storage_role(self, config: PipelineConfig, model_read: iam.IManagedPolicy) -> iam.Role:
        return iam.Role(
            self,
            "SnowflakeStorageRole",
            role_name=config.storage_role_name,
            assumed_by=iam.ArnPrincipal(self.warehouse.get_att_string("StorageAwsIamUserArn")),
            external_ids=[self.warehouse.get_att_string("StorageAwsExternalId")],
            description="Snowflake's storage integration: reads the model files of the processed bucket",
            managed_policies=[model_read],
        )

    def _error_role(self, role_name: str, error_topic: sns.ITopic, alerts_key: kms.IKey) -> iam.Role:
        role = iam.Role(
            self,
            "SnowflakeErrorRole",
            role_name=role_name,
            assumed_by=iam.ArnPrincipal(self.warehouse.get_att_string("ErrorAwsIamUserArn")),
            external_ids=[self.warehouse.get_att_string("ErrorAwsExternalId")],
            description="Snowflake's error integration: publishes Snowpipe load errors to the error topic",
        )
        role.add_to_policy(
            iam.PolicyStatement(sid="PublishSnowpipeErrors", actions=["sns:Publish"], resources=[error_topic.topic_arn])
        )
        role.add_to_policy(
            iam.PolicyStatement(
                sid="PublishToTheEncryptedTopic",
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resources=[alerts_key.key_arn],
            )
        )
        return role

    def _notify_pipes(self, processed_bucket: s3.IBucket) -> None:
        bucket = s3.Bucket.from_bucket_attributes(
            self,
            "ProcessedBucket",
            bucket_arn=processed_bucket.bucket_arn,
            bucket_name=processed_bucket.bucket_name,
        )
        for table_name, key_filter in pipe_notification_filters().items():
            channel = sqs.Queue.from_queue_arn(
                self, f"PipeChannel-{table_name}", self.warehouse.get_att_string(pipe_channel_attribute(table_name))
            )
            bucket.add_event_notification(
                s3.EventType.OBJECT_CREATED,
                s3_notifications.SqsDestination(channel),
                s3.NotificationKeyFilter(prefix=key_filter["prefix"], suffix=key_filter["suffix"]),
            )
        acknowledge_bucket_notifications_handler(self)


def snowflake_not_wired_message(config: PipelineConfig) -> str:
    secret = config.secret_name("snowflake")
    return (
        f"Snowflake is not wired: [env.{config.env}.snowflake] wired is false in config/pipeline.toml. "
        f"1) Create the credentials secret: aws secretsmanager create-secret --name {secret} "
        f"--secret-string file://snowflake.json (JSON {SECRET_SHAPE}). "
        f"2) Set [env.{config.env}.snowflake] wired = true, then: make deploy ENV={config.env}. "
        f"3) Load what was written before: python -m ops backfill --env {config.env}"
    )
