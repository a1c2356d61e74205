"""The events that connect the stages, shared by the stacks (deployed) and the local runtime (emulated).

- A `_manifest.json` created in the raw bucket -> EventBridge rule -> transform (Glue via Step Functions).
- A `.parquet` file created under `model/<table>/` in the processed bucket -> that table's Snowpipe queue (the
  model's tables and the run-quality facts, `contracts.model.LOADED_TABLES`).
- An object created under `imports/` in the raw bucket (a listener's history export) -> the history import function.
"""

from __future__ import annotations

from typing import Any

from contracts.model import LOADED_TABLES
from contracts.processed_zone import MODEL_FILE_SUFFIX, model_table_prefix
from contracts.raw_zone import IMPORTS_PREFIX, MANIFEST_NAME, RAW_ROOT


def manifest_created_pattern(raw_bucket_name: str) -> dict[str, Any]:
    """EventBridge pattern matching a new manifest in the raw bucket (S3 EventBridge notifications on)."""
    return {
        "source": ["aws.s3"],
        "detail-type": ["Object Created"],
        "detail": {
            "bucket": {"name": [raw_bucket_name]},
            "object": {"key": [{"wildcard": f"{RAW_ROOT}/*/{MANIFEST_NAME}"}]},
        },
    }


def pipe_notification_filters() -> dict[str, dict[str, str]]:
    """Per loaded table (the model's and the run-quality facts), the S3 notification filter of its pipe:
    {table: {"prefix": ..., "suffix": ...}}."""
    return {t.name: {"prefix": model_table_prefix(t.name), "suffix": MODEL_FILE_SUFFIX} for t in LOADED_TABLES}


def upload_created_pattern(raw_bucket_name: str) -> dict[str, Any]:
    """EventBridge pattern matching a history export uploaded under `imports/` of the raw bucket."""
    return {
        "source": ["aws.s3"],
        "detail-type": ["Object Created"],
        "detail": {
            "bucket": {"name": [raw_bucket_name]},
            "object": {"key": [{"prefix": IMPORTS_PREFIX}]},
        },
    }
