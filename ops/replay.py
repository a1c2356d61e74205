"""`ops replay`: run the transform again for the manifests of some days, as a NEW execution of the state machine
with the input the manifest's event carried; the Glue job replaces the run's own partitions, so a re-run never
duplicates. Idempotent: a manifest whose newest execution is running or succeeded is skipped (`force` re-runs
succeeded ones too), so running the same replay twice starts nothing the second time."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from botocore.exceptions import ClientError

from ops.deployment import Deployment, aws_reason
from ops.errors import OpsError
from ops.runs import Execution, ManifestRun, days_between, executions_since, manifests_of

SKIPPED_STATES = ("RUNNING", "PENDING_REDRIVE")


@dataclass(frozen=True)
class ReplayDecision:
    manifest: ManifestRun
    action: str  # "start" | "skip"
    reason: str
    execution_arn: str | None = None


def replay_execution_input(manifest_uri: str) -> dict[str, Any]:
    """The execution input for a manifest: the fields of its S3 object-created event the state machine reads."""
    bucket, _, key = manifest_uri.removeprefix("s3://").partition("/")
    return {
        "source": "python -m ops replay",
        "detail-type": "Object Created",
        "detail": {"bucket": {"name": bucket}, "object": {"key": key}},
    }


def plan_replay(manifests: list[ManifestRun], executions: list[Execution], force: bool) -> list[ReplayDecision]:
    """What to do for each manifest, from its newest execution (executions come newest first)."""
    newest: dict[str, Execution] = {}
    for execution in executions:
        if execution.manifest_uri is not None:
            newest.setdefault(execution.manifest_uri, execution)
    decisions = []
    for manifest in manifests:
        latest = newest.get(manifest.uri)
        if manifest.status == "unreadable":
            decisions.append(ReplayDecision(manifest, "skip", "manifest unreadable: the transform would reject it"))
        elif latest is not None and latest.status in SKIPPED_STATES:
            decisions.append(ReplayDecision(manifest, "skip", f"{latest.status.lower()}: {latest.name}", latest.arn))
        elif latest is not None and latest.status == "SUCCEEDED" and not force:
            decisions.append(
                ReplayDecision(manifest, "skip", f"succeeded: {latest.name} (--force re-runs it)", latest.arn)
            )
        else:
            reason = "no execution yet" if latest is None else f"last execution {latest.status.lower()}"
            decisions.append(ReplayDecision(manifest, "start", reason))
    return decisions


def replay(
    deployment: Deployment, first: date, last: date, *, force: bool = False, now: datetime | None = None
) -> list[ReplayDecision]:
    days = days_between(first, last)
    manifests = manifests_of(deployment, days)
    if not manifests:
        raise OpsError(
            f"no manifest in s3://{deployment.raw_bucket} for {first}..{last}; `python -m ops status` lists the "
            "days that have one (a day without a manifest had no successful extraction)"
        )
    # An execution for day D starts on D at the earliest.
    since = datetime.combine(first, time.min, tzinfo=UTC)
    decisions = plan_replay(manifests, executions_since(deployment, since), force)
    sfn = deployment.client("stepfunctions")
    started_at = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    done = []
    for decision in decisions:
        if decision.action != "start":
            done.append(decision)
            continue
        # A new name per start: Step Functions keeps a closed execution's name for 90 days.
        name = f"replay-{decision.manifest.location.run_id}-{started_at}-{secrets.token_hex(3)}"[:80]
        try:
            started = sfn.start_execution(
                stateMachineArn=deployment.state_machine_arn,
                name=name,
                input=json.dumps(replay_execution_input(decision.manifest.uri)),
            )
        except ClientError as error:
            raise OpsError(f"cannot start an execution for {decision.manifest.uri} ({aws_reason(error)})") from None
        done.append(ReplayDecision(decision.manifest, "started", decision.reason, started["executionArn"]))
    return done
