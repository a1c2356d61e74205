"""Which artists and albums an API response page mentions, and which of them it carries in full.

Pure functions over the unmodified JSON bodies, tolerant of both API shapes (development mode 2026 and extended)
and of the nulls real data has: removed tracks, local files (null ids), episodes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from contracts.raw_zone import Source

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def mentioned_ids(body: Any) -> tuple[set[str], set[str]]:
    """Every artist id and album id anywhere in `body` (objects whose `type` is "artist" or "album")."""
    artists: set[str] = set()
    albums: set[str] = set()
    for node in _objects(body):
        entity_id = node.get("id")
        if not isinstance(entity_id, str) or not entity_id:
            continue  # local files and removed items have null ids
        if node.get("type") == "artist":
            artists.add(entity_id)
        elif node.get("type") == "album":
            albums.add(entity_id)
    return artists, albums


def detailed_ids(source: str, body: Any) -> tuple[set[str], set[str]]:
    """Artist and album ids whose full object (what `/artists/{id}` or `/albums/{id}` returns) this page carries,
    so enrichment need not fetch them again. Top artists and artist search results are full artist objects;
    albums are full only from the albums source (a track's album and album search results are simplified)."""
    if not isinstance(body, dict):
        return set(), set()
    if source == Source.ARTISTS:
        return _ids(body.get("artists", [body])), set()
    if source == Source.ALBUMS:
        return set(), _ids(body.get("albums", [body]))
    if source == Source.TOP_ARTISTS:
        return _ids(body.get("items")), set()
    if source == Source.SEARCH:
        artists_page = body.get("artists")
        return _ids(artists_page.get("items") if isinstance(artists_page, dict) else None), set()
    return set(), set()


def embedded_page(body: Any, *keys: str) -> dict[str, Any] | None:
    """The first paging object (one with an `items` list) under one of `keys`: a playlist's embedded items
    (`items`, or the deprecated `tracks`) or an album's embedded `tracks`."""
    if not isinstance(body, dict):
        return None
    for key in keys:
        value = body.get(key)
        if isinstance(value, dict) and isinstance(value.get("items"), list):
            return value
    return None


def _ids(objects: Any) -> set[str]:
    if not isinstance(objects, list):
        return set()
    return {o["id"] for o in objects if isinstance(o, dict) and isinstance(o.get("id"), str) and o["id"]}


def _objects(node: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in `node`, depth first, without recursion limits on deep pages."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            yield current
            stack.extend(v for v in current.values() if isinstance(v, (dict, list)))
        elif isinstance(current, list):
            stack.extend(v for v in current if isinstance(v, (dict, list)))


def play_times_ms(body: Any) -> list[int]:
    """Unix ms of every readable `played_at` in a recently-played page, in page order."""
    items = body.get("items") if isinstance(body, dict) else None
    times = []
    for item in items or []:
        played_at = item.get("played_at") if isinstance(item, dict) else None
        if not isinstance(played_at, str):
            continue
        try:
            moment = datetime.fromisoformat(played_at)
        except ValueError:
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        times.append((moment - _EPOCH) // timedelta(milliseconds=1))
    return times


def newest_play_ms(body: Any) -> int | None:
    """Unix ms of the newest `played_at` in a recently-played page (the next run's `after` cursor)."""
    return max(play_times_ms(body), default=None)


def played_at_of_ms(millis: int) -> str:
    """Unix ms as the API writes `played_at` (`2026-11-24T06:15:03.123Z`)."""
    moment = _EPOCH + timedelta(milliseconds=millis)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def iter_objects(node: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in `node`, depth first (what the other readers of a page walk)."""
    return _objects(node)
