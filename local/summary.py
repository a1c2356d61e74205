"""The summary `make run` prints: what each day did, seconds per stage, rows per table, where things are."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from contracts.model import TABLES


def render_summary(
    pipeline: Any, results: list[Any], total_seconds: float, show: Callable[[Path], str], dashboard: Path
) -> str:
    lines = ["", "Summary"]
    for result in results:
        extract = result.extract
        stage_times = "  ".join(f"{s.name} {s.seconds:.1f}s" for s in result.stages)
        captured = f"{len(result.captures)} captures, " if result.captures else ""
        lines.append(
            f"  {result.day}  run {extract.get('run_id', '?')}  {extract.get('status', '?')}  "
            f"{extract.get('errors_count', 0)} entity error(s)  {captured}{len(extract.get('gaps', []))} play gap(s)  "
            f"{len(result.jobs)} transform(s)  |  {stage_times}"
        )
    counts = pipeline.warehouse.counts()
    width = max(len(name) for name in counts) if counts else 10
    lines.append("")
    lines.append("  Warehouse rows (final tables and reporting views)")
    model_names = {t.name for t in TABLES}
    for name in sorted(counts, key=lambda n: (n.split(".")[-1].lower() not in model_names, n)):
        lines.append(f"    {name:<{width}}  {counts[name]:>8,}")
    rejects = pipeline.warehouse.rejects()
    if rejects:
        lines.append(f"  {len(rejects)} landing row(s) broke a rule: see the rejects view")
    lines.append("")
    lines.append(f"  Raw files        {show(pipeline.aws.bucket_dir(pipeline.raw_bucket))}/")
    lines.append(f"  Processed files  {show(pipeline.aws.bucket_dir(pipeline.processed_bucket))}/")
    lines.append(f"  Warehouse        {show(pipeline.warehouse.db_file)}")
    lines.append(f"  Dashboard        {show(dashboard)}  (open it in a browser)")
    lines.append(f"  Log              {show(pipeline.log_file)}")
    lines.append(f"  Total            {total_seconds:.1f}s")
    return "\n".join(lines)
