"""The "Extended streaming history" export's rows: its two field sets, what a row must hold, and what never leaves
the raw zone.

Spotify has shipped two field sets (`../shared/reference/NOTES.md` section 8): the current one, and an older one with
`username`, `ip_addr_decrypted` and `user_agent_decrypted` and no audiobook fields. Some years leave `reason_end`
out. A row is checked against the union of the fields Spotify documents; a field outside it, or a row missing
`ts`, `ms_played` or both URIs, means a field set this code does not know: the import stops rather than guess.

Personal data (`PERSONAL_FIELDS`: IP addresses, user agents, platform, connection country, username) is dropped
from each row before it is written to a page: it stays only in the uploaded archive under `imports/`, which the
raw bucket's lifecycle expires.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

CURRENT_FIELDS = frozenset(
    {
        "ts",
        "platform",
        "ms_played",
        "conn_country",
        "ip_addr",
        "master_metadata_track_name",
        "master_metadata_album_artist_name",
        "master_metadata_album_album_name",
        "spotify_track_uri",
        "episode_name",
        "episode_show_name",
        "spotify_episode_uri",
        "audiobook_title",
        "audiobook_uri",
        "audiobook_chapter_uri",
        "audiobook_chapter_title",
        "reason_start",
        "reason_end",
        "shuffle",
        "skipped",
        "offline",
        "offline_timestamp",
        "incognito_mode",
    }
)
OLDER_FIELDS = frozenset(
    (
        CURRENT_FIELDS
        - {"ip_addr", "audiobook_title", "audiobook_uri", "audiobook_chapter_uri", "audiobook_chapter_title"}
    )
    | {"username", "ip_addr_decrypted", "user_agent_decrypted"}
)
KNOWN_FIELDS = CURRENT_FIELDS | OLDER_FIELDS
REQUIRED_FIELDS = ("ts", "ms_played", "spotify_track_uri", "spotify_episode_uri")
PERSONAL_FIELDS = frozenset(
    {"ip_addr", "ip_addr_decrypted", "user_agent_decrypted", "platform", "conn_country", "username"}
)
# Audio files only: the video file's rows are video podcasts, and the short "Account data" export has no ids.
AUDIO_MEMBER = re.compile(r"(?:^|/)Streaming_History_Audio_[^/]*\.json$")
OTHER_MEMBER = re.compile(r"(?:^|/)(?:Streaming_History_Video_[^/]*\.json|[^/]*\.pdf)$")
ACCOUNT_DATA_MEMBER = re.compile(r"(?:^|/)StreamingHistory_?(?:music|podcast)?_?\d*\.json$", re.IGNORECASE)
_TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


class ExportError(ValueError):
    """The upload is not an export this import can read; the message names the file and what to do."""


def field_set(row: dict[str, Any]) -> str:
    """`current` or `older`: the field set a row was written in (by the fields only one of them has)."""
    return "older" if {"username", "ip_addr_decrypted", "user_agent_decrypted"} & row.keys() else "current"


def checked_row(row: Any, where: str) -> dict[str, Any]:
    """The row without its personal fields, after checking it is a row of a known field set; raises ExportError
    naming `where` (the file and row number) otherwise."""
    if not isinstance(row, dict):
        raise ExportError(f"{where} is not a JSON object; this is not a Spotify streaming history file")
    unknown = sorted(row.keys() - KNOWN_FIELDS)
    if unknown:
        raise ExportError(
            f"{where} has the field {unknown[0]!r}, which neither known field set of the Extended streaming history "
            "has: this import does not know this export's format; open an issue with the field names (no values)"
        )
    missing = [name for name in REQUIRED_FIELDS if name not in row]
    if missing:
        raise ExportError(
            f"{where} lacks the field {missing[0]!r} that every Extended streaming history row has: this import does "
            "not know this export's format; open an issue with the field names (no values)"
        )
    ts, ms_played = row["ts"], row["ms_played"]
    if not isinstance(ts, str) or not _TS.match(ts):
        raise ExportError(
            f"{where} has ts {ts!r}; the export writes YYYY-MM-DDTHH:MM:SSZ: the file was edited or damaged"
        )
    if not isinstance(ms_played, int) or isinstance(ms_played, bool) or ms_played < 0:
        raise ExportError(f"{where} has ms_played {ms_played!r}; expected a whole number of milliseconds >= 0")
    return {name: value for name, value in row.items() if name not in PERSONAL_FIELDS}


def stream_end(row: dict[str, Any]) -> datetime:
    """When the row's stream ended (its `ts`, UTC)."""
    return datetime.strptime(row["ts"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


_TRACK_URI = re.compile(r"^spotify:track:([0-9A-Za-z]+)$")


def track_id_of(row: dict[str, Any]) -> str | None:
    """The id in the row's `spotify_track_uri`, or None (a podcast, an audiobook, a malformed URI)."""
    match = _TRACK_URI.match(row.get("spotify_track_uri") or "")
    return match[1] if match else None
