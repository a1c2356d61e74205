"""The analytic model: every table, column, type and natural key, defined once.

Producer: `glue_jobs` (writes one Parquet dataset per table). Consumers: `snowflake_sql` (landing and final
tables must have exactly these columns; a test checks it), `powerbi` (through the reporting views), the local
runtime and tests. Pure standard library.

Types are a small neutral vocabulary; `SNOWFLAKE_TYPES` maps them to the warehouse, and the Glue job maps them
to Spark types. Timestamps are UTC.
"""

from __future__ import annotations

from dataclasses import dataclass

TYPES = ("string", "int", "long", "double", "boolean", "date", "timestamp", "array<string>")

SNOWFLAKE_TYPES = {
    "string": "VARCHAR",
    "int": "NUMBER(10,0)",
    "long": "NUMBER(19,0)",
    "double": "FLOAT",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP_NTZ",
    "array<string>": "ARRAY",
}

# How the warehouse folds a newly loaded row into the final table (see snowflake_sql/):
# one row per key; each column keeps the latest run's non-null value (a bare object seen later never erases what
# an earlier, fuller one said), and the lineage names the latest run
UPSERT = "upsert"
REPLACE_SNAPSHOT = "replace_snapshot"  # the latest run's rows replace all rows of the same snapshot group
INSERT_NEW = "insert_new"  # an event: inserted once, never updated
# Plays from two sources, each inserted once per (key, PLAY_SOURCE): a play of the history export and a play of
# the API are the same play when they are of the same track and their times are at most PLAY_MATCH_TOLERANCE_MS
# apart (each pairs with its nearest); the row keeps the API's columns and takes the export's where the API has
# none. An unmatched row of either source is a play of its own.
MATCH_PLAYS = "match_plays"
# The export's `ts` (end of the stream, client clock, whole seconds) and the API's `played_at` (the server's record
# of the same end, milliseconds) differ by the clocks' skew plus the cut to the second; two plays of the same track
# end at least its shortest play (30 s, below which the API lists none) apart. 5 s holds the first, far from the
# second (local/fake_spotify/history_export.py generates the skew; README "History import").
PLAY_MATCH_TOLERANCE_MS = 5_000
# The `play_source` column: where a row of fact_play came from.
PLAY_SOURCE_API = "api"
PLAY_SOURCE_EXPORT = "export"
PLAY_SOURCE_BOTH = "api+export"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    nullable: bool = True

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"column {self.name}: unknown type {self.type!r}; use one of {TYPES}")


@dataclass(frozen=True)
class EmptiedBy:
    """How a REPLACE_SNAPSHOT group that a later run read empty (so that run has no rows for it) is emptied:
    that run's row in `table`, for the group's other columns on the day `snapshot_date_column` names, says
    `count_column` = 0."""

    table: str
    count_column: str
    snapshot_date_column: str


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    merge: str
    # For REPLACE_SNAPSHOT: the columns that identify one snapshot group (a subset of the key).
    snapshot_group: tuple[str, ...] = ()
    emptied_by: EmptiedBy | None = None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.name} has no column {name!r}")


def _key(name: str, type_: str, description: str) -> Column:
    return Column(name, type_, description, nullable=False)


# Every row of every table says where it came from.
LINEAGE = (
    _key("run_id", "string", "Extraction run that fetched the record"),
    _key("ingest_date", "date", "Day of that run (UTC); also the snapshot date of the output partition"),
    _key("source_file", "string", "Raw page file the record was read from"),
)

DIM_TRACK = Table(
    "dim_track",
    "One row per track seen in any source.",
    (
        _key("track_id", "string", "Spotify track id"),
        Column("track_name", "string", "Track title"),
        Column("duration_ms", "long", "Duration in milliseconds"),
        Column("explicit", "boolean", "Explicit lyrics"),
        Column("isrc", "string", "International Standard Recording Code"),
        Column("album_id", "string", "Album the track belongs to"),
        Column("disc_number", "int", "Disc number on the album"),
        Column("track_number", "int", "Position on the disc"),
        Column("popularity", "int", "0-100; null where the API no longer returns it"),
        *LINEAGE,
    ),
    key=("track_id",),
    merge=UPSERT,
)

DIM_ALBUM = Table(
    "dim_album",
    "One row per album seen in any source; full details once enriched.",
    (
        _key("album_id", "string", "Spotify album id"),
        Column("album_name", "string", "Album title"),
        Column("album_type", "string", "album, single or compilation"),
        Column("release_date", "string", "Release date as given: YYYY, YYYY-MM or YYYY-MM-DD"),
        Column("release_date_precision", "string", "year, month or day"),
        Column("release_year", "int", "Year part of the release date"),
        Column("total_tracks", "int", "Number of tracks"),
        Column("label", "string", "Record label; null where the API no longer returns it"),
        Column("image_url", "string", "Largest cover image"),
        *LINEAGE,
    ),
    key=("album_id",),
    merge=UPSERT,
)

DIM_ARTIST = Table(
    "dim_artist",
    "One row per artist seen in any source; full details once enriched.",
    (
        _key("artist_id", "string", "Spotify artist id"),
        Column("artist_name", "string", "Artist name"),
        Column("genres", "array<string>", "Genres; null where unknown"),
        Column("followers", "long", "Follower count; null where the API no longer returns it"),
        Column("popularity", "int", "0-100; null where the API no longer returns it"),
        Column("image_url", "string", "Largest artist image"),
        *LINEAGE,
    ),
    key=("artist_id",),
    merge=UPSERT,
)

# Credits are snapshots: the latest run that read a track (album) gives its whole artist list, so a credit
# that changed never leaves two artists at position 0.
BRIDGE_TRACK_ARTIST = Table(
    "bridge_track_artist",
    "Every artist of a track with its position (0 = main artist), as the latest run that read the track had them.",
    (
        _key("track_id", "string", "Track"),
        _key("artist_id", "string", "Artist"),
        _key("artist_position", "int", "Position in the track's artist list, from 0"),
        *LINEAGE,
    ),
    key=("track_id", "artist_id"),
    merge=REPLACE_SNAPSHOT,
    snapshot_group=("track_id",),
)

BRIDGE_ALBUM_ARTIST = Table(
    "bridge_album_artist",
    "Every artist of an album with its position (0 = main artist), as the latest run that read the album had them.",
    (
        _key("album_id", "string", "Album"),
        _key("artist_id", "string", "Artist"),
        _key("artist_position", "int", "Position in the album's artist list, from 0"),
        *LINEAGE,
    ),
    key=("album_id", "artist_id"),
    merge=REPLACE_SNAPSHOT,
    snapshot_group=("album_id",),
)

DIM_PLAYLIST = Table(
    "dim_playlist",
    "One row per playlist read (the user's own and catalog playlists).",
    (
        _key("playlist_id", "string", "Spotify playlist id"),
        Column("playlist_name", "string", "Playlist name"),
        Column("owner_id", "string", "Owner's user id"),
        Column("owner_name", "string", "Owner's display name"),
        Column("description", "string", "Description"),
        Column("is_public", "boolean", "Public playlist"),
        Column("is_collaborative", "boolean", "Collaborative playlist"),
        Column("snapshot_id", "string", "Version of the playlist when read"),
        Column("total_items", "int", "Number of items when read"),
        *LINEAGE,
    ),
    key=("playlist_id",),
    merge=UPSERT,
)

FACT_PLAYLIST_ITEM = Table(
    "fact_playlist_item",
    "The items of each playlist on each snapshot date.",
    (
        _key("snapshot_date", "date", "Day the playlist was read"),
        _key("playlist_id", "string", "Playlist"),
        _key("position", "int", "Position in the playlist, from 0"),
        _key("item_type", "string", "track or episode"),
        Column("track_id", "string", "Track, when the item is a track"),
        Column("episode_id", "string", "Episode, when the item is an episode"),
        Column("added_at", "timestamp", "When the item was added; null on very old playlists"),
        Column("added_by", "string", "User id who added it; null on very old playlists"),
        *LINEAGE,
    ),
    key=("snapshot_date", "playlist_id", "position"),
    merge=REPLACE_SNAPSHOT,
    snapshot_group=("snapshot_date", "playlist_id"),
    # A later run of the day that read the playlist empty has no item rows, only its playlist row.
    emptied_by=EmptiedBy("dim_playlist", "total_items", "snapshot_date"),
)

FACT_PLAY = Table(
    "fact_play",
    "Recently played tracks; one row per play.",
    (
        _key("played_at", "timestamp", "When the play was recorded (UTC): the API's played_at, else the export's ts"),
        _key("track_id", "string", "Track played"),
        Column("context_type", "string", "playlist, album, artist or null"),
        Column("context_uri", "string", "URI of the context, or null"),
        *LINEAGE,
        # What the history export knows more (null for a play only the API reported).
        Column("ms_played", "long", "Milliseconds the stream played (history export)"),
        Column("skipped", "boolean", "The listener skipped to the next track (history export)"),
        Column("reason_start", "string", "Why the stream started: trackdone, clickrow, fwdbtn ... (history export)"),
        Column("reason_end", "string", "Why the stream ended: trackdone, fwdbtn, endplay ... (history export)"),
        Column("shuffle", "boolean", "Shuffle was on (history export)"),
        Column("offline", "boolean", "Played offline (history export)"),
        Column("play_source", "string", "api, export, or api+export for a play both reported; null: api"),
    ),
    key=("played_at", "track_id"),
    merge=MATCH_PLAYS,
)

FACT_TOP_ITEM = Table(
    "fact_top_item",
    "The user's top tracks and artists per time range on each snapshot date.",
    (
        _key("snapshot_date", "date", "Day the list was read"),
        _key("time_range", "string", "short_term, medium_term or long_term"),
        _key("item_type", "string", "track or artist"),
        _key("rank", "int", "1 = top"),
        _key("item_id", "string", "Track or artist id"),
        *LINEAGE,
    ),
    key=("snapshot_date", "time_range", "item_type", "rank"),
    merge=REPLACE_SNAPSHOT,
    snapshot_group=("snapshot_date", "time_range", "item_type"),
)

FACT_SAVED_TRACK = Table(
    "fact_saved_track",
    "Tracks saved in the user's library.",
    (
        _key("track_id", "string", "Saved track"),
        _key("saved_at", "timestamp", "When it was saved"),
        *LINEAGE,
    ),
    key=("track_id", "saved_at"),
    merge=UPSERT,
)

# MusicBrainz, looked up by ISRC where the 2026 Spotify API went silent (lambda_src/extract/musicbrainz.py). Keyed by
# ISRC, not by Spotify id: a lookup can come days after the run that read the track (the enrichment's budget), so the
# warehouse joins them to tracks, albums and artists (snowflake_sql R__50: which source wins is written there).
MUSICBRAINZ_RECORDING = Table(
    "musicbrainz_recording",
    "The MusicBrainz recording of each ISRC looked up: when several share the ISRC, the one on most releases.",
    (
        _key("isrc", "string", "ISRC looked up (as Spotify gives it in external_ids.isrc)"),
        Column("musicbrainz_recording_id", "string", "MusicBrainz recording id (MBID)"),
        Column("recording_title", "string", "Recording title in MusicBrainz"),
        Column("recordings_found", "int", "Recordings MusicBrainz has with this ISRC"),
        Column("genres", "array<string>", "Community genres of the recording, most voted first"),
        *LINEAGE,
    ),
    key=("isrc",),
    merge=UPSERT,
)

MUSICBRAINZ_RELEASE = Table(
    "musicbrainz_release",
    "Every release of each ISRC's recording in MusicBrainz, with its label and country.",
    (
        _key("isrc", "string", "ISRC looked up"),
        _key("musicbrainz_release_id", "string", "MusicBrainz release id (MBID)"),
        Column("release_title", "string", "Release title"),
        Column("release_date", "string", "Release date as given: YYYY, YYYY-MM or YYYY-MM-DD"),
        Column("release_country", "string", "ISO 3166-1 country of the release (XW: worldwide)"),
        Column("label_name", "string", "First label of the release; null where MusicBrainz has none"),
        Column("musicbrainz_label_id", "string", "MusicBrainz label id (MBID)"),
        *LINEAGE,
    ),
    key=("isrc", "musicbrainz_release_id"),
    merge=UPSERT,
)

MUSICBRAINZ_ARTIST_CREDIT = Table(
    "musicbrainz_artist_credit",
    "The artists credited on each ISRC's recording in MusicBrainz, in order, with their ids and community genres.",
    (
        _key("isrc", "string", "ISRC looked up"),
        _key("artist_position", "int", "Position in the recording's artist credit, from 0"),
        Column("musicbrainz_artist_id", "string", "MusicBrainz artist id (MBID)"),
        Column("artist_name", "string", "Artist name in MusicBrainz"),
        Column("genres", "array<string>", "Community genres of the artist, most voted first"),
        *LINEAGE,
    ),
    key=("isrc", "artist_position"),
    merge=UPSERT,
)

TABLES: tuple[Table, ...] = (
    DIM_TRACK,
    DIM_ALBUM,
    DIM_ARTIST,
    BRIDGE_TRACK_ARTIST,
    BRIDGE_ALBUM_ARTIST,
    DIM_PLAYLIST,
    FACT_PLAYLIST_ITEM,
    FACT_PLAY,
    FACT_TOP_ITEM,
    FACT_SAVED_TRACK,
    MUSICBRAINZ_RECORDING,
    MUSICBRAINZ_RELEASE,
    MUSICBRAINZ_ARTIST_CREDIT,
)
TABLES_BY_NAME = {t.name: t for t in TABLES}


def table(name: str) -> Table:
    try:
        return TABLES_BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown model table {name!r}; known: {', '.join(TABLES_BY_NAME)}") from None
