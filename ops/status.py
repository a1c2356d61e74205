"""`ops status`: the last days of one environment in one table, then how fresh each stage is.

One row per manifest: the day and run, the manifest's status, the newest transform execution for it, the newest
Glue run on it, and (when the warehouse is reachable) how many of the run's model files the pipes have loaded.
A day without a manifest gets a row of its own: that is a gap. The freshness lines compare the newest complete
manifest, successful transform and loaded file with `[monitoring] freshness_window_hours`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from contracts.manifest import STATUS_COMPLETE
from ops.backfill import LoadTarget, ModelFile, Pipe, model_files
from ops.deployment import Deployment
from ops.runs import days_between, executions_since, glue_runs, manifests_of

COLUMNS = ("day", "run", "manifest", "execution", "glue run", "loaded")


@dataclass(frozen=True)
class Status:
    rows: list[tuple[str, ...]]
    freshness: list[str]
    pipes: list[str]

    def render(self) -> str:
        widths = [max(len(row[i]) for row in [COLUMNS, *self.rows]) for i in range(len(COLUMNS))]
        lines = [
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in [COLUMNS, *self.rows]
        ]
        lines.insert(1, "  ".join("-" * width for width in widths))
        return "\n".join([*lines, "", *self.freshness, *self.pipes])


def status(
    deployment: Deployment,
    days: int,
    target: LoadTarget | None,
    pipes: dict[str, Pipe],
    warehouse_note: str = "",
    now: datetime | None = None,
) -> Status:
    now = now or datetime.now(UTC)
    last = now.date()
    first = last - timedelta(days=days - 1)
    manifests = manifests_of(deployment, days_between(first, last))
    executions = executions_since(deployment, datetime.combine(first, time.min, tzinfo=UTC))
    runs = glue_runs(deployment)
    files = model_files(deployment, first, last)
    loaded = {table: target.loaded_files(pipe.table) for table, pipe in pipes.items()} if target else None

    files_by_run: dict[str, list[ModelFile]] = defaultdict(list)
    for file in files:
        files_by_run[file.key.split("run_id=", 1)[1].split("/", 1)[0]].append(file)

    rows: list[tuple[str, ...]] = []
    days_with_manifest = {manifest.location.ingest_date for manifest in manifests}
    for day in days_between(first, last):
        if day not in days_with_manifest:
            rows.append((day.isoformat(), "-", "MISSING (no manifest)", "-", "-", "-"))
    for manifest in manifests:
        execution = next((e for e in executions if e.manifest_uri == manifest.uri), None)
        glue_run = next((r for r in runs if r.manifest_uri == manifest.uri), None)
        run_files = files_by_run.get(manifest.location.run_id, [])
        if loaded is None:
            loaded_cell = "n/a"
        else:
            done = sum(1 for f in run_files if f.stage_path in loaded.get(f.table, set()))
            loaded_cell = f"{done}/{len(run_files)} files"
        rows.append(
            (
                manifest.location.ingest_date.isoformat(),
                manifest.location.run_id,
                f"{manifest.status} ({manifest.files} files)",
                f"{execution.status} {execution.started_at:%m-%d %H:%M}" if execution else "none",
                f"{glue_run.state} {glue_run.started_at:%m-%d %H:%M}" if glue_run else "none",
                loaded_cell,
            )
        )
    rows.sort(key=lambda row: (row[0], row[1]))

    window = timedelta(hours=deployment.config.monitoring.freshness_window_hours)
    complete = [m.written_at for m in manifests if m.status == STATUS_COMPLETE]
    succeeded = [e.started_at for e in executions if e.status == "SUCCEEDED"]
    freshness = [
        f"freshness (window {window.total_seconds() / 3600:g} h):",
        _fresh("last complete manifest", max(complete, default=None), now, window),
        _fresh("last successful transform", max(succeeded, default=None), now, window),
    ]
    if loaded is None:
        freshness.append(f"  last loaded model file: not checked ({warehouse_note or 'warehouse not reachable'})")
    else:
        loaded_times = [f.written_at for f in files if f.stage_path in loaded.get(f.table, set())]
        freshness.append(_fresh("last loaded model file", max(loaded_times, default=None), now, window))
    pipe_lines = []
    if target is not None:
        states = {table: target.pipe_status(pipe.name) for table, pipe in sorted(pipes.items())}
        reachable = {table: state for table, state in states.items() if state}
        if reachable:
            pipe_lines = ["", "pipes:"] + [f"  {table}: {state}" for table, state in reachable.items()]
    return Status(rows=rows, freshness=freshness, pipes=pipe_lines)


def _fresh(what: str, when: datetime | None, now: datetime, window: timedelta) -> str:
    if when is None:
        return f"  {what}: none in the days shown - STALE"
    age = now - when
    verdict = "ok" if age <= window else "STALE"
    return f"  {what}: {when:%Y-%m-%d %H:%M} UTC, {age.total_seconds() / 3600:.1f} h ago - {verdict}"
