"""A Python Lambda function of the pipeline, with the secure defaults every one of them shares.

arm64 (Graviton), the runtime its bundle was built for, active X-Ray tracing, its own log group with a
retention, and its own role that may write to that log group only (instead of the AWS-managed basic execution
policy, which allows every log group). The caller grants the rest.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from stacks.bundling import PythonBundle, local_bundling
from stacks.defaults import LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME, LOG_RETENTION
from stacks.nag import WILDCARD_PERMISSIONS, acknowledge


class PipelineFunction(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        function_name: str,
        description: str,
        source: Path,
        bundle: PythonBundle,
        handler: str,
        memory_mb: int,
        timeout: Duration,
        environment: dict[str, str],
        reserved_concurrency: int | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.log_group = logs.LogGroup(
            self,
            "Logs",
            log_group_name=f"/aws/lambda/{function_name}",
            retention=LOG_RETENTION,
            # A retained group with this fixed name would block the next deploy after a `cdk destroy`.
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Runs {function_name}: its log group, plus what its stack grants",
        )
        self.log_group.grant_write(self.role)
        self.function = lambda_.Function(
            self,
            "Function",
            function_name=function_name,
            description=description,
            runtime=LAMBDA_RUNTIME,
            architecture=LAMBDA_ARCHITECTURE,
            code=lambda_.Code.from_asset(
                str(source),
                bundling=local_bundling(bundle, LAMBDA_RUNTIME),
                asset_hash=bundle.fingerprint(LAMBDA_RUNTIME.name),
            ),
            handler=handler,
            memory_size=memory_mb,
            timeout=timeout,
            environment=environment,
            role=self.role,
            log_group=self.log_group,
            tracing=lambda_.Tracing.ACTIVE,
            reserved_concurrent_executions=reserved_concurrency,
        )
        acknowledge(
            self.function,
            "AwsSolutions-L1",
            f"Pinned to {LAMBDA_RUNTIME.name}: the bundle holds wheels built for it (pip --python-version), and the "
            "code is tested on 3.11+; move runtime and bundle together",
        )
        acknowledge(
            self.role,
            f"{WILDCARD_PERMISSIONS}[Resource::*]",
            "Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level scope",
        )
