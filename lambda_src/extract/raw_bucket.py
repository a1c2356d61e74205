"""The raw bucket: the only S3 access of the extraction (boto3 created lazily, so moto can be started first)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError


class RawBucketUnreachable(Exception):
    """No answer from S3 at all (no route, a closed port, no credentials): the message names the bucket and what to
    check. An answer that refuses a request (ClientError) is not this: it is raised as it is."""


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
        try:
            self._s3.put_object(Bucket=self.name, Key=key, Body=body, ContentType=content_type)
        except BotoCoreError as error:
            raise self._unreachable(error) from None

    def get(self, key: str) -> bytes | None:
        """The object's bytes, or None if there is no such key."""
        try:
            return self._s3.get_object(Bucket=self.name, Key=key)["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise
        except BotoCoreError as error:
            raise self._unreachable(error) from None

    def keys(self, prefix: str) -> list[str]:
        """Every key under `prefix`, in key order."""
        try:
            pages = self._s3.get_paginator("list_objects_v2").paginate(Bucket=self.name, Prefix=prefix)
            return sorted(item["Key"] for page in pages for item in page.get("Contents", []))
        except BotoCoreError as error:
            raise self._unreachable(error) from None

    def _unreachable(self, error: BotoCoreError) -> RawBucketUnreachable:
        return RawBucketUnreachable(
            f"cannot reach the raw bucket {self.name} ({error}); check the network and the function's AWS settings "
            "(AWS_ENDPOINT_URL, when it points at an emulator)"
        )
