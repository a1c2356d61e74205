"""An upload event carried to an import: the event checked, the upload fetched to ephemeral storage, imported.

Mistakes a user or operator fixes (an event that names no upload, an upload too large, a bad export) end with a
`rejected` summary and one line in the log; the function does not fail, so Lambda does not retry what cannot work."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from extract.raw_bucket import RawBucket, RawBucketUnreachable
from history_import.run import STATUS_REJECTED, import_history
from history_import.service import MAX_UPLOAD_BYTES
from history_import.uploads import UploadEventError, download, raw_bucket_name, upload_of, upload_size

log = logging.getLogger(__name__)


def import_upload(event: Mapping[str, Any], temp_root: str | None = None) -> dict[str, Any]:
    try:
        raw_bucket = raw_bucket_name()
        upload = upload_of(event, raw_bucket)
        size = upload_size(upload)
        if size > MAX_UPLOAD_BYTES:
            raise UploadEventError(
                f"s3://{upload.bucket}/{upload.key} is {size:,} bytes, over the import's {MAX_UPLOAD_BYTES:,}; "
                "upload its Streaming_History_Audio_*.json files one by one"
            )
        with tempfile.TemporaryDirectory(dir=temp_root) as work:
            path = download(upload, Path(work))
            return import_history(RawBucket(raw_bucket), path, upload.key)
    except (UploadEventError, RawBucketUnreachable) as error:
        log.error("history import not run: %s", error)
        return {"status": STATUS_REJECTED, "error": str(error)}
