"""The raw bucket: the only S3 access of the extraction (boto3 created lazily, so moto can be started first)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.exceptions import ClientError


class RawBucket:
    def __init__(self, name: str) -> None:
        self.name = name
        self._client: Any = None

    @property
    def _s3(self) -> Any:
        if self._client is None:
            self._client = boto3.client("s3")
        return self._client

    def put(self, key: str, body: bytes, content_type: str) -> None:
        self._s3.put_object(Bucket=self.name, Key=key, Body=body, ContentType=content_type)

    def get(self, key: str) -> bytes | None:
        """The object's bytes, or None if there is no such key."""
        try:
            return self._s3.get_object(Bucket=self.name, Key=key)["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise
