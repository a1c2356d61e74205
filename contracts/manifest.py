"""The run manifest: the last object an extraction run writes, and the only thing that starts a transform.

Producer: `lambda_src/extract`. Consumers: `glue_jobs` (processes exactly the files listed), the local runtime,
tests. A run that fails writes no manifest, so nothing downstream starts. Pure standard library.

    {"manifest_version": 1, "run_id": "...", "ingest_date": "2026-11-24",
     "started_at": "...", "finished_at": "...",
     "status": "complete" | "partial",          # partial: stopped on the time budget, `pending` says what is left
     "api_mode": "development" | "extended",
     "fallbacks": [{"endpoint": "...", "status": 403, "fallback": "..."}],
     "files": [{"key": "...", "source": "...", "lines": 3, "bytes": 1234, "sha256": "..."}],
     "calls": {"<source>": 12, ...},            # API calls made per source (retries included)
     "min_calls": {"<source>": 12, ...},        # the fewest calls the mode allows for what was fetched
     "cursors": {"recently_played_after": "1764..."},
     "errors": [{"source": "...", "entity_id": "...", "status": 404, "message": "..."}],
     "pending": [{"source": "...", "entity_id": "..."}]}
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

MANIFEST_VERSION = 1
STATUS_COMPLETE = "complete"
STATUS_PARTIAL = "partial"


class ManifestError(ValueError):
    """A manifest does not follow this contract; the message names the field."""


@dataclass(frozen=True)
class ManifestFile:
    key: str
    source: str
    lines: int
    bytes: int
    sha256: str


@dataclass(frozen=True)
class EntityError:
    """One entity the API refused (a deleted playlist, a removed id): recorded, and the run goes on."""

    source: str
    entity_id: str | None
    status: int | None
    message: str


@dataclass(frozen=True)
class Fallback:
    """An endpoint the API refused for this app, and what the run used instead."""

    endpoint: str
    status: int
    fallback: str


@dataclass(frozen=True)
class PendingWork:
    """Work a partial run left for the next run (the time budget ran out)."""

    source: str
    entity_id: str | None


@dataclass
class Manifest:
    run_id: str
    ingest_date: str
    started_at: str
    finished_at: str
    status: str
    api_mode: str
    files: list[ManifestFile] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)
    min_calls: dict[str, int] = field(default_factory=dict)
    cursors: dict[str, str] = field(default_factory=dict)
    errors: list[EntityError] = field(default_factory=list)
    fallbacks: list[Fallback] = field(default_factory=list)
    pending: list[PendingWork] = field(default_factory=list)
    manifest_version: int = MANIFEST_VERSION

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, indent=1)

    @classmethod
    def from_json(cls, text: str, where: str = "manifest") -> Manifest:
        """Parse and check a manifest; `where` (its key or path) goes into every error message."""
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as error:
            raise ManifestError(f"{where} is not valid JSON ({error.msg} at line {error.lineno})") from None
        if not isinstance(raw, dict):
            raise ManifestError(f"{where} must be a JSON object")
        version = raw.get("manifest_version")
        if version != MANIFEST_VERSION:
            raise ManifestError(f"{where} has manifest_version {version!r}; this code reads {MANIFEST_VERSION}")
        for name in ("run_id", "ingest_date", "started_at", "finished_at", "status", "api_mode"):
            if not isinstance(raw.get(name), str):
                raise ManifestError(f"{where} needs the string field {name!r}")
        if raw["status"] not in (STATUS_COMPLETE, STATUS_PARTIAL):
            raise ManifestError(f"{where} has status {raw['status']!r}; expected complete or partial")

        def records(name: str, record_type: type) -> list[Any]:
            values = raw.get(name, [])
            if not isinstance(values, list):
                raise ManifestError(f"{where} field {name!r} must be a list")
            try:
                return [record_type(**value) for value in values]
            except TypeError as error:
                raise ManifestError(f"{where} has a malformed entry in {name!r}: {error}") from None

        def counts(name: str) -> dict[str, Any]:
            value = raw.get(name, {})
            if not isinstance(value, dict):
                raise ManifestError(f"{where} field {name!r} must be an object")
            return value

        return cls(
            run_id=raw["run_id"],
            ingest_date=raw["ingest_date"],
            started_at=raw["started_at"],
            finished_at=raw["finished_at"],
            status=raw["status"],
            api_mode=raw["api_mode"],
            files=records("files", ManifestFile),
            calls=counts("calls"),
            min_calls=counts("min_calls"),
            cursors=counts("cursors"),
            errors=records("errors", EntityError),
            fallbacks=records("fallbacks", Fallback),
            pending=records("pending", PendingWork),
        )

    @property
    def total_lines(self) -> int:
        return sum(f.lines for f in self.files)
