"""The history import function's facts, in one place: its handler, service name and metrics, read by the stacks that
deploy and alarm on it and by the local runtime that emulates it. Side-effect free."""

from __future__ import annotations

from typing import Any

from extract.service import NAMESPACE as NAMESPACE  # one namespace for every metric of the pipeline
from history_import.run import STATUS_IMPORTED, STATUS_REJECTED

HANDLER = "history_import.handler.handler"
SERVICE = "spotify-history-import"
# Lambda's ephemeral storage holds the downloaded upload (the ZIP is read where it lies, one file at a time).
MAX_UPLOAD_BYTES = 2 * 1024**3

HISTORY_ROWS_IMPORTED = "HistoryRowsImported"
# An upload that is not a readable export (the message is in the function's log): alarmed.
HISTORY_IMPORT_REJECTED = "HistoryImportRejected"


def import_metrics(summary: dict[str, Any]) -> dict[str, float]:
    return {
        HISTORY_ROWS_IMPORTED: summary.get("rows", 0) if summary.get("status") == STATUS_IMPORTED else 0,
        HISTORY_IMPORT_REJECTED: int(summary.get("status") == STATUS_REJECTED),
    }
