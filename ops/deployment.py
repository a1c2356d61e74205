"""Which deployed environment a command works on: its names (from the configuration) in the account and region
of the standard AWS credentials, checked to exist before anything else is read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError

from config import ConfigError, PipelineConfig, load_config
from ops.errors import OpsError
from stacks.names import resource_name

CREDENTIALS_HINT = "set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) for the pipeline's account"


@dataclass(frozen=True)
class Deployment:
    config: PipelineConfig
    account: str
    region: str
    partition: str

    @property
    def env(self) -> str:
        return self.config.env

    @property
    def raw_bucket(self) -> str:
        return self.config.bucket_name("raw", self.account, self.region)

    @property
    def processed_bucket(self) -> str:
        return self.config.bucket_name("processed", self.account, self.region)

    @property
    def state_machine_name(self) -> str:
        return resource_name(self.config, "transform")

    @property
    def state_machine_arn(self) -> str:
        return f"arn:{self.partition}:states:{self.region}:{self.account}:stateMachine:{self.state_machine_name}"

    @property
    def glue_job_name(self) -> str:
        return self.config.glue_job_name

    def client(self, service: str) -> Any:
        return boto3.client(service, region_name=self.region)


def locate(env: str, *, deployed: bool = True) -> Deployment:
    """The deployment of `env` reachable with the current credentials; OpsError if it is not there (with
    `deployed=False`, only the account and region: what a first deploy goes to)."""
    try:
        config = load_config(env)
    except ConfigError as error:
        raise OpsError(str(error)) from None
    if env == "local":
        raise OpsError("environment 'local' is the laptop runtime (make run), not a deployment; use --env dev or prod")
    session = boto3.session.Session()
    region = session.region_name
    if not region:
        raise OpsError("no AWS region is set; set AWS_REGION (or AWS_DEFAULT_REGION, or your profile's region)")
    try:
        identity = session.client("sts", region_name=region).get_caller_identity()
    except NoCredentialsError:
        raise OpsError(f"no AWS credentials found; {CREDENTIALS_HINT}") from None
    except ClientError as error:
        raise OpsError(f"the AWS credentials were refused ({aws_reason(error)}); {CREDENTIALS_HINT}") from None
    except (BotoCoreError, NoRegionError) as error:
        raise OpsError(f"AWS is not reachable ({error}); check the network and AWS_ENDPOINT_URL") from None
    partition = identity["Arn"].split(":")[1]
    deployment = Deployment(config=config, account=identity["Account"], region=region, partition=partition)
    if not deployed:
        return deployment
    try:
        deployment.client("stepfunctions").describe_state_machine(stateMachineArn=deployment.state_machine_arn)
    except ClientError as error:
        if error.response["Error"]["Code"] in ("StateMachineDoesNotExist", "InvalidArn"):
            raise OpsError(
                f"environment {env!r} is not deployed in account {deployment.account}, region {region} (no state "
                f"machine {deployment.state_machine_name}); check AWS_PROFILE and AWS_REGION, or deploy it with "
                f"make deploy ENV={env}"
            ) from None
        raise OpsError(f"cannot read the state machine ({aws_reason(error)}); {CREDENTIALS_HINT}") from None
    return deployment


def aws_reason(error: ClientError) -> str:
    details = error.response.get("Error", {})
    return f"{details.get('Code', 'error')}: {details.get('Message', '')}".strip()
