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
# A run's quality facts (RUN_QUALITY_TABLES): the latest transform of a run replaces every row that run had, so a
# re-run of the same run replaces its facts instead of adding to them, and a fact the re-run no longer reports goes.
REPLACE_RUN = "replace_run"
# The column REPLACE_RUN orders a run's transforms by: when the job that wrote the rows started (UTC).
TRANSFORMED_AT = "transformed_at"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    nullable: bool = True
    # The only values a string column may hold (null aside, where nullable); the warehouse rejects a row with
    # another, with its rule, rather than letting it disappear in a merge that knows only these.
    allowed: tuple[str, ...] = ()

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
        Column(
            "play_source",
            "string",
            "api or export: who reported the play (null: api); the warehouse's merge makes a play both reported "
            "api+export",
            allowed=(PLAY_SOURCE_API, PLAY_SOURCE_EXPORT),
        ),
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

# Run quality: what each transform's run report (contracts/processed_zone.py) and its manifest
# (contracts/manifest.py) say of the run, written by the transform as datasets of their own beside the model's and
# loaded by pipes like them, so the report can show a run's completeness next to its data. The job writes each
# table's rows of a run in one file; `transformed_at` tells its attempts apart (REPLACE_RUN).
_TRANSFORMED = Column(TRANSFORMED_AT, "timestamp", "When the transform that wrote the row started (UTC)", False)
# The lineage of a run-quality row: the run, its day, and the run's manifest (the file the facts were read from).
_RUN_LINEAGE = (
    _key("run_id", "string", "Extraction run the facts are about"),
    _key("ingest_date", "date", "Day of that run (UTC)"),
    _key("source_file", "string", "The run's manifest key in the raw bucket"),
)

# The outcomes a candidate row ends in (glue_jobs/transforms/quality.py decides them; RUN_TABLE_OUTCOME counts them).
OUTCOME_OUTPUT = "output"
OUTCOME_QUARANTINED = "quarantined"
OUTCOME_DROPPED = "dropped"
# The reason of the output rows (a quarantined row has its rule, a dropped one its reason): they were kept.
REASON_KEPT = "kept"

RUN_TABLE_OUTCOME = Table(
    "run_table_outcome",
    "The run report's counts: per run and model table (and raw_pages), the rows per outcome and reason.",
    (
        _key("table_name", "string", "Model table, or raw_pages for the pages read"),
        _key("outcome", "string", "output, quarantined or dropped"),
        _key("reason", "string", "The rule a quarantined row broke, a dropped row's reason; kept for the output"),
        Column("row_count", "long", "Rows (pages for raw_pages) with this outcome and reason", nullable=False),
        _TRANSFORMED,
        *_RUN_LINEAGE,
    ),
    key=("run_id", "table_name", "outcome", "reason"),
    merge=REPLACE_RUN,
)

RUN_EXTRACTION = Table(
    "run_extraction",
    "One row per run: what its manifest says of the extraction (status, calls, and how many of each issue).",
    (
        Column(
            "extraction_status",
            "string",
            "complete, or partial: stopped on its time budget, pending work left",
            nullable=False,
        ),
        Column("api_mode", "string", "development, extended or history_export"),
        Column("started_at", "timestamp", "When the extraction started (UTC)"),
        Column("finished_at", "timestamp", "When it wrote its manifest (UTC)"),
        Column("raw_files", "int", "Page files the manifest lists"),
        Column("api_calls", "long", "API calls made, retries included"),
        Column("min_api_calls", "long", "The fewest calls the API mode allows for what was fetched"),
        Column("captures", "int", "Captures of recently played the run handed to the transform"),
        Column("entity_errors", "int", "Entities the API refused (a deleted playlist ...): the manifest's errors"),
        Column("fallbacks", "int", "Endpoints refused for the app, and replaced by a fallback"),
        Column("pending_items", "int", "Work left for the next run (a partial run, MusicBrainz's budget)"),
        Column("play_gaps", "int", "Gaps in the play history: reads of recently played that could not reach back"),
        Column("not_found", "int", "Lookups the second source answered with no such entity"),
        _TRANSFORMED,
        *_RUN_LINEAGE,
    ),
    key=("run_id",),
    merge=REPLACE_RUN,
)

# The kinds of RUN_EXTRACTION_ISSUE, one per list of the manifest.
ISSUE_ENTITY_ERROR = "entity_error"
ISSUE_FALLBACK = "fallback"
ISSUE_PENDING = "pending"
ISSUE_PLAY_GAP = "play_gap"
ISSUE_NOT_FOUND = "not_found"
ISSUE_TYPES = (ISSUE_ENTITY_ERROR, ISSUE_FALLBACK, ISSUE_PENDING, ISSUE_PLAY_GAP, ISSUE_NOT_FOUND)

RUN_EXTRACTION_ISSUE = Table(
    "run_extraction_issue",
    "Every entity error, fallback, pending item, play gap and not-found lookup of a run's manifest.",
    (
        _key("issue_type", "string", "entity_error, fallback, pending, play_gap or not_found"),
        _key("issue_number", "int", "Position in the manifest's list of that type, from 0"),
        Column("source", "string", "Source (or, for a fallback, the endpoint refused)"),
        Column("entity_id", "string", "The entity concerned, where there is one"),
        Column("http_status", "int", "The API's status: the error's or the refused endpoint's"),
        Column("detail", "string", "The error's message, the fallback used, or the run or capture that found a gap"),
        Column("gap_from", "timestamp", "A play gap's start (exclusive, UTC); null for the very first read"),
        Column("gap_to", "timestamp", "A play gap's end (exclusive, UTC)"),
        _TRANSFORMED,
        *_RUN_LINEAGE,
    ),
    key=("run_id", "issue_type", "issue_number"),
    merge=REPLACE_RUN,
)

RUN_QUALITY_TABLES: tuple[Table, ...] = (RUN_TABLE_OUTCOME, RUN_EXTRACTION, RUN_EXTRACTION_ISSUE)
# Everything the warehouse loads: a landing table and a pipe each, notified under model/<table>/.
LOADED_TABLES: tuple[Table, ...] = TABLES + RUN_QUALITY_TABLES
TABLES_BY_NAME = {t.name: t for t in TABLES}
LOADED_TABLES_BY_NAME = {t.name: t for t in LOADED_TABLES}


def table(name: str) -> Table:
    try:
        return TABLES_BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown model table {name!r}; known: {', '.join(TABLES_BY_NAME)}") from None
