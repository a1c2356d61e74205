"""The history import stack: an export uploaded under `imports/` of the raw bucket -> EventBridge rule -> its Lambda.

Why Lambda: the import streams the upload to ephemeral storage (up to `MAX_UPLOAD_BYTES`; a 10-year export is tens
of MB zipped, a few hundred MB of JSON) and reads it one audio file at a time (each under about 12 MB), so memory
stays near one file's rows whatever the history's length; it writes about 100,000 rows a minute, so even a heavy
listener's 10 years (a few hundred thousand rows) fit well within Lambda's 15 minutes. A Glue job would take
minutes to start for work that takes seconds.

Its own function and role, not the extraction's: it needs no Spotify secret, and reads only `imports/` and writes
only the raw zone (`spotify/`). One import at a time (reserved concurrency 1): two uploads of one export write
the same keys. A failed invocation is retried by Lambda, then lands in its dead-letter queue (alarmed by the
monitoring stack, like the extraction's).
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Aws, CfnOutput, Duration, Size, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_s3 as s3
from constructs import Construct

from config import PipelineConfig
from contracts.events import upload_created_pattern
from contracts.raw_zone import IMPORTS_PREFIX
from history_import import service
from history_import.uploads import ENV_RAW_BUCKET
from stacks.bundling import REPO_ROOT, PythonBundle, folders
from stacks.dead_letters import dead_letter_queue
from stacks.nag import acknowledge, wildcard_resource
from stacks.names import resource_name
from stacks.python_function import PipelineFunction
from stacks.transform import event_pattern_from

IMPORT_MEMORY_MB = 1024
IMPORT_TIMEOUT = Duration.minutes(15)
# The upload and the import's temporary files.
IMPORT_EPHEMERAL_STORAGE = Size.mebibytes(3072)
ASYNC_RETRY_ATTEMPTS = 2


def history_import_bundle() -> PythonBundle:
    """The import, the extraction's raw writer it shares, and `contracts`, with lambda_src's pins."""
    return PythonBundle(
        folders=folders(
            ("lambda_src/history_import", "history_import"),
            ("lambda_src/extract", "extract"),
            ("contracts", "contracts"),
        ),
        requirements_files=(REPO_ROOT / "lambda_src" / "requirements.txt",),
    )


class HistoryImportStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: PipelineConfig,
        raw_bucket: s3.IBucket,
        raw_zone_access: iam.IManagedPolicy,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.dead_letter_queue = dead_letter_queue(
            self,
            "DeadLetters",
            queue_name=resource_name(config, "history-import-dlq"),
            serves="the history import Lambda's on-failure destination and the upload rule target's DLQ",
        )
        self.runtime = PipelineFunction(
            self,
            "Import",
            function_name=resource_name(config, "history-import"),
            description="Imports a listener's Spotify history export uploaded under imports/ into the raw zone",
            source=REPO_ROOT / "lambda_src",
            bundle=history_import_bundle(),
            handler=service.HANDLER,
            memory_mb=IMPORT_MEMORY_MB,
            timeout=IMPORT_TIMEOUT,
            environment={ENV_RAW_BUCKET: raw_bucket.bucket_name, "POWERTOOLS_SERVICE_NAME": service.SERVICE},
            reserved_concurrency=1,
        )
        self.function = self.runtime.function
        cfn_function = self.function.node.default_child
        assert isinstance(cfn_function, lambda_.CfnFunction)
        cfn_function.ephemeral_storage = lambda_.CfnFunction.EphemeralStorageProperty(
            size=int(IMPORT_EPHEMERAL_STORAGE.to_mebibytes())
        )
        self.function.configure_async_invoke(
            retry_attempts=ASYNC_RETRY_ATTEMPTS,
            max_event_age=Duration.hours(6),
            on_failure=destinations.SqsDestination(self.dead_letter_queue),
        )
        role = self.runtime.role
        role.add_managed_policy(raw_zone_access)
        # The ARN from the configured name, not the storage stack's export: a cdk-nag finding id must be stable.
        raw_name = config.bucket_name("raw", self.account, self.region)
        uploads = f"arn:{Aws.PARTITION}:s3:::{raw_name}/{IMPORTS_PREFIX}*"
        role.add_to_policy(
            iam.PolicyStatement(sid="ReadTheUploadedExports", actions=["s3:GetObject"], resources=[uploads])
        )
        if raw_bucket.encryption_key is not None:
            role.add_to_policy(
                iam.PolicyStatement(
                    sid="DecryptTheUploadedExports",
                    actions=["kms:Decrypt"],
                    resources=[raw_bucket.encryption_key.key_arn],
                )
            )
        acknowledge(
            role,
            wildcard_resource(self, uploads),
            f"Scoped to an object-key prefix: the uploads under {IMPORTS_PREFIX} the import reads",
        )
        self.rule = events.Rule(
            self,
            "UploadCreated",
            rule_name=resource_name(config, "history-upload-created"),
            description=f"A history export uploaded under {IMPORTS_PREFIX} of the raw bucket starts its import",
            event_pattern=event_pattern_from(upload_created_pattern(raw_bucket.bucket_name)),
        )
        self.rule.add_target(
            targets.LambdaFunction(
                self.function,
                dead_letter_queue=self.dead_letter_queue,
                retry_attempts=ASYNC_RETRY_ATTEMPTS,
                max_event_age=Duration.hours(2),
            )
        )
        CfnOutput(
            self,
            "ImportsLocation",
            value=f"s3://{raw_name}/{IMPORTS_PREFIX}",
            description="Upload a listener's Spotify history export (my_spotify_data.zip) here to import it",
        )
