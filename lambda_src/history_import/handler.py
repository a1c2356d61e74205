"""The history import Lambda's entry point (`history_import.handler.handler`): an object created under `imports/` of
the raw bucket (S3 -> EventBridge rule) invokes it. Event in, summary out; the work is in history_import.run."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit

from history_import.importer import import_upload
from history_import.service import NAMESPACE, SERVICE, import_metrics

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
copy_config_to_registered_loggers(source_logger=logger, include={"history_import", "extract"})


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    summary = import_upload(event)
    for name, value in import_metrics(summary).items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    return summary
