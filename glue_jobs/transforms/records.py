"""The entities found in the pages, flattened to one shape per kind, wherever in a page they appear.

A track appears in plays, top lists, saved tracks, playlists, albums and search results, as a full object or a
simplified one; an album inside every track; an artist inside every track and album. Each function here gathers
every occurrence of one kind into one DataFrame with the same columns, plus:

- its provenance (`PROVENANCE`): the lineage (`run_id`, `ingest_date`, `source_file`) and `fetched_at` of the page it
  came from;
- `detail`: how complete the object is by nature (`FULL` from the entity's own endpoint, `EMBEDDED` a full object
  inside another page, `SIMPLIFIED` a simplified nested one), so a table can prefer the richest occurrence;
- `is_local`: the occurrence belongs to a local file (no Spotify ids);
- `raw_record`: the object as read, as JSON text, for the quarantine.

The user's listening events (plays, saved tracks, top-list ranks) are one record each, with their provenance,
`raw_record`, and `is_removed` where the API returned null in place of the track or artist.

Only pyspark and built-in functions: no Python UDFs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, StringType, StructType

from contracts.raw_zone import Source, TimeRange

from .model_types import LINEAGE_COLUMNS
from .pages import valid_pages
from .schemas import ALBUM, ARTIST, SIMPLE_TRACK, TRACK

FULL = 2
EMBEDDED = 1
SIMPLIFIED = 0

# Where an occurrence was read: the model's lineage columns (contracts.model.LINEAGE) and when its page was fetched.
PROVENANCE = (*LINEAGE_COLUMNS, "fetched_at")


def page_elements(pages: DataFrame, source: str, elements: Callable[[Column], Column], *context: Column) -> DataFrame:
    """One row per element of the array `elements(page)` in each good page of `source`: lineage, `context`,
    the element as `item` and its position in the array as `index`."""
    return valid_pages(pages, source).select(
        *PROVENANCE, *context, F.posexplode(elements(F.col("page"))).alias("index", "item")
    )


def page_offset(page: Column) -> Column:
    """Where a page starts in its list: the paging object's offset, else the request's, else 0."""
    return F.coalesce(page["response"]["offset"], page["request"]["params"]["offset"].try_cast("int"), F.lit(0))


def _one_or_many(response: Column, batch_field: str, schema: StructType) -> Column:
    """The objects of a body that is either a batch (`{"artists": [...]}`) or a single object."""
    single = F.struct(*(response[name].alias(name) for name in schema.fieldNames()))
    return F.when(response[batch_field].isNotNull(), response[batch_field]).otherwise(F.array(single))


def image_url(images: Column) -> Column:
    """The widest image's URL; the API lists images widest first, and a tie keeps that order."""
    ranked = F.transform(
        images,
        lambda image, index: F.struct(
            F.coalesce(image["width"], F.lit(0)).alias("width"), (-index).alias("order"), image["url"].alias("url")
        ),
    )
    return F.array_max(ranked)["url"]


def _flag(value: Column) -> Column:
    return F.coalesce(value, F.lit(False))


def _union(frames: list[DataFrame]) -> DataFrame:
    return functools.reduce(DataFrame.unionByName, frames)


# Tracks ---------------------------------------------------------------------------------------------------


def _widened(value: Column, read_as: StructType, full: StructType) -> Column:
    """`value`, read with the schema `read_as`, with the fields of `full` it lacks added as null at the end: one type
    for every occurrence, and the same JSON text (null fields are left out of it)."""
    missing = [field for field in full.fields if field.name not in read_as.fieldNames()]
    return functools.reduce(lambda struct, f: struct.withField(f.name, F.lit(None).cast(f.dataType)), missing, value)


def _occurrences(
    frame: DataFrame, track: Column, detail: int, *, album_id: Column | None = None, is_local: Column | None = None
) -> DataFrame:
    """The tracks of `frame`'s rows that hold one in `track`; a simplified track (`album_id` given: no album, ISRC or
    popularity of its own) takes its album from where it was found."""
    full = album_id is None
    return frame.where(track.isNotNull()).select(
        *PROVENANCE,
        F.lit(detail).alias("detail"),
        (is_local if is_local is not None else _flag(track["is_local"])).alias("is_local"),
        (track["album"]["id"] if album_id is None else album_id).alias("album_id"),
        (track if full else _widened(track, SIMPLE_TRACK, TRACK)).alias("track"),
    )


def playlist_entries(pages: DataFrame) -> DataFrame:
    """Every entry of every playlist page read: the `/playlists/{id}/items` pages and the first page embedded in
    a full playlist object (overlaps are resolved by the table's key). Columns: lineage, `playlist_id`,
    `position`, `entry` (the playlist item object), `playable` (its track or episode, either API shape),
    `is_local`."""
    items_pages = valid_pages(pages, Source.PLAYLIST_ITEMS).select(
        *PROVENANCE,
        F.col("page.entity_id").alias("playlist_id"),
        page_offset(F.col("page")).alias("offset"),
        F.col("page.response.items").alias("entries"),
    )
    playlist = F.col("page.response")
    embedded_page = F.coalesce(playlist["items"], playlist["tracks"])
    embedded = valid_pages(pages, Source.PLAYLISTS).select(
        *PROVENANCE,
        playlist["id"].alias("playlist_id"),
        F.coalesce(embedded_page["offset"], F.lit(0)).alias("offset"),
        embedded_page["items"].alias("entries"),
    )
    exploded = items_pages.unionByName(embedded).select(
        *PROVENANCE, "playlist_id", "offset", F.posexplode("entries").alias("index", "entry")
    )
    playable = F.coalesce(F.col("entry.item"), F.col("entry.track"))
    return exploded.select(
        *PROVENANCE,
        "playlist_id",
        (F.col("offset") + F.col("index")).alias("position"),
        "entry",
        playable.alias("playable"),
        (_flag(F.col("entry.is_local")) | _flag(playable["is_local"])).alias("is_local"),
    )


def track_occurrences(pages: DataFrame) -> DataFrame:
    """Every track object in the pages (episodes and removed entries excluded), as little as every track record
    derives from: lineage, `detail`, `is_local`, `album_id` and `track`, the object as read (a simplified one
    widened to the full track's fields, see `_widened`). Several tables read them: the build materializes them."""
    plays = page_elements(pages, Source.RECENTLY_PLAYED, lambda page: page["response"]["items"])
    saved = page_elements(pages, Source.SAVED_TRACKS, lambda page: page["response"]["items"])
    top = page_elements(pages, Source.TOP_TRACKS, lambda page: page["response"]["items"])
    searched = page_elements(pages, Source.SEARCH, lambda page: page["response"]["tracks"]["items"])
    entries = playlist_entries(pages).where(F.coalesce(F.col("playable.type"), F.lit("track")) == "track")
    albums = page_elements(pages, Source.ALBUMS, lambda page: _one_or_many(page["response"], "albums", ALBUM)).where(
        F.col("item").isNotNull()
    )
    # An album's tracks: the first page embedded in the album, the rest in `album_tracks` pages of that album.
    album_tracks = albums.select(
        *PROVENANCE, F.col("item.id").alias("album_id"), F.explode("item.tracks.items").alias("item")
    ).unionByName(
        page_elements(
            pages,
            Source.ALBUM_TRACKS,
            lambda page: page["response"]["items"],
            F.col("page.entity_id").alias("album_id"),
        ).drop("index")
    )
    # A null in place of a track (a removed one) is no track record; the facts that held it count it.
    return _union(
        [
            _occurrences(plays, F.col("item.track"), EMBEDDED),
            _occurrences(saved, F.col("item.track"), EMBEDDED),
            _occurrences(top, F.col("item"), EMBEDDED),
            _occurrences(searched, F.col("item"), EMBEDDED),
            _occurrences(entries, F.col("playable"), EMBEDDED, is_local=F.col("is_local")),
            _occurrences(album_tracks, F.col("item"), SIMPLIFIED, album_id=F.col("album_id")),
        ]
    )


def track_records(occurrences: DataFrame) -> DataFrame:
    """Every track object (`occurrences` from `track_occurrences`) in the records' shape."""
    track = F.col("track")
    return occurrences.select(
        *PROVENANCE,
        track["id"].alias("track_id"),
        track["name"].alias("track_name"),
        track["duration_ms"].alias("duration_ms"),
        track["explicit"].alias("explicit"),
        track["external_ids"]["isrc"].alias("isrc"),
        "album_id",
        track["disc_number"].alias("disc_number"),
        track["track_number"].alias("track_number"),
        track["popularity"].alias("popularity"),
        "is_local",
        track["artists"].alias("artists"),
        track["album"].alias("album"),
        "detail",
        F.to_json(track).alias("raw_record"),
    )


# Albums ---------------------------------------------------------------------------------------------------


def _album(album: Column, detail: int, *, is_local: Column | None = None) -> list[Column]:
    full = detail == FULL
    release_date = album["release_date"]
    return [
        album["id"].alias("album_id"),
        album["name"].alias("album_name"),
        album["album_type"].alias("album_type"),
        release_date.alias("release_date"),
        album["release_date_precision"].alias("release_date_precision"),
        F.when(release_date.rlike(r"^[0-9]{4}"), F.substring(release_date, 1, 4).try_cast("int")).alias("release_year"),
        album["total_tracks"].alias("total_tracks"),
        (album["label"] if full else F.lit(None).cast(StringType())).alias("label"),
        image_url(album["images"]).alias("image_url"),
        album["artists"].alias("artists"),
        (is_local if is_local is not None else F.lit(False)).alias("is_local"),
        F.lit(detail).alias("detail"),
        # The embedded track list is its own set of records; the album's record leaves it out.
        F.to_json(album.dropFields("tracks") if full else album).alias("raw_record"),
    ]


def album_records(pages: DataFrame, tracks: DataFrame) -> DataFrame:
    """Every album object: full ones from `/albums`, simplified ones inside tracks and search results."""
    own = page_elements(pages, Source.ALBUMS, lambda page: _one_or_many(page["response"], "albums", ALBUM))
    searched = page_elements(pages, Source.SEARCH, lambda page: page["response"]["albums"]["items"])
    frames = [
        own.where(F.col("item").isNotNull()).select(*PROVENANCE, *_album(F.col("item"), FULL)),
        searched.where(F.col("item").isNotNull()).select(*PROVENANCE, *_album(F.col("item"), SIMPLIFIED)),
        tracks.where(F.col("album").isNotNull()).select(
            *PROVENANCE, *_album(F.col("album"), SIMPLIFIED, is_local=F.col("is_local"))
        ),
    ]
    return _union(frames)


# Artists --------------------------------------------------------------------------------------------------


def credited_artists(owners: DataFrame, owner_key: str) -> DataFrame:
    """Every artist credited on a track or album (`owners` from `track_records`/`album_records`), with its
    position in the credits: lineage, `owner_key`, `is_local`, `artist_position`, `artist`."""
    return owners.select(*PROVENANCE, owner_key, "is_local", F.posexplode("artists").alias("artist_position", "artist"))


def _artist(artist: Column, detail: int, *, is_local: Column | None = None) -> list[Column]:
    simplified = detail == SIMPLIFIED
    return [
        artist["id"].alias("artist_id"),
        artist["name"].alias("artist_name"),
        (F.lit(None).cast(ArrayType(StringType())) if simplified else artist["genres"]).alias("genres"),
        (F.lit(None).cast("long") if simplified else artist["followers"]["total"]).alias("followers"),
        (F.lit(None).cast("int") if simplified else artist["popularity"]).alias("popularity"),
        (F.lit(None).cast(StringType()) if simplified else image_url(artist["images"])).alias("image_url"),
        (is_local if is_local is not None else F.lit(False)).alias("is_local"),
        F.lit(detail).alias("detail"),
        F.to_json(artist).alias("raw_record"),
    ]


def artist_records(pages: DataFrame, track_artists: DataFrame, album_artists: DataFrame) -> DataFrame:
    """Every artist object: full ones from `/artists`, top lists and search; simplified ones in credits."""
    own = page_elements(pages, Source.ARTISTS, lambda page: _one_or_many(page["response"], "artists", ARTIST))
    top = page_elements(pages, Source.TOP_ARTISTS, lambda page: page["response"]["items"])
    searched = page_elements(pages, Source.SEARCH, lambda page: page["response"]["artists"]["items"])
    frames = [
        own.where(F.col("item").isNotNull()).select(*PROVENANCE, *_artist(F.col("item"), FULL)),
        top.where(F.col("item").isNotNull()).select(*PROVENANCE, *_artist(F.col("item"), EMBEDDED)),
        searched.where(F.col("item").isNotNull()).select(*PROVENANCE, *_artist(F.col("item"), EMBEDDED)),
        track_artists.where(F.col("artist").isNotNull()).select(
            *PROVENANCE, *_artist(F.col("artist"), SIMPLIFIED, is_local=F.col("is_local"))
        ),
        album_artists.where(F.col("artist").isNotNull()).select(
            *PROVENANCE, *_artist(F.col("artist"), SIMPLIFIED, is_local=F.col("is_local"))
        ),
    ]
    return _union(frames)


# Playlists ------------------------------------------------------------------------------------------------


def _playlist(playlist: Column, detail: int) -> list[Column]:
    return [
        playlist["id"].alias("playlist_id"),
        playlist["name"].alias("playlist_name"),
        playlist["owner"]["id"].alias("owner_id"),
        playlist["owner"]["display_name"].alias("owner_name"),
        playlist["description"].alias("description"),
        playlist["public"].alias("is_public"),
        playlist["collaborative"].alias("is_collaborative"),
        playlist["snapshot_id"].alias("snapshot_id"),
        F.coalesce(playlist["items"]["total"], playlist["tracks"]["total"]).alias("total_items"),
        F.lit(False).alias("is_local"),
        F.lit(detail).alias("detail"),
        # The embedded first page of items is its own set of records; the playlist's record leaves it out.
        F.to_json(playlist.dropFields("items.items", "tracks.items") if detail == FULL else playlist).alias(
            "raw_record"
        ),
    ]


def playlist_records(pages: DataFrame) -> DataFrame:
    """Every playlist object: full ones from `/playlists/{id}`, simplified ones from `/me/playlists` and search."""
    listed = page_elements(pages, Source.USER_PLAYLISTS, lambda page: page["response"]["items"])
    searched = page_elements(pages, Source.SEARCH, lambda page: page["response"]["playlists"]["items"])
    own = valid_pages(pages, Source.PLAYLISTS).select(*PROVENANCE, *_playlist(F.col("page.response"), FULL))
    return _union(
        [
            own,
            listed.where(F.col("item").isNotNull()).select(*PROVENANCE, *_playlist(F.col("item"), SIMPLIFIED)),
            searched.where(F.col("item").isNotNull()).select(*PROVENANCE, *_playlist(F.col("item"), SIMPLIFIED)),
        ]
    )


# Listening events --------------------------------------------------------------------------------------------


def _track_event(track: Column) -> list[Column]:
    """What a listening event says of its track: its id, whether it is a local file, whether the API returned null
    in its place (a track removed from the catalog)."""
    return [
        track["id"].alias("track_id"),
        _flag(track["is_local"]).alias("is_local"),
        track.isNull().alias("is_removed"),
    ]


def play_records(pages: DataFrame) -> DataFrame:
    """Every play in the recently-played history: lineage, `played_at` (as given), `track_id`, `context_type`,
    `context_uri`, `is_local`, `is_removed` and `raw_record` (the play object)."""
    plays = page_elements(pages, Source.RECENTLY_PLAYED, lambda page: page["response"]["items"])
    return plays.select(
        *PROVENANCE,
        F.col("item.played_at").alias("played_at"),
        *_track_event(F.col("item.track")),
        F.col("item.context.type").alias("context_type"),
        F.col("item.context.uri").alias("context_uri"),
        F.to_json("item").alias("raw_record"),
    )


def saved_track_records(pages: DataFrame) -> DataFrame:
    """Every track saved in the user's library: lineage, `added_at` (as given), `track_id`, `is_local`,
    `is_removed` and `raw_record` (the saved-track object)."""
    saved = page_elements(pages, Source.SAVED_TRACKS, lambda page: page["response"]["items"])
    return saved.select(
        *PROVENANCE,
        F.col("item.added_at").alias("added_at"),
        *_track_event(F.col("item.track")),
        F.to_json("item").alias("raw_record"),
    )


def _ranked(pages: DataFrame, source: str, item_type: str) -> DataFrame:
    page = F.col("page")
    elements = page_elements(
        pages,
        source,
        lambda page: page["response"]["items"],
        page_offset(page).alias("offset"),
        F.coalesce(page["request"]["params"]["time_range"], F.lit(TimeRange.DEFAULT)).alias("time_range"),
    )
    return elements.select(
        *PROVENANCE,
        "time_range",
        F.lit(item_type).alias("item_type"),
        (F.col("offset") + F.col("index") + 1).alias("rank"),
        F.col("item.id").alias("item_id"),
        F.col("item").isNull().alias("is_removed"),
        F.to_json("item").alias("raw_record"),
    )


def top_item_records(pages: DataFrame) -> DataFrame:
    """Every rank of the user's top tracks and top artists: lineage, `time_range` (the request's, else the API's
    default), `item_type`, `rank` (from 1, continuing across pages), `item_id`, `is_removed` and `raw_record`."""
    return _ranked(pages, Source.TOP_TRACKS, "track").unionByName(_ranked(pages, Source.TOP_ARTISTS, "artist"))
