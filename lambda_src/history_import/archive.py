"""Reading an uploaded export: the ZIP Spotify sends (`my_spotify_data.zip`), or one of its audio JSON files.

`history_files` yields each audio file's checked rows (export_format.checked_row), one file at a time, so memory
holds one file (Spotify keeps each under about 12 MB) however long the history. Anything else ends with one
`ExportError` line saying what the upload is and what to upload instead.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from history_import.export_format import (
    ACCOUNT_DATA_MEMBER,
    AUDIO_MEMBER,
    ExportError,
    checked_row,
)

ZIP_MAGIC = b"PK\x03\x04"
WHAT_TO_UPLOAD = (
    "upload the ZIP from Spotify's 'Extended streaming history' (my_spotify_data.zip) or its "
    "Streaming_History_Audio_*.json files"
)


@dataclass(frozen=True)
class HistoryFile:
    """One audio file of the export: its name in the archive and its rows, checked, without personal fields."""

    member: str
    rows: list[dict[str, Any]]


def history_files(path: Path, name: str) -> Iterator[HistoryFile]:
    """The audio files of the upload at `path` (`name`: how the user knows it, for messages), in name order."""
    with path.open("rb") as upload:
        head = upload.read(4)
    if head == ZIP_MAGIC:
        yield from _zip_files(path, name)
    elif head[:1] in (b"[", b" ", b"\n", b"\r", b"\t") and AUDIO_MEMBER.search(name):
        yield HistoryFile(name.rsplit("/", 1)[-1], _rows(path.read_bytes(), name))
    elif ACCOUNT_DATA_MEMBER.search(name):
        raise ExportError(_account_data(name))
    else:
        raise ExportError(f"{name} is not a Spotify streaming history export; {WHAT_TO_UPLOAD}")


def _zip_files(path: Path, name: str) -> Iterator[HistoryFile]:
    damaged = f"{name} is a damaged ZIP (cut short while downloading or uploading?); download it from Spotify again"
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise ExportError(damaged) from None
    with archive:
        members = sorted(m for m in archive.namelist() if AUDIO_MEMBER.search(m))
        if not members:
            if any(ACCOUNT_DATA_MEMBER.search(m) for m in archive.namelist()):
                raise ExportError(_account_data(name))
            raise ExportError(f"{name} holds no Streaming_History_Audio_*.json file; {WHAT_TO_UPLOAD}")
        for member in members:
            try:
                body = archive.read(member)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
                raise ExportError(damaged) from None
            yield HistoryFile(member, _rows(body, f"{name}: {member}"))


def _rows(body: bytes, where: str) -> list[dict[str, Any]]:
    try:
        rows = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        reason = getattr(error, "msg", "not UTF-8")
        raise ExportError(
            f"{where} is not valid JSON ({reason}): the file was cut short or edited; {WHAT_TO_UPLOAD}"
        ) from None
    if not isinstance(rows, list):
        raise ExportError(f"{where} is not a JSON array of plays; this is not a Spotify streaming history file")
    return [checked_row(row, f"{where} row {index + 1}") for index, row in enumerate(rows)]


def _account_data(name: str) -> str:
    return (
        f"{name} is Spotify's 'Account data' export (StreamingHistory_music_*.json: minute times, no track ids), "
        "which cannot be matched to tracks; request 'Extended streaming history' on Spotify's privacy page and "
        "upload that ZIP"
    )
