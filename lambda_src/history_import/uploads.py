"""The upload event and the upload itself: which object of the raw bucket to import, fetched to local disk (the ZIP
format needs to seek; Lambda's ephemeral storage holds it). boto3 is created lazily, so moto can start first."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from contracts.raw_zone import IMPORTS_PREFIX

ENV_RAW_BUCKET = "RAW_BUCKET"


class UploadEventError(ValueError):
    """The event names no upload this function imports; the message says what to send."""


@dataclass(frozen=True)
class Upload:
    bucket: str
    key: str


def upload_of(event: Mapping[str, Any], raw_bucket: str) -> Upload:
    """The upload an S3 "Object Created" event (EventBridge) names: an object under `imports/` of the raw bucket."""
    detail = event.get("detail") if isinstance(event, Mapping) else None
    bucket = detail.get("bucket", {}).get("name") if isinstance(detail, Mapping) else None
    key = detail.get("object", {}).get("key") if isinstance(detail, Mapping) else None
    if not isinstance(bucket, str) or not isinstance(key, str):
        raise UploadEventError(
            "the event is not an S3 Object Created event; upload the export under "
            f"s3://{raw_bucket}/{IMPORTS_PREFIX} to start an import"
        )
    if bucket != raw_bucket or not key.startswith(IMPORTS_PREFIX) or key.endswith("/"):
        raise UploadEventError(f"s3://{bucket}/{key} is not an upload under s3://{raw_bucket}/{IMPORTS_PREFIX}")
    return Upload(bucket, key)


def raw_bucket_name() -> str:
    name = os.environ.get(ENV_RAW_BUCKET, "")
    if not name:
        raise UploadEventError(f"the function's environment lacks {ENV_RAW_BUCKET}; redeploy the ingest stack")
    return name


def upload_size(upload: Upload) -> int:
    return int(boto3.client("s3").head_object(Bucket=upload.bucket, Key=upload.key)["ContentLength"])


def download(upload: Upload, into: Path) -> Path:
    """The upload, streamed to a file in `into` (multipart, a few MB of memory whatever its size)."""
    path = into / "upload"
    boto3.client("s3").download_file(upload.bucket, upload.key, str(path))
    return path
