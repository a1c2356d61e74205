"""Emulated AWS for the local runtime: moto in server mode, its state kept as plain files between runs.

Buckets live in `<state_dir>/s3/<bucket>/<key>` while the runtime is stopped: they are loaded into moto at start
and written back at the end, so a second `make run` continues where the first stopped and a user can open the
raw and processed files directly. Secrets (fake credentials of the fake Spotify server) live in
`<state_dir>/secrets.json`. The code under test reaches moto only through the standard `AWS_ENDPOINT_URL`
variable, exactly as it reaches AWS when deployed.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
import requests
from botocore.config import Config

# Objects copied out of the emulator at once when a run saves a bucket (ThreadedMotoServer serves them side by side).
_SAVE_WORKERS = 8


class LocalAwsError(RuntimeError):
    """The emulator could not start or its saved state is unreadable; the message says what to do."""


class LocalAws:
    def __init__(self, state_dir: Path, region: str, account: str) -> None:
        self.state_dir = state_dir
        self.region = region
        self.account = account
        self._server: Any = None
        self.endpoint = ""
        self._clients: dict[tuple[str, str], Any] = {}

    # -- life cycle -------------------------------------------------------------------------------------------
    def start(self) -> LocalAws:
        from moto.server import ThreadedMotoServer

        os.environ["MOTO_ACCOUNT_ID"] = self.account
        try:
            self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
            self._server.start()
        except OSError as error:
            raise LocalAwsError(f"moto server could not start on 127.0.0.1 ({error}); free a port and retry") from None
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        # moto keeps its state per process, shared by every server in it: start from the saved files only.
        requests.post(f"{self.endpoint}/moto-api/reset", timeout=30)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> LocalAws:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def environment(self) -> dict[str, str]:
        """What a process needs to reach the emulator: the same variables boto3 reads in AWS."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
        }

    def client(self, service: str) -> Any:
        """The emulator's client for `service`, made once: making one cost more than a small object's copy (boto3's
        clients are safe to share between threads)."""
        key = (service, self.endpoint)
        if key not in self._clients:
            self._clients[key] = self._new_client(service)
        return self._clients[key]

    def _new_client(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=self.region,
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(retries={"max_attempts": 2, "mode": "standard"}),
        )

    # -- buckets ----------------------------------------------------------------------------------------------
    def bucket_dir(self, bucket: str) -> Path:
        return self.state_dir / "s3" / bucket

    def load_bucket(self, bucket: str) -> int:
        """Create `bucket` in moto and upload its saved files; returns the number of objects loaded."""
        s3 = self.client("s3")
        s3.create_bucket(Bucket=bucket)
        root = self.bucket_dir(bucket)
        loaded = 0
        for path in sorted(root.rglob("*")) if root.exists() else []:
            if path.is_file():
                s3.put_object(Bucket=bucket, Key=path.relative_to(root).as_posix(), Body=path.read_bytes())
                loaded += 1
        return loaded

    def iter_keys(self, bucket: str, prefix: str = "") -> Iterator[str]:
        paginator = self.client("s3").get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                yield item["Key"]

    def download(self, bucket: str, key: str, target: Path) -> Path:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(self.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read())
        return target

    def save_bucket(self, bucket: str) -> int:
        """Write the bucket back to `<state_dir>/s3/<bucket>/` as an exact mirror; returns the object count."""
        root = self.bucket_dir(bucket)
        fresh = root.with_name(root.name + ".saving")
        shutil.rmtree(fresh, ignore_errors=True)
        # A few objects at a time: `make run DAYS=365` leaves some 50,000 (one at a time, and a client each, took
        # 20 minutes at the end).
        with ThreadPoolExecutor(max_workers=_SAVE_WORKERS) as pool:
            saved = sum(
                1 for _ in pool.map(lambda key: self.download(bucket, key, fresh / key), self.iter_keys(bucket))
            )
        shutil.rmtree(root, ignore_errors=True)
        fresh.mkdir(parents=True, exist_ok=True)
        fresh.rename(root)
        return saved

    # -- secrets ----------------------------------------------------------------------------------------------
    @property
    def secrets_file(self) -> Path:
        return self.state_dir / "secrets.json"

    def load_secrets(self, defaults: dict[str, dict[str, Any]]) -> None:
        """Create each secret in moto from the saved values, or from `defaults` the first time."""
        saved: dict[str, Any] = {}
        if self.secrets_file.exists():
            try:
                saved = json.loads(self.secrets_file.read_text(encoding="utf-8"))
            except json.JSONDecodeError:
                raise LocalAwsError(f"{self.secrets_file} is not valid JSON; delete it (or `make clean`)") from None
        client = self.client("secretsmanager")
        for name, value in defaults.items():
            client.create_secret(Name=name, SecretString=json.dumps(saved.get(name, value)))

    def save_secrets(self, names: list[str]) -> None:
        client = self.client("secretsmanager")
        values = {name: json.loads(client.get_secret_value(SecretId=name)["SecretString"]) for name in names}
        self.secrets_file.parent.mkdir(parents=True, exist_ok=True)
        self.secrets_file.write_text(json.dumps(values, indent=1, sort_keys=True), encoding="utf-8")
