"""Explicit schemas of the raw pages: one envelope schema per source, never inferred.

Each schema lists only the fields the model reads, typed as the Spotify Web API returns them, and is tolerant of
both API shapes: a field the development mode (2026) no longer returns (`popularity`, `followers`, `label`)
simply parses as null (`genres` is still sent, marked deprecated, and may go the same way), playlist items carry
both `item` (2026) and `track` (older), playlists both `items` and `tracks`, and the batch bodies
(`{"artists": [...]}`) share a schema with the single objects. A field outside these schemas is ignored; a value
of the wrong type quarantines its page (field_types.py).
"""

from __future__ import annotations

from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DataType,
    IntegerType,
    LongType,
    MapType,
    StringType,
    StructField,
    StructType,
)

from contracts.raw_zone import ENVELOPE_FIELDS, Source

_STRING = StringType()
_INT = IntegerType()
_LONG = LongType()
_BOOLEAN = BooleanType()


def _object(**fields: DataType) -> StructType:
    return StructType([StructField(name, data_type) for name, data_type in fields.items()])


def _extend(base: StructType, **fields: DataType) -> StructType:
    return StructType([*base.fields, *_object(**fields).fields])


def paging(item: DataType) -> StructType:
    """The API's paging object (offset paging and cursor paging share these fields)."""
    return _object(href=_STRING, items=ArrayType(item), limit=_INT, next=_STRING, offset=_INT, total=_INT)


IMAGE = _object(url=_STRING, height=_LONG, width=_LONG)

SIMPLE_ARTIST = _object(id=_STRING, name=_STRING, type=_STRING, uri=_STRING)
ARTIST = _extend(
    SIMPLE_ARTIST,
    genres=ArrayType(_STRING),
    followers=_object(total=_LONG),
    popularity=_INT,
    images=ArrayType(IMAGE),
)

SIMPLE_ALBUM = _object(
    id=_STRING,
    name=_STRING,
    album_type=_STRING,
    release_date=_STRING,
    release_date_precision=_STRING,
    total_tracks=_INT,
    images=ArrayType(IMAGE),
    artists=ArrayType(SIMPLE_ARTIST),
    type=_STRING,
    uri=_STRING,
)

SIMPLE_TRACK = _object(
    id=_STRING,
    name=_STRING,
    duration_ms=_LONG,
    explicit=_BOOLEAN,
    disc_number=_INT,
    track_number=_INT,
    is_local=_BOOLEAN,
    type=_STRING,
    uri=_STRING,
    artists=ArrayType(SIMPLE_ARTIST),
)
# A full track; an episode in a playlist parses with it too (`type` says which, `album` is then null).
TRACK = _extend(SIMPLE_TRACK, album=SIMPLE_ALBUM, external_ids=_object(isrc=_STRING), popularity=_INT)

ALBUM = _extend(SIMPLE_ALBUM, label=_STRING, popularity=_INT, tracks=paging(SIMPLE_TRACK))

PLAYLIST_ITEM = _object(
    added_at=_STRING,
    added_by=_object(id=_STRING),
    is_local=_BOOLEAN,
    item=TRACK,
    track=TRACK,
)
_PLAYLIST_FIELDS = {
    "id": _STRING,
    "name": _STRING,
    "description": _STRING,
    "public": _BOOLEAN,
    "collaborative": _BOOLEAN,
    "snapshot_id": _STRING,
    "owner": _object(id=_STRING, display_name=_STRING),
    "type": _STRING,
    "uri": _STRING,
}
# A simplified playlist (in /me/playlists and search) refers to its items by `href` and `total` only.
SIMPLE_PLAYLIST = _object(
    **_PLAYLIST_FIELDS, items=_object(href=_STRING, total=_INT), tracks=_object(href=_STRING, total=_INT)
)
# A full playlist embeds its first page of items.
PLAYLIST = _object(**_PLAYLIST_FIELDS, items=paging(PLAYLIST_ITEM), tracks=paging(PLAYLIST_ITEM))

PLAY = _object(track=TRACK, played_at=_STRING, context=_object(type=_STRING, uri=_STRING))
SAVED_TRACK = _object(added_at=_STRING, track=TRACK)

# MusicBrainz's ISRC lookup (`/ws/2/isrc/{isrc}?inc=releases+artist-credits+tags+genres&fmt=json`): its keys are
# hyphenated, as the web service writes them.
MB_GENRE = _object(id=_STRING, name=_STRING, count=_INT)
MB_ARTIST = _object(id=_STRING, name=_STRING, genres=ArrayType(MB_GENRE))
MB_CREDIT = _object(name=_STRING, joinphrase=_STRING, artist=MB_ARTIST)
MB_LABEL_INFO = _object(**{"catalog-number": _STRING, "label": _object(id=_STRING, name=_STRING)})
MB_RELEASE = _object(
    id=_STRING, title=_STRING, status=_STRING, date=_STRING, country=_STRING, **{"label-info": ArrayType(MB_LABEL_INFO)}
)
MB_RECORDING = _object(
    id=_STRING,
    title=_STRING,
    length=_LONG,
    genres=ArrayType(MB_GENRE),
    **{"artist-credit": ArrayType(MB_CREDIT), "releases": ArrayType(MB_RELEASE)},
)

# A row of the listener's history export as the import writes it (history_import): its personal fields (IP address,
# user agent, platform, country, username) are neither written nor read.
EXPORT_ROW = _object(
    ts=_STRING,
    ms_played=_LONG,
    master_metadata_track_name=_STRING,
    master_metadata_album_artist_name=_STRING,
    master_metadata_album_album_name=_STRING,
    spotify_track_uri=_STRING,
    episode_name=_STRING,
    episode_show_name=_STRING,
    spotify_episode_uri=_STRING,
    audiobook_title=_STRING,
    audiobook_uri=_STRING,
    audiobook_chapter_uri=_STRING,
    audiobook_chapter_title=_STRING,
    reason_start=_STRING,
    reason_end=_STRING,
    shuffle=_BOOLEAN,
    skipped=_BOOLEAN,
    offline=_BOOLEAN,
    offline_timestamp=_LONG,
    incognito_mode=_BOOLEAN,
)

RESPONSES: dict[str, StructType] = {
    Source.RECENTLY_PLAYED: paging(PLAY),
    Source.TOP_TRACKS: paging(TRACK),
    Source.TOP_ARTISTS: paging(ARTIST),
    Source.SAVED_TRACKS: paging(SAVED_TRACK),
    Source.USER_PLAYLISTS: paging(SIMPLE_PLAYLIST),
    Source.PLAYLISTS: PLAYLIST,
    Source.PLAYLIST_ITEMS: paging(PLAYLIST_ITEM),
    Source.ARTISTS: _extend(ARTIST, artists=ArrayType(ARTIST)),
    Source.ALBUMS: _extend(ALBUM, albums=ArrayType(ALBUM)),
    Source.ALBUM_TRACKS: paging(SIMPLE_TRACK),
    Source.SEARCH: _object(
        tracks=paging(TRACK),
        artists=paging(ARTIST),
        albums=paging(SIMPLE_ALBUM),
        playlists=paging(SIMPLE_PLAYLIST),
    ),
    Source.MUSICBRAINZ_RECORDINGS: _object(isrc=_STRING, recordings=ArrayType(MB_RECORDING)),
    Source.HISTORY_EXPORT: _object(items=ArrayType(EXPORT_ROW)),
    Source.TRACKS: _extend(TRACK, tracks=ArrayType(TRACK)),
}

_ENVELOPE_TYPES: dict[str, DataType] = {
    "source": _STRING,
    "entity_id": _STRING,
    "request": _object(
        method=_STRING,
        endpoint=_STRING,
        url=_STRING,
        # Query values arrive as strings and numbers; a string map reads both.
        params=MapType(_STRING, _STRING),
    ),
    "status": _INT,
    "fetched_at": _STRING,
    "api_mode": _STRING,
    "response_text": _STRING,
}


def envelope(source: str) -> StructType:
    """The schema of one line of a `source` page file: the envelope of contracts/raw_zone.py around its body."""
    try:
        response = RESPONSES[source]
    except KeyError:
        raise ValueError(f"no schema for raw source {source!r}; known: {', '.join(RESPONSES)}") from None
    types = {**_ENVELOPE_TYPES, "response": response}
    return StructType([StructField(name, types[name]) for name in ENVELOPE_FIELDS])
