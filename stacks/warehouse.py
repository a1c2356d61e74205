"""Warehouse: Snowflake wired to AWS in one deploy, by a custom resource that runs the migrations.

Always: the Snowflake credentials secret (created empty; the operator fills it once).

With `-c snowflake=true` (the secret filled beforehand):
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

Without it, the AWS side deploys alone and the `SnowflakeStatus` output says what to do.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, CustomResource, Duration, RemovalPolicy, Stack, custom_resources
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
from stacks.context import SNOWFLAKE_CONTEXT_KEY
from stacks.defaults import LOG_RETENTION
from stacks.nag import acknowledge, acknowledge_bucket_notifications_handler, wildcard_resource
from stacks.names import resource_name
from stacks.python_function import PipelineFunction
from stacks.secrets import empty_secret

APPLIER_HANDLER = "applier.custom_resource.handler"
# What the applier imports at run time besides the standard library (boto3 comes with the Lambda runtime).
APPLIER_PACKAGES = ("snowflake-connector-python", "sqlglot")
PINS = REPO_ROOT / "requirements.txt"


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
        snowflake_enabled: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.snowflake_secret = empty_secret(
            self,
            "SnowflakeSecret",
            secret_name=config.secret_name("snowflake"),
            description=f"Snowflake credentials for the migrations (key-pair auth), JSON {SECRET_SHAPE}",
        )
        self.error_topic: sns.Topic | None = None
        if not snowflake_enabled:
            CfnOutput(
                self,
                "SnowflakeStatus",
                value=snowflake_not_wired_message(config),
                description="What is missing to load into Snowflake",
            )
            return

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

    def _role_arn(self, role_name: str) -> str:
        return self.format_arn(service="iam", region="", resource="role", resource_name=role_name)

    def _applier(self, config: PipelineConfig, variables: dict[str, str]) -> CustomResource:
        applier = PipelineFunction(
            self,
            "Applier",
            function_name=resource_name(config, "snowflake-applier"),
            description="Applies snowflake_sql/migrations, returns what AWS needs (CloudFormation custom resource)",
            source=REPO_ROOT / "snowflake_sql",
            bundle=PythonBundle(
                folders=folders(("snowflake_sql/applier", "applier"), ("snowflake_sql/migrations", "migrations")),
                requirements=tuple(pinned_requirement(name, PINS) for name in APPLIER_PACKAGES),
            ),
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
                resources=[self.snowflake_secret.secret_arn],
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
                "SecretArn": self.snowflake_secret.secret_arn,
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
        f"Snowflake is not wired: the context key `{SNOWFLAKE_CONTEXT_KEY}` is not set. "
        f"1) Put the credentials in the secret {secret}: aws secretsmanager put-secret-value --secret-id {secret} "
        f"--secret-string file://snowflake.json (JSON {SECRET_SHAPE}). "
        f"2) Deploy again with: npx aws-cdk deploy --all -c env={config.env} -c {SNOWFLAKE_CONTEXT_KEY}=true"
    )
