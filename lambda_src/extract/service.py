"""The extraction function's facts, in one place: its handler, its service name, its metrics' namespace and names,
and the counts of one read. Side-effect free (no Powertools), so the stacks that deploy the function and alarm on
its metrics, and the local runtime that emulates it, read them without setting up the function's logging."""

from __future__ import annotations

from typing import Any

from contracts.manifest import STATUS_PARTIAL
from extract.run import STATUS_FAILED

# What Lambda calls (extract/handler.py).
HANDLER = "extract.handler.handler"
SERVICE = "spotify-extract"
NAMESPACE = "SpotifyPipeline"

# One value per read (a daily run or a capture), each a count.
# A read that ends early on an operator mistake (an empty secret, a bad setting) returns normally: only this
# metric, not Lambda's Errors, shows it.
EXTRACTION_FAILED = "ExtractionFailed"
EXTRACTION_PARTIAL = "ExtractionPartial"
PAGES_WRITTEN = "PagesWritten"
API_CALLS = "ApiCalls"
API_CALLS_ABOVE_MINIMUM = "ApiCallsAboveMinimum"
ENTITY_ERRORS = "EntityErrors"
# Reads of recently played that could not reach back to the cursor (contracts.manifest.PlayGap): plays may be lost.
PLAY_GAPS = "RecentlyPlayedGaps"
# The MusicBrainz enrichment of a daily run (extract.musicbrainz): ISRCs looked up (a request each, retries aside),
# those MusicBrainz did not know, those left for the next run (the enrichment's budget or an unwell service), and
# whether the lookups stopped because MusicBrainz kept failing (503s past the attempts, or no answer): alarmed.
MUSICBRAINZ_LOOKUPS = "MusicBrainzLookups"
MUSICBRAINZ_NOT_FOUND = "MusicBrainzNotFound"
MUSICBRAINZ_PENDING = "MusicBrainzPending"
MUSICBRAINZ_UNAVAILABLE = "MusicBrainzUnavailable"
# What the dashboard draws as the extraction's work.
WORK_COUNTS = (PAGES_WRITTEN, API_CALLS, API_CALLS_ABOVE_MINIMUM, ENTITY_ERRORS, EXTRACTION_PARTIAL, PLAY_GAPS)
# ... and as the enrichment's.
MUSICBRAINZ_COUNTS = (MUSICBRAINZ_LOOKUPS, MUSICBRAINZ_NOT_FOUND, MUSICBRAINZ_PENDING, MUSICBRAINZ_UNAVAILABLE)


def read_id(summary: dict[str, Any]) -> str | None:
    return summary.get("capture_id") or summary.get("run_id")


def run_metrics(summary: dict[str, Any]) -> dict[str, float]:
    """The metrics of one read (a daily run or a capture), from its summary (`extract.run`)."""
    calls, minimum = sum(summary.get("calls", {}).values()), sum(summary.get("min_calls", {}).values())
    return {
        EXTRACTION_FAILED: int(summary["status"] == STATUS_FAILED),
        EXTRACTION_PARTIAL: int(summary["status"] == STATUS_PARTIAL),
        PAGES_WRITTEN: summary.get("pages", 0),
        API_CALLS: calls,
        API_CALLS_ABOVE_MINIMUM: max(0, calls - minimum),
        ENTITY_ERRORS: summary.get("errors_count", 0),
        # Gaps this read found itself (a daily manifest also carries its captures' gaps, counted when captured).
        PLAY_GAPS: sum(1 for gap in summary.get("gaps", []) if gap.get("detected_by") == read_id(summary)),
        **musicbrainz_metrics(summary),
    }


def musicbrainz_metrics(summary: dict[str, Any]) -> dict[str, float]:
    """The enrichment's metrics of a daily run; none for a capture or a read that did not run."""
    lookups = summary.get("musicbrainz")
    if not isinstance(lookups, dict):
        return {}
    return {
        MUSICBRAINZ_LOOKUPS: lookups.get("found", 0) + lookups.get("not_found", 0) + lookups.get("refused", 0),
        MUSICBRAINZ_NOT_FOUND: lookups.get("not_found", 0),
        MUSICBRAINZ_PENDING: lookups.get("pending", 0),
        MUSICBRAINZ_UNAVAILABLE: int(bool(lookups.get("unavailable"))),
    }
