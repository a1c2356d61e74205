"""`python -m applier`: apply the migrations to a Snowflake account by hand, and print what AWS needs.

    .venv/bin/python -m applier --env dev \\
        --error-topic-arn arn:aws:sns:... --error-role-arn arn:aws:iam::...:role/... [--dry-run]

The deployed path is the CDK custom resource; this is for first set-up checks, dry runs and repairs. Names come
from config/pipeline.toml; bucket and storage role default to the names the stacks derive from it.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from applier.apply import apply_migrations
from applier.connection import connect, credentials_from_secret, read_secret, require_deploy_role
from applier.errors import WarehouseError
from applier.readback import read_aws_wiring
from applier.variables import warehouse_variables


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    from config import ConfigError, load_config

    try:
        config = load_config(arguments.env)
        account, region = _account_and_region(config, arguments)
        variables = warehouse_variables(
            config,
            processed_bucket=arguments.processed_bucket or config.bucket_name("processed", account, region),
            storage_role_arn=arguments.storage_role_arn or f"arn:aws:iam::{account}:role/{config.storage_role_name}",
            error_topic_arn=arguments.error_topic_arn,
            error_role_arn=arguments.error_role_arn,
        )
        secret_id = arguments.secret_id or config.secret_name("snowflake")
        connection = connect(credentials_from_secret(read_secret(secret_id), secret_id), variables)
        try:
            require_deploy_role(connection, variables)
            applied = apply_migrations(connection, variables, dry_run=arguments.dry_run)
            if arguments.dry_run:
                print(f"would apply: {', '.join(applied) or 'nothing (up to date)'}")
                return 0
            print(f"applied: {', '.join(applied) or 'nothing (up to date)'}")
            for name, value in read_aws_wiring(connection.cursor(), variables).attributes().items():
                print(f"{name:<32} {value}")
        finally:
            connection.close()
    except (WarehouseError, ConfigError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m applier", description=__doc__.splitlines()[0])
    parser.add_argument("--env", required=True, help="environment in config/pipeline.toml (dev, prod)")
    parser.add_argument("--secret-id", help="Snowflake secret (default: the [secrets] snowflake name)")
    parser.add_argument("--error-topic-arn", required=True, help="SNS topic that receives pipe errors")
    parser.add_argument("--error-role-arn", required=True, help="IAM role Snowflake assumes to publish to it")
    parser.add_argument("--processed-bucket", help="default: the processed bucket name derived from the config")
    parser.add_argument("--storage-role-arn", help="default: the [snowflake] storage_role_name in this account")
    parser.add_argument("--account", help="AWS account id (default: the caller's, from STS)")
    parser.add_argument("--region", help="AWS region (default: the configured or the session's)")
    parser.add_argument("--dry-run", action="store_true", help="check and list pending migrations, change nothing")
    return parser


def _account_and_region(config: Any, arguments: argparse.Namespace) -> tuple[str, str]:
    import boto3

    region = arguments.region or config.region or boto3.session.Session().region_name
    if not region:
        raise WarehouseError("no AWS region: pass --region or set AWS_REGION")
    account = arguments.account or config.account
    if not account:
        try:
            account = boto3.client("sts", region_name=region).get_caller_identity()["Account"]
        except Exception as error:
            raise WarehouseError(f"cannot tell the AWS account ({error}); pass --account") from None
    return account, region
