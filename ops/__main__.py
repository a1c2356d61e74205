"""`python -m ops {status,replay,backfill,cost,preflight} --env <env> ...` against a deployed environment (standard AWS
credentials: AWS_PROFILE or the AWS_* variables, and AWS_REGION). Every mistake ends in one line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ops.errors import OpsError

if TYPE_CHECKING:
    from ops.backfill import SnowflakeTarget
    from ops.deployment import Deployment


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        print(arguments.command(arguments))
    except OpsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def _status(arguments: argparse.Namespace) -> str:
    from ops.backfill import deployed_variables, pipes_of_migrations
    from ops.deployment import locate
    from ops.status import status

    if arguments.days < 1:
        raise OpsError(f"--days {arguments.days} shows nothing; give 1 or more")
    deployment = locate(arguments.env)
    pipes = pipes_of_migrations(deployed_variables(deployment))
    target, note = None, "--no-warehouse"
    if not arguments.no_warehouse and deployment.config.snowflake.wired:
        target, note = _warehouse_or_reason(deployment)
    elif not deployment.config.snowflake.wired:
        note = f"[env.{deployment.env}.snowflake] wired is false"
    try:
        return status(deployment, arguments.days, target, pipes, warehouse_note=note).render()
    finally:
        if target is not None:
            target.close()


def _replay(arguments: argparse.Namespace) -> str:
    from ops.deployment import locate
    from ops.replay import replay
    from ops.runs import parse_day

    first, last = parse_day(arguments.first, "--from"), parse_day(arguments.last, "--to")
    deployment = locate(arguments.env)
    decisions = replay(deployment, first, last, force=arguments.force)
    lines = [
        f"{d.action:8} {d.manifest.uri}  ({d.reason}){'  ' + d.execution_arn if d.execution_arn else ''}"
        for d in decisions
    ]
    started = sum(1 for d in decisions if d.action == "started")
    return "\n".join([*lines, f"{started} execution(s) started; `python -m ops status` follows them"])


def _backfill(arguments: argparse.Namespace) -> str:
    from ops.backfill import backfill, connect_to_snowflake, deployed_variables, model_files, pipes_of_migrations
    from ops.deployment import locate
    from ops.runs import parse_day

    first = parse_day(arguments.first, "--from") if arguments.first else None
    last = parse_day(arguments.last, "--to") if arguments.last else None
    deployment = locate(arguments.env)
    if not deployment.config.snowflake.wired:
        raise OpsError(
            f"environment {deployment.env!r} is not wired to Snowflake ([env.{deployment.env}.snowflake] wired = "
            "false); wire it first (README, runbook), then backfill"
        )
    variables = deployed_variables(deployment)
    pipes = pipes_of_migrations(variables)
    files = model_files(deployment, first, last)
    target = connect_to_snowflake(deployment, variables)
    try:
        steps = backfill(target, files, pipes, datetime.now(UTC), dry_run=arguments.dry_run)
    finally:
        target.close()
    verb = "would run" if arguments.dry_run else "ran"
    lines = [f"-- {step.mode} {step.table}: {len(step.files)} file(s)\n{step.sql};" for step in steps]
    missing = sum(len(step.files) for step in steps)
    summary = f"{len(files)} model file(s) checked, {missing} not loaded; {verb} {len(steps)} statement(s)"
    return "\n".join([*lines, summary])


def _preflight(arguments: argparse.Namespace) -> str:
    from ops.deployment import locate
    from ops.preflight import problems

    deployment = locate(arguments.env, deployed=False)
    found = problems(deployment)
    if found:
        raise OpsError("\nerror: ".join(found))
    wired = "wired to Snowflake" if deployment.config.snowflake.wired else "not wired to Snowflake"
    return f"ready to deploy {deployment.env} ({wired}) to account {deployment.account}, {deployment.region}"


def _cost(arguments: argparse.Namespace) -> str:
    from config import ConfigError, load_config
    from ops.cost import ASSUMED_GLUE_MINUTES, TemplateCounts, estimate, render, templates_in, warehouse_of_migrations

    try:
        config = load_config(arguments.env)
    except ConfigError as error:
        raise OpsError(str(error)) from None
    templates = templates_in(Path(arguments.cdk_out), config)
    if not templates:
        raise OpsError(
            f"no synthesized templates of {config.env} in {arguments.cdk_out}; run `make synth ENV={config.env}` first"
        )
    lines = estimate(config, TemplateCounts.of(templates), warehouse_of_migrations(config), arguments.credit_price)
    return render(lines) + f"\n\nAssumptions (ops/cost.py): a Glue run bills {ASSUMED_GLUE_MINUTES} min; see ASSUMED_*."


def _warehouse_or_reason(deployment: Deployment) -> tuple[SnowflakeTarget | None, str]:
    """The warehouse for `status`, or why it is not shown (status still reports the AWS side)."""
    from ops.backfill import connect_to_snowflake, deployed_variables

    try:
        return connect_to_snowflake(deployment, deployed_variables(deployment)), ""
    except OpsError as error:
        return None, str(error)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ops", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="{status,replay,backfill,cost,preflight}")

    def command(name: str, function: Callable[[argparse.Namespace], str], help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--env", required=True, help="the deployed environment ([env.<name>] of config/pipeline.toml)")
        sub.set_defaults(command=function)
        return sub

    status = command("status", _status, "the last days' runs in one table, and how fresh each stage is")
    status.add_argument("--days", type=int, default=7, help="how many days back, today included (default 7)")
    status.add_argument("--no-warehouse", action="store_true", help="do not connect to Snowflake")
    replay = command("replay", _replay, "a new transform execution per manifest of those days (idempotent)")
    replay.add_argument("--from", dest="first", required=True, metavar="YYYY-MM-DD", help="first ingest day")
    replay.add_argument("--to", dest="last", required=True, metavar="YYYY-MM-DD", help="last ingest day")
    replay.add_argument("--force", action="store_true", help="also re-run manifests whose last execution succeeded")
    command("preflight", _preflight, "the deploy's prerequisites in the target account (make deploy runs it)")
    cost = command("cost", _cost, "the monthly AWS and Snowflake cost of the synthesized environment (no AWS calls)")
    cost.add_argument("--cdk-out", default="cdk.out", help="where `make synth` wrote the templates (default cdk.out)")
    cost.add_argument("--credit-price", type=float, default=3.0, help="USD per Snowflake credit (default 3.00)")
    backfill = command("backfill", _backfill, "load the processed model files the pipes never saw")
    backfill.add_argument("--from", dest="first", metavar="YYYY-MM-DD", help="first snapshot day (default: all)")
    backfill.add_argument("--to", dest="last", metavar="YYYY-MM-DD", help="last snapshot day (default: all)")
    backfill.add_argument("--dry-run", action="store_true", help="print the SQL without running it")
    return parser


if __name__ == "__main__":
    sys.exit(main())
