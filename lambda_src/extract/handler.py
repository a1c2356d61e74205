"""The extraction Lambda's entry point (`extract.handler.handler`): the daily EventBridge schedule invokes it, and
the capture schedule invokes it with a capture event (extract.capture).

Event in, summary out; the work is in extract.run. Metrics go to CloudWatch as EMF (extract.service), the same for
a daily run and a capture (a failed capture alarms like a failed run): one line each for pages, calls, calls above
the minimum, entity errors, gaps in recently played, and whether the read was partial or failed.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit

from extract.capture import is_capture_event
from extract.run import run_capture, run_extraction
from extract.service import NAMESPACE, SERVICE, run_metrics

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
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
