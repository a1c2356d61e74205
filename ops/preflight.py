"""`ops preflight` (run by `make deploy`): the deploy's prerequisites in the target account, checked before
CloudFormation starts, each missing one named in one line with its fix.

- The account's Lambda concurrency quota is at least 101: the extraction reserves 1 concurrent execution and AWS
  keeps 100 unreserved (new accounts often start at 10, and the deploy then fails half-way).
- The CDK bootstrap stack exists in the account and region.
- In an environment wired to Snowflake, the Snowflake secret exists and holds credentials the applier can use:
  the deploy's custom resource reads it.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from ops.deployment import Deployment, aws_reason

UNRESERVED_MINIMUM = 100
RESERVED_BY_THE_PIPELINE = 1
BOOTSTRAP_STACK = "CDKToolkit"


def problems(deployment: Deployment) -> list[str]:
    found = []
    quota = _concurrency_quota(deployment)
    needed = UNRESERVED_MINIMUM + RESERVED_BY_THE_PIPELINE
    if isinstance(quota, str):
        found.append(quota)
    elif quota < needed:
        found.append(
            f"the account's Lambda concurrency quota is {quota}; the extraction reserves {RESERVED_BY_THE_PIPELINE} "
            f"and AWS keeps {UNRESERVED_MINIMUM} unreserved, so it must be at least {needed}: request an increase in "
            f"Service Quotas (AWS Lambda, Concurrent executions) for {deployment.region}"
        )
    try:
        deployment.client("cloudformation").describe_stacks(StackName=BOOTSTRAP_STACK)
    except ClientError:
        found.append(
            f"the account is not bootstrapped for the CDK in {deployment.region}; run: "
            f"npx aws-cdk@2 bootstrap aws://{deployment.account}/{deployment.region}"
        )
    if deployment.config.snowflake.wired:
        from applier.connection import credentials_from_secret, read_secret
        from applier.errors import WarehouseError

        secret = deployment.config.secret_name("snowflake")
        try:
            credentials_from_secret(read_secret(secret), secret)
        except WarehouseError as error:
            # The applier's message names the secret and ends with the command that sets it (README runbook, step 2).
            found.append(f"{deployment.env} is wired to Snowflake and {error}")
    return found


def _concurrency_quota(deployment: Deployment) -> int | str:
    try:
        settings = deployment.client("lambda").get_account_settings()
    except ClientError as error:
        return f"cannot read the account's Lambda settings ({aws_reason(error)}); check the credentials' permissions"
    return int(settings["AccountLimit"]["ConcurrentExecutions"])
