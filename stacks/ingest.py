"""Ingest: the daily schedule, the capture schedule, the extraction Lambda, the Spotify secrets and the DLQ.

The Lambda runs once a day and never twice at the same time (reserved concurrency 1). With `[capture]` on, a second
schedule invokes the same function with a capture event every few minutes (extract.capture): the same code, role
and secrets, and, being the same function, never at the same time as the daily run, which shares the state object.
A capture starts no Glue run: the next daily run hands its pages to the transform. A failed invocation is
retried by Lambda; an invocation that still fails, or a scheduled event Lambda could not accept, lands in the
dead-letter queue, which the monitoring stack alarms on. The Lambda may read and write only the raw zone,
read the two Spotify secrets and write back the user token, whose refresh token Spotify may rotate
(the raw-zone policy comes from the storage stack).
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_s3 as s3
from constructs import Construct

from config import PipelineConfig
from extract import service
from extract.capture import CAPTURE_ACTION
from extract.settings import environment_from_config
from stacks.bundling import REPO_ROOT, PythonBundle, folders
from stacks.dead_letters import dead_letter_queue
from stacks.names import resource_name
from stacks.python_function import PipelineFunction
from stacks.secrets import empty_secret

# Lambda retries a failed asynchronous invocation this many times before the event goes to the DLQ.
ASYNC_RETRY_ATTEMPTS = 2


def extraction_bundle() -> PythonBundle:
    """The extraction and `contracts` at the bundle's root (no `config`: the function reads its environment),
    with the pins of lambda_src/requirements.txt."""
    return PythonBundle(
        folders=folders(("lambda_src/extract", "extract"), ("contracts", "contracts")),
        requirements_files=(REPO_ROOT / "lambda_src" / "requirements.txt",),
    )


class IngestStack(Stack):
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
        self.client_secret = empty_secret(
            self,
            "SpotifyClientSecret",
            secret_name=config.secret_name("client"),
            description='Spotify app credentials, JSON {"client_id": "...", "client_secret": "..."}',
        )
        self.user_token_secret = empty_secret(
            self,
            "SpotifyUserTokenSecret",
            secret_name=config.secret_name("user_token"),
            description='Spotify user token, JSON {"refresh_token": "...", "scope": "..."}; kept current by the run',
        )
        self.dead_letter_queue = dead_letter_queue(
            self,
            "ExtractDeadLetters",
            queue_name=resource_name(config, "extract-dlq"),
            serves="the extraction Lambda's on-failure destination and the schedule target's DLQ",
        )

        extract = config.extract
        self.extract = PipelineFunction(
            self,
            "Extract",
            function_name=resource_name(config, "extract"),
            description="Daily Spotify extraction: API pages and a manifest into the raw bucket",
            source=REPO_ROOT / "lambda_src",
            bundle=extraction_bundle(),
            handler=service.HANDLER,
            memory_mb=extract.lambda_memory_mb,
            timeout=Duration.seconds(extract.lambda_timeout_seconds),
            environment=environment_from_config(
                config, raw_bucket.bucket_name, self.client_secret.secret_arn, self.user_token_secret.secret_arn
            ),
            # Runs never overlap: two runs would read the same state and fetch the same pages twice.
            reserved_concurrency=1,
        )
        self.function = self.extract.function
        self.function.configure_async_invoke(
            retry_attempts=ASYNC_RETRY_ATTEMPTS,
            max_event_age=Duration.hours(6),
            on_failure=destinations.SqsDestination(self.dead_letter_queue),
        )
        self.extract.role.add_managed_policy(raw_zone_access)
        self._grant_secrets()

        self.schedule = events.Rule(
            self,
            "DailySchedule",
            rule_name=resource_name(config, "daily-extraction"),
            description=config.schedule.description,
            schedule=events.Schedule.cron(**config.schedule_cron),
        )
        self.schedule.add_target(
            targets.LambdaFunction(
                self.function,
                dead_letter_queue=self.dead_letter_queue,
                retry_attempts=ASYNC_RETRY_ATTEMPTS,
                max_event_age=Duration.hours(2),
            )
        )

        self.capture_schedule = self._capture_schedule(config) if config.captures_on else None

        CfnOutput(self, "ExtractFunctionName", value=self.function.function_name, description="Invoke to run now")
        CfnOutput(self, "SpotifyClientSecretArn", value=self.client_secret.secret_arn, description="Set once")
        CfnOutput(self, "SpotifyUserTokenSecretArn", value=self.user_token_secret.secret_arn, description="Set once")

    def _capture_schedule(self, config: PipelineConfig) -> events.Rule:
        rule = events.Rule(
            self,
            "CaptureSchedule",
            rule_name=resource_name(config, "capture-recently-played"),
            description=f"Capture of recently played every {config.capture.every_minutes} minutes",
            schedule=events.Schedule.cron(**config.capture_cron),
        )
        rule.add_target(
            targets.LambdaFunction(
                self.function,
                # The scheduled time names the capture; the function tells a capture from a daily run by `action`.
                event=events.RuleTargetInput.from_object({"action": CAPTURE_ACTION, "time": events.EventField.time}),
                dead_letter_queue=self.dead_letter_queue,
                retry_attempts=ASYNC_RETRY_ATTEMPTS,
                max_event_age=Duration.hours(2),
            )
        )
        return rule

    def _grant_secrets(self) -> None:
        role = self.extract.role
        role.add_to_policy(
            iam.PolicyStatement(
                sid="ReadTheSpotifySecrets",
                actions=["secretsmanager:GetSecretValue"],
                resources=[self.client_secret.secret_arn, self.user_token_secret.secret_arn],
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                sid="WriteBackTheRotatedUserToken",
                actions=["secretsmanager:PutSecretValue"],
                resources=[self.user_token_secret.secret_arn],
            )
        )
