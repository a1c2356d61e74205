"""Storage: the data key, the raw and processed buckets, their access-log bucket, and who may use which zone.

Both data buckets are private, KMS-encrypted with one customer key (rotated yearly), reachable over TLS only,
and log every request to the access-log bucket. The raw bucket is versioned (the extraction rewrites its state
object daily) and sends its events to EventBridge, where the transform trigger listens for new manifests.
Buckets and the key are retained when the stack is deleted: they hold the pipeline's history.

Access to the zones is defined here, next to the layout it depends on, as one managed policy per kind of use
(the extraction writes the raw zone, the transform reads it and writes the processed zones, Snowflake reads
the model files); each stage's role attaches the policy it needs. Every wildcard in them is an object-key
prefix of the contracts (`spotify/`, `model/`, ...), never a whole bucket or `s3:*`.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from config import PipelineConfig
from contracts.processed_zone import MODEL_PREFIX, QUARANTINE_PREFIX, REPORTS_PREFIX
from contracts.raw_zone import RAW_ROOT
from stacks.defaults import LOG_RETENTION_DAYS
from stacks.nag import acknowledge, acknowledge_bucket_notifications_handler, wildcard_resource
from stacks.names import kebab_case, resource_name

PROCESSED_ZONES = (MODEL_PREFIX, QUARANTINE_PREFIX, REPORTS_PREFIX)
# Versions replaced in the raw bucket (mostly the extraction's state object) stay restorable this long.
PREVIOUS_VERSIONS_KEPT_DAYS = 90
# S3 request metrics on the model files: their reads are Snowpipe's loads (nothing else reads model/), the
# AWS-side signal of the "no Snowpipe load" freshness alarm (monitoring stack).
MODEL_READS_METRICS_ID = "model-reads"
# CloudWatch Logs may use the data key for the transform's log groups (Glue security configuration).
GLUE_LOG_GROUPS = "/aws-glue/*"


class StorageStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: PipelineConfig, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.data_key = kms.Key(
            self,
            "DataKey",
            alias=f"alias/{resource_name(config, 'data')}",
            description="Encrypts the pipeline's raw and processed data and the transform's logs",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.data_key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchLogsForGlueLogGroups",
                principals=[iam.ServicePrincipal(f"logs.{self.region}.amazonaws.com")],
                actions=["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                # In a key policy, "*" means this key.
                resources=["*"],
                conditions={
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": self.format_arn(
                            service="logs",
                            resource="log-group",
                            resource_name=GLUE_LOG_GROUPS,
                            arn_format=ArnFormat.COLON_RESOURCE_NAME,
                        )
                    }
                },
            )
        )

        self.access_logs_bucket = s3.Bucket(
            self,
            "AccessLogs",
            bucket_name=config.bucket_name("logs", self.account, self.region),
            # S3 server access logging cannot deliver to a bucket encrypted with a KMS key.
            encryption=s3.BucketEncryption.S3_MANAGED,
            **_private_bucket(),
            lifecycle_rules=[s3.LifecycleRule(id="expire-access-logs", expiration=Duration.days(LOG_RETENTION_DAYS))],
        )
        acknowledge(
            self.access_logs_bucket,
            "AwsSolutions-S1",
            "This is the access-log bucket of the raw and processed buckets; logging it into itself would loop.",
        )

        storage = config.storage
        self.raw_bucket = s3.Bucket(
            self,
            "Raw",
            bucket_name=config.bucket_name("raw", self.account, self.region),
            **_encrypted_with(self.data_key),
            **_private_bucket(),
            server_access_logs_bucket=self.access_logs_bucket,
            server_access_logs_prefix="raw/",
            versioned=True,
            event_bridge_enabled=True,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="age-raw-zone",
                    transitions=[
                        s3.Transition(
                            storage_class=s3.StorageClass.INFREQUENT_ACCESS,
                            transition_after=Duration.days(storage.raw_infrequent_access_after_days),
                        ),
                        # An archive the transform can still read without a restore, so any day can be re-run.
                        s3.Transition(
                            storage_class=s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
                            transition_after=Duration.days(storage.raw_archive_after_days),
                        ),
                    ],
                    noncurrent_version_expiration=Duration.days(PREVIOUS_VERSIONS_KEPT_DAYS),
                    abort_incomplete_multipart_upload_after=Duration.days(7),
                )
            ],
        )

        self.processed_bucket = s3.Bucket(
            self,
            "Processed",
            bucket_name=config.bucket_name("processed", self.account, self.region),
            **_encrypted_with(self.data_key),
            **_private_bucket(),
            server_access_logs_bucket=self.access_logs_bucket,
            server_access_logs_prefix="processed/",
            metrics=[s3.BucketMetrics(id=MODEL_READS_METRICS_ID, prefix=f"{MODEL_PREFIX}/")],
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-quarantine",
                    prefix=f"{QUARANTINE_PREFIX}/",
                    expiration=Duration.days(storage.quarantine_expire_after_days),
                ),
                s3.LifecycleRule(
                    id="abort-incomplete-uploads", abort_incomplete_multipart_upload_after=Duration.days(7)
                ),
            ],
        )

        # The raw bucket's EventBridge switch is set at deploy time by CDK's notifications handler.
        acknowledge_bucket_notifications_handler(self)
        self._define_zone_access(config)

        CfnOutput(self, "RawBucketName", value=self.raw_bucket.bucket_name, description="Raw API pages and manifests")
        CfnOutput(
            self,
            "ProcessedBucketName",
            value=self.processed_bucket.bucket_name,
            description="Model Parquet files, quarantine and run reports",
        )

    def _define_zone_access(self, config: PipelineConfig) -> None:
        raw, processed, key = self.raw_bucket, self.processed_bucket, self.data_key.key_arn
        raw_zone = raw.arn_for_objects(f"{RAW_ROOT}/*")
        processed_zones = [processed.arn_for_objects(f"{prefix}/*") for prefix in PROCESSED_ZONES]
        model_files = processed.arn_for_objects(f"{MODEL_PREFIX}/*")

        self.raw_zone_read_write = self._zone_policy(
            config,
            "RawZoneReadWrite",
            "The extraction: writes API pages and manifests, reads and writes its state, in the raw zone",
            [
                iam.PolicyStatement(actions=["s3:GetObject", "s3:PutObject"], resources=[raw_zone]),
                # Without ListBucket, reading the state object before the first run answers 403 instead of 404.
                iam.PolicyStatement(actions=["s3:ListBucket"], resources=[raw.bucket_arn]),
                iam.PolicyStatement(actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[key]),
            ],
            wildcards={raw_zone: f"the raw zone, every key under {RAW_ROOT}/ (pages, manifests, state)"},
        )
        self.raw_zone_read = self._zone_policy(
            config,
            "RawZoneRead",
            "The transform: reads the raw files a manifest lists",
            [
                iam.PolicyStatement(actions=["s3:GetObject"], resources=[raw_zone]),
                iam.PolicyStatement(actions=["s3:ListBucket", "s3:GetBucketLocation"], resources=[raw.bucket_arn]),
                iam.PolicyStatement(actions=["kms:Decrypt"], resources=[key]),
            ],
            wildcards={raw_zone: f"the raw zone, every key under {RAW_ROOT}/ (the files manifests list)"},
        )
        self.processed_zones_write = self._zone_policy(
            config,
            "ProcessedZonesWrite",
            "The transform: writes (and on a re-run replaces) the model, quarantine and report partitions",
            [
                # Delete: a re-run replaces its own partition, and Spark's committer removes its temporary files.
                iam.PolicyStatement(
                    actions=["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], resources=processed_zones
                ),
                iam.PolicyStatement(
                    actions=["s3:ListBucket", "s3:GetBucketLocation"], resources=[processed.bucket_arn]
                ),
                iam.PolicyStatement(actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[key]),
            ],
            wildcards={
                zone: f"the {prefix}/ zone of the processed bucket, written by the transform"
                for zone, prefix in zip(processed_zones, PROCESSED_ZONES, strict=True)
            },
        )
        self.model_read = self._zone_policy(
            config,
            "ModelRead",
            "Snowflake's storage integration: reads the model files its pipes load",
            [
                iam.PolicyStatement(actions=["s3:GetObject", "s3:GetObjectVersion"], resources=[model_files]),
                iam.PolicyStatement(
                    actions=["s3:ListBucket"],
                    resources=[processed.bucket_arn],
                    conditions={"StringLike": {"s3:prefix": [f"{MODEL_PREFIX}/*"]}},
                ),
                iam.PolicyStatement(actions=["s3:GetBucketLocation"], resources=[processed.bucket_arn]),
                iam.PolicyStatement(actions=["kms:Decrypt"], resources=[key]),
            ],
            wildcards={model_files: f"the model files under {MODEL_PREFIX}/, which the Snowflake stage points at"},
        )

    def _zone_policy(
        self,
        config: PipelineConfig,
        construct_id: str,
        description: str,
        statements: list[iam.PolicyStatement],
        wildcards: dict[str, str],
    ) -> iam.ManagedPolicy:
        policy = iam.ManagedPolicy(
            self,
            construct_id,
            managed_policy_name=resource_name(config, kebab_case(construct_id)),
            description=description,
            statements=statements,
        )
        for resource, scope in wildcards.items():
            acknowledge(policy, wildcard_resource(self, resource), f"Scoped to an object-key prefix: {scope}")
        return policy


def _private_bucket() -> dict[str, Any]:
    return {
        "block_public_access": s3.BlockPublicAccess.BLOCK_ALL,
        "object_ownership": s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        "enforce_ssl": True,
        "minimum_tls_version": 1.2,
        "removal_policy": RemovalPolicy.RETAIN,
    }


def _encrypted_with(key: kms.IKey) -> dict[str, Any]:
    # Bucket keys cut the KMS requests (and their cost) of the many small page files by orders of magnitude.
    return {"encryption": s3.BucketEncryption.KMS, "encryption_key": key, "bucket_key_enabled": True}
