"""The extraction Lambda's entry point (`extract.handler.handler`): the daily EventBridge schedule invokes it, and
the capture schedule invokes it with a capture event (extract.capture).

Event in, summary out; the work is in extract.run. Metrics go to CloudWatch as EMF (namespace below), the same for
a daily run and a capture (a failed capture alarms like a failed run): one line each for pages, calls, calls above
the minimum, entity errors, gaps in recently played, and whether the read was partial or failed.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit

from contracts.manifest import STATUS_PARTIAL
from extract.capture import is_capture_event
from extract.run import STATUS_FAILED, run_capture, run_extraction

SERVICE = "spotify-extract"
METRICS_NAMESPACE = "SpotifyPipeline"
# Reads of recently played that could not reach back to the cursor (contracts.manifest.PlayGap): plays may be lost.
PLAY_GAPS = "RecentlyPlayedGaps"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=METRICS_NAMESPACE, service=SERVICE)
tracer = Tracer(service=SERVICE)
# The logic modules log with the standard library under "extract"; give them the same JSON output.
copy_config_to_registered_loggers(source_logger=logger, include={"extract"})


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if is_capture_event(event):
        summary = run_capture(event, context.get_remaining_time_in_millis)
    else:
        summary = run_extraction(event or {}, context.get_remaining_time_in_millis)
    for name, value in run_metrics(summary).items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    return summary


def run_metrics(summary: dict[str, Any]) -> dict[str, float]:
    calls, minimum = sum(summary.get("calls", {}).values()), sum(summary.get("min_calls", {}).values())
    return {
        "ExtractionFailed": int(summary["status"] == STATUS_FAILED),
        "ExtractionPartial": int(summary["status"] == STATUS_PARTIAL),
        "PagesWritten": summary.get("pages", 0),
        "ApiCalls": calls,
        "ApiCallsAboveMinimum": max(0, calls - minimum),
        "EntityErrors": summary.get("errors_count", 0),
        # Gaps this read found itself (a daily manifest also carries its captures' gaps, counted when captured).
        PLAY_GAPS: sum(1 for gap in summary.get("gaps", []) if gap.get("detected_by") == read_id(summary)),
    }


def read_id(summary: dict[str, Any]) -> str | None:
    return summary.get("capture_id") or summary.get("run_id")
