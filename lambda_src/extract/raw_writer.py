"""Raw page files: one envelope line per API response page, gzip JSON Lines parts per source, uploaded as they
fill, each described (lines, bytes, sha256) for the manifest.

Parts hold at most `PAGES_PER_FILE` lines, so memory stays bounded on a large library. The gzip header carries
no timestamp: the same pages give the same bytes and the same checksum.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from collections import defaultdict

from contracts.manifest import ManifestFile
from contracts.raw_zone import PAGES_PER_FILE, CaptureLocation, RunLocation
from extract.raw_bucket import RawBucket
from extract.requester import RawPage


def envelope_line(page: RawPage, api_mode: str) -> str:
    return json.dumps(page.envelope(api_mode), ensure_ascii=False, separators=(",", ":"))


def part_bytes(lines: list[str]) -> bytes:
    return gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0)


def part_lines(body: bytes) -> list[str]:
    """The envelope lines of a part file's bytes (what `part_bytes` wrote)."""
    return gzip.decompress(body).decode("utf-8").splitlines()


def described_part(key: str, source: str, lines: list[str]) -> tuple[bytes, ManifestFile]:
    """A part file's bytes and its manifest entry (lines, bytes, sha256 of the stored bytes)."""
    body = part_bytes(lines)
    return body, ManifestFile(
        key=key, source=source, lines=len(lines), bytes=len(body), sha256=hashlib.sha256(body).hexdigest()
    )


class RawWriter:
    def __init__(
        self,
        bucket: RawBucket,
        location: RunLocation | CaptureLocation,
        api_mode: str,
        pages_per_file: int = PAGES_PER_FILE,
    ) -> None:
        self._bucket = bucket
        self._location = location
        self._api_mode = api_mode
        self._pages_per_file = pages_per_file
        self._lock = threading.Lock()
        self._source_locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
        self._lines: dict[str, list[str]] = defaultdict(list)
        self._parts: dict[str, int] = defaultdict(int)
        self._files: list[ManifestFile] = []

    def add(self, page: RawPage) -> None:
        line = envelope_line(page, self._api_mode)
        with self._lock:
            source_lock = self._source_locks[page.source]
        with source_lock:
            lines = self._lines[page.source]
            lines.append(line)
            if len(lines) >= self._pages_per_file:
                self._upload(page.source)

    def close(self) -> list[ManifestFile]:
        """Upload what is left and return every file written, in key order."""
        for source in sorted(self._lines):
            with self._source_locks[source]:
                if self._lines[source]:
                    self._upload(source)
        with self._lock:
            return sorted(self._files, key=lambda f: f.key)

    def _upload(self, source: str) -> None:
        """Called with the source's lock held: one part at a time per source, in order."""
        key = self._location.page_file_key(source, self._parts[source])
        body, described = described_part(key, source, self._lines[source])
        # A gzip file, not a gzip-encoded transfer: clients must not unpack it on download (the checksum is of
        # the stored bytes).
        self._bucket.put(key, body, content_type="application/gzip")
        with self._lock:
            self._files.append(described)
        self._parts[source] += 1
        self._lines[source] = []
