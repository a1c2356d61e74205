"""The Power BI semantic model: parameters, tables over the reporting views, relationships and measures.

Each table reads one reporting view of `snowflake_sql/migrations/R__50_reporting_views.sql` (the only objects
the BI role may read) and keeps the columns a report needs, under names an analyst reads. Each measure carries
its two forms side by side: `dax` for Power BI and `sql` for the local dashboard. The SQL form is an aggregate
over the rows a visual shows (the CTE `visual_rows`, see `powerbi.sql`); where the DAX steps outside the
visual's rows with ALLSELECTED, the SQL reads `visual_rows` again in a subquery, which is the same set.

Blanks: DAX gives BLANK where no row counts (COUNTROWS of nothing), so the SQL forms of filtered counts
give NULL there too (NULLIF(..., 0)): a day without removals shows no bar in either.

Date handling: every fact has a date column related to the calculated `Date` table; visuals group by
'Date'[Date], which the SQL form reads as the fact's own date column.
"""

from __future__ import annotations

from dataclasses import dataclass

from config import SnowflakeConfig

# Column types: the TMDL dataType and the Power Query type each becomes (powerbi.tmdl), and the warehouse
# types each is read from (tests check the views against this).
TEXT, WHOLE, DECIMAL, BOOLEAN, DATE, DATETIME = "text", "whole", "decimal", "boolean", "date", "datetime"
DATA_TYPES = (TEXT, WHOLE, DECIMAL, BOOLEAN, DATE, DATETIME)

DEFAULT_FORMATS = {WHOLE: "0", DECIMAL: "#,0.00", DATE: "yyyy-mm-dd", DATETIME: "yyyy-mm-dd hh:nn"}

DATE_TABLE = "Date"
DATE_COLUMN = "Date"
HOUR_TABLE = "Hour of day"
HOUR_COLUMN = "Hour"


@dataclass(frozen=True)
class Column:
    name: str
    source: str  # the view's column, as R__50 spells it (Snowflake returns it upper case)
    data_type: str
    description: str
    format: str | None = None
    hidden: bool = False
    key: bool = False  # unique in its table: the "one" side of relationships
    sort_by: str | None = None  # another column of the table that orders this one (weekday names)
    # Every value the column can take, when few: a chart by it shows each one, blank or not (hours of the day).
    domain: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if self.data_type not in DATA_TYPES:
            raise ValueError(f"column {self.name}: unknown type {self.data_type!r}; use one of {DATA_TYPES}")

    @property
    def format_string(self) -> str | None:
        return self.format or DEFAULT_FORMATS.get(self.data_type)


@dataclass(frozen=True)
class Table:
    name: str
    view: str | None  # reporting view, unqualified (database and schema are parameters); None: calculated
    description: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"table {self.name!r} has no column {name!r}; it has: {', '.join(self.column_names)}")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


@dataclass(frozen=True)
class Condition:
    """Rows whose `column` (a column of the measure's home table) compares with `value`: "=", ">" or "<"."""

    column: str
    operator: str
    value: bool | int | str

    def __post_init__(self) -> None:
        if self.operator not in ("=", ">", "<"):
            raise ValueError(f"condition on {self.column}: unknown operator {self.operator!r}; use =, > or <")


@dataclass(frozen=True)
class CountRows:
    """The number of rows (matching `where`); blank where none does, as DAX's COUNTROWS."""

    where: Condition | None = None


@dataclass(frozen=True)
class SumOf:
    column: str


@dataclass(frozen=True)
class DistinctCount:
    """Different non-blank values of `column`."""

    column: str


@dataclass(frozen=True)
class MinOf:
    """The smallest value of `column`; over every date whatever the dates selected when `every_date`."""

    column: str
    every_date: bool = False


@dataclass(frozen=True)
class MaxOf:
    """The largest value of `column` (the latest time, for a time)."""

    column: str


@dataclass(frozen=True)
class Ratio:
    """numerator / denominator; a blank numerator counts as 0, a blank or zero denominator gives blank."""

    numerator: Aggregate
    denominator: Aggregate


@dataclass(frozen=True)
class ShareOfVisual:
    """`part` for the data point over `part` for all the rows the visual shows (ALLSELECTED)."""

    part: Aggregate


@dataclass(frozen=True)
class OnLatestDate:
    """`of` over the rows of the latest date among the rows the visual shows (the latest snapshot)."""

    of: Aggregate


@dataclass(frozen=True)
class CrossFilterBoth:
    """`of` with filters flowing both ways along the relationship from `bridge` (its many side) to its dimension,
    for this measure only (CROSSFILTER ... BOTH): a genre filters the plays through the artist."""

    of: Aggregate
    bridge: str


Aggregate = CountRows | SumOf | DistinctCount | MinOf | MaxOf | Ratio | ShareOfVisual | OnLatestDate | CrossFilterBoth
# The aggregates where no row means 0: the dashboard shows their blank as 0 on cards, totals and complete axes.
ADDITIVE = (CountRows, SumOf, DistinctCount)


@dataclass(frozen=True)
class Measure:
    """A measure, written once as an aggregate over its home table's rows: `dax` (Power BI), `sql` (over the
    rows a visual shows, powerbi.sql) and the dashboard's per-day form (powerbi.sql.visual_cells) all read it."""

    name: str
    table: str  # home table: the aggregate reads that table's columns
    aggregate: Aggregate
    format: str
    description: str
    folder: str  # the display folder that groups it in Power BI's field list

    @property
    def dax(self) -> str:
        return _dax(self.aggregate, table(self.table))

    @property
    def sql(self) -> str:
        return aggregate_sql(self.aggregate, table(self.table))

    @property
    def blank_is_zero(self) -> bool:
        aggregate = self.aggregate
        while isinstance(aggregate, CrossFilterBoth):
            aggregate = aggregate.of
        return isinstance(aggregate, ADDITIVE)

    @property
    def bridges(self) -> tuple[Relationship, ...]:
        """The relationships this measure lets filter both ways."""
        nodes = _nodes(self.aggregate)
        return tuple(bridge_relationship(node.bridge) for node in nodes if isinstance(node, CrossFilterBoth))


@dataclass(frozen=True)
class Relationship:
    """Many rows of `from_table` to one row of `to_table`; filters flow from `to` to `from` only. A measure that
    needs a bridge table (genres) to filter the facts through its dimension says so itself (CrossFilterBoth), as
    Power BI developers expect: no relationship filters both ways for every measure."""

    from_table: str
    from_column: str
    to_table: str
    to_column: str


@dataclass(frozen=True)
class Parameter:
    """A required text parameter of the Power Query expressions; `default` names the configuration value."""

    name: str
    description: str
    default: str


def _id(name: str, source: str, description: str) -> Column:
    return Column(name, source, TEXT, description, hidden=True)


def _key(name: str, source: str, description: str) -> Column:
    return Column(name, source, TEXT, description, hidden=True, key=True)


def _date(name: str, source: str, description: str, hidden: bool = True) -> Column:
    return Column(name, source, DATE, description, hidden=hidden)


_DECADE_FORMAT = '0"s"'  # 1980 -> "1980s"
_SIGNED_FORMAT = "+0;-0;0"

LISTENING_HISTORY = Table(
    "Listening history",
    "PLAYS",
    "One row per play, with the track, album and main artist played",
    (
        Column("Played at", "played_at", DATETIME, "When the play started (UTC)"),
        Column(
            "Played at local time", "played_at_local", DATETIME, "When the play started, in the reporting time zone"
        ),
        _date("Played date", "played_date", "Day of the play in the reporting time zone; filter by 'Date' instead"),
        Column(
            "Played hour",
            "played_hour",
            WHOLE,
            "Hour of day the play started in the reporting time zone, 0 to 23; group by 'Hour of day' instead",
            hidden=True,
        ),
        _id("Track ID", "track_id", "Spotify track id"),
        Column("Track name", "track_name", TEXT, "Track title"),
        Column(
            "Track minutes",
            "track_minutes",
            DECIMAL,
            "Length of the track: recently played does not say how long a play lasted",
            hidden=True,
        ),
        Column("Explicit", "explicit", BOOLEAN, "Explicit lyrics"),
        Column("Album name", "album_name", TEXT, "Album of the track"),
        Column("Release year", "release_year", WHOLE, "Year the album was released"),
        Column("Release decade", "release_decade", WHOLE, "Release year rounded down to the decade", _DECADE_FORMAT),
        _id("Main artist ID", "main_artist_id", "The track's first credited artist"),
        Column("Main artist name", "main_artist_name", TEXT, "Name of the track's first credited artist"),
        Column("Context type", "context_type", TEXT, "What the play started from: playlist, album, artist or empty"),
        # What the listener's history export adds (README "Importing a listener's whole history"); empty for plays
        # only the API reported.
        Column("Stream minutes", "played_minutes", DECIMAL, "How long the stream played (history export)", hidden=True),
        Column("Skipped", "skipped", BOOLEAN, "The listener skipped to the next track (history export)"),
        Column("Partial play", "partial_play", BOOLEAN, "Played under 30 s (history export)"),
        Column("Reason end", "reason_end", TEXT, "Why the stream ended: trackdone, fwdbtn, endplay (history export)"),
        Column("Play source", "play_source", TEXT, "api, export, or api+export: who reported the play"),
        Column("Played year", "played_year", WHOLE, "Year of the play in the reporting time zone"),
    ),
)

DAILY_LISTENING = Table(
    "Daily listening",
    "DAILY_LISTENING",
    "One row per day with plays; the model reads the count of artists heard for the first time that day",
    (
        _date("Played date", "played_date", "Day in the reporting time zone"),
        Column(
            "New artist count",
            "new_artists",
            WHOLE,
            "Main artists played that day for the first time in the history the warehouse holds",
            hidden=True,
        ),
    ),
)

TRACKS = Table(
    "Tracks",
    "TRACKS",
    "One row per track seen in any source",
    (
        _key("Track ID", "track_id", "Spotify track id"),
        Column("Track name", "track_name", TEXT, "Track title"),
        Column("Track minutes", "track_minutes", DECIMAL, "Length of the track in minutes"),
        Column("Explicit", "explicit", BOOLEAN, "Explicit lyrics"),
        Column("Popularity", "popularity", WHOLE, "0 to 100; empty where the API no longer returns it"),
        _id("Album ID", "album_id", "Album the track belongs to"),
        Column("Album name", "album_name", TEXT, "Album title"),
        Column("Release year", "release_year", WHOLE, "Year the album was released"),
        Column("Release decade", "release_decade", WHOLE, "Release year rounded down to the decade", _DECADE_FORMAT),
        Column("Main artist name", "main_artist_name", TEXT, "Name of the first credited artist"),
        Column("Artist names", "artist_names", TEXT, "Every credited artist, in credit order"),
        Column("Artist count", "artist_count", WHOLE, "Number of credited artists"),
        _id("MusicBrainz recording ID", "musicbrainz_recording_id", "The track's recording in MusicBrainz, by ISRC"),
    ),
)

ALBUMS = Table(
    "Albums",
    "ALBUMS",
    "One row per album seen in any source",
    (
        _key("Album ID", "album_id", "Spotify album id"),
        Column("Album name", "album_name", TEXT, "Album title"),
        Column("Album type", "album_type", TEXT, "album, single or compilation"),
        Column("Release date", "release_date", TEXT, "Release date as Spotify gives it: YYYY, YYYY-MM or YYYY-MM-DD"),
        Column("Release year", "release_year", WHOLE, "Year part of the release date"),
        Column("Release decade", "release_decade", WHOLE, "Release year rounded down to the decade", _DECADE_FORMAT),
        Column("Total tracks", "total_tracks", WHOLE, "Number of tracks on the album"),
        Column("Label", "label", TEXT, "Record label: Spotify's, else MusicBrainz's (Label source says which)"),
        Column("Album artist", "main_artist_name", TEXT, "Name of the album's first credited artist"),
        Column("Label source", "label_source", TEXT, "spotify or musicbrainz; empty where neither has a label"),
        Column(
            "Release country", "release_country", TEXT, "Country of the matching MusicBrainz release (XW: worldwide)"
        ),
        _id("MusicBrainz release ID", "musicbrainz_release_id", "The album's matching release in MusicBrainz"),
    ),
)

ARTISTS = Table(
    "Artists",
    "ARTISTS",
    "One row per artist seen in any source",
    (
        _key("Artist ID", "artist_id", "Spotify artist id"),
        Column("Artist name", "artist_name", TEXT, "Artist name"),
        Column("Followers", "followers", WHOLE, "Follower count; empty where the API no longer returns it", "#,0"),
        Column("Popularity", "popularity", WHOLE, "0 to 100; empty where the API no longer returns it"),
        Column(
            "Genre count", "genre_count", WHOLE, "Number of genres listed for the artist (Genres source says where)"
        ),
        Column("First genre", "first_genre", TEXT, "The first genre listed for the artist"),
        Column("Genres source", "genres_source", TEXT, "spotify, or musicbrainz where Spotify lists no genre"),
        _id("MusicBrainz artist ID", "musicbrainz_artist_id", "The artist in MusicBrainz, matched through its tracks"),
        _date(
            "First credited play",
            "first_played_date",
            "Day (reporting time zone) of the first play of a track crediting the artist in any position",
            hidden=False,
        ),
        Column("Credited plays", "plays", WHOLE, "Plays of tracks crediting the artist in any position", "#,0"),
    ),
)

ARTIST_GENRES = Table(
    "Artist genres",
    "ARTIST_GENRES",
    "One row per artist and genre; artists without genres have none",
    (
        _id("Artist ID", "artist_id", "Spotify artist id"),
        Column("Genre", "genre", TEXT, "Genre as Spotify lists it, or MusicBrainz where Spotify lists none"),
        Column("Genre position", "genre_position", WHOLE, "Position in the artist's genre list, from 0"),
        Column("Genre source", "genre_source", TEXT, "spotify or musicbrainz"),
    ),
)

SAVED_TRACKS = Table(
    "Saved tracks",
    "SAVED_TRACKS",
    "One row per track saved in the listener's library",
    (
        Column("Saved at", "saved_at", DATETIME, "When the track was saved (UTC)"),
        _date("Saved date", "saved_date", "Day the track was saved, in the reporting time zone; filter by 'Date'"),
        _id("Track ID", "track_id", "Spotify track id"),
        Column("Track name", "track_name", TEXT, "Track title"),
        Column("Explicit", "explicit", BOOLEAN, "Explicit lyrics"),
        Column("Album name", "album_name", TEXT, "Album title"),
        Column("Release decade", "release_decade", WHOLE, "Release year rounded down to the decade", _DECADE_FORMAT),
        Column("Main artist name", "main_artist_name", TEXT, "Name of the first credited artist"),
    ),
)

TOP_ITEMS = Table(
    "Top items",
    "TOP_ITEMS",
    "The listener's top tracks and artists per time range, one list per snapshot day",
    (
        _date("Snapshot date", "snapshot_date", "Day the list was read; filter by 'Date' instead"),
        Column("Time range", "time_range", TEXT, "short_term (about 4 weeks), medium_term (6 months) or long_term"),
        Column("Item type", "item_type", TEXT, "track or artist"),
        Column("Rank", "rank", WHOLE, "Position in the list, 1 = top"),
        _id("Item ID", "item_id", "Spotify track or artist id"),
        Column("Item name", "item_name", TEXT, "Track title or artist name"),
        Column("Previous rank", "previous_rank", WHOLE, "Rank in the previous snapshot of the same list"),
        Column(
            "Rank change",
            "rank_change",
            WHOLE,
            "Places moved since the previous snapshot; positive means up",
            _SIGNED_FORMAT,
        ),
        Column("Is new entry", "is_new_entry", BOOLEAN, "Not in the previous snapshot of the same list"),
    ),
)

PLAYLISTS = Table(
    "Playlists",
    "PLAYLISTS",
    "One row per playlist read, with the size of its latest snapshot",
    (
        _key("Playlist ID", "playlist_id", "Spotify playlist id"),
        Column("Playlist name", "playlist_name", TEXT, "Playlist name"),
        Column("Owner name", "owner_name", TEXT, "Owner's display name"),
        Column("Is public", "is_public", BOOLEAN, "Public playlist"),
        Column("Is collaborative", "is_collaborative", BOOLEAN, "Collaborative playlist"),
        Column("Total items", "total_items", WHOLE, "Number of items Spotify reported when read", "#,0"),
        _date("Latest snapshot date", "latest_snapshot_date", "Day of the latest snapshot", hidden=False),
        Column("Latest item count", "latest_item_count", WHOLE, "Items in the latest snapshot", hidden=True),
    ),
)

PLAYLIST_ITEMS = Table(
    "Playlist items",
    "PLAYLIST_ITEMS",
    "The items of each playlist on each snapshot day",
    (
        _date("Snapshot date", "snapshot_date", "Day the playlist was read; filter by 'Date' instead"),
        _id("Playlist ID", "playlist_id", "Spotify playlist id"),
        Column("Position", "position", WHOLE, "Position in the playlist, from 0"),
        Column("Item type", "item_type", TEXT, "track or episode"),
        _id("Item ID", "item_id", "Spotify track or episode id"),
        Column("Track name", "track_name", TEXT, "Track title (empty for episodes)"),
        Column("Main artist name", "main_artist_name", TEXT, "Name of the track's first credited artist"),
        Column("Added at", "added_at", DATETIME, "When the item was added; empty on very old playlists"),
        Column("Added by", "added_by", TEXT, "User id who added the item; empty on very old playlists"),
    ),
)

PLAYLIST_CHANGES = Table(
    "Playlist changes",
    "PLAYLIST_CHANGES",
    "Items added to or removed from each playlist since its previous snapshot (moves are neither)",
    (
        _date("Snapshot date", "snapshot_date", "Day of the snapshot that shows the change; filter by 'Date'"),
        _date("Previous snapshot date", "previous_snapshot_date", "Day of the snapshot compared with", hidden=False),
        _id("Playlist ID", "playlist_id", "Spotify playlist id"),
        Column("Playlist name", "playlist_name", TEXT, "Playlist name"),
        Column("Change type", "change_type", TEXT, "added or removed"),
        Column("Item type", "item_type", TEXT, "track or episode"),
        _id("Item ID", "item_id", "Spotify track or episode id"),
        Column("Track name", "track_name", TEXT, "Track title (empty for episodes)"),
        Column("Main artist name", "main_artist_name", TEXT, "Name of the track's first credited artist"),
    ),
)

LOAD_REJECTS = Table(
    "Load rejects",
    "LOAD_REJECTS",
    "Landing rows that broke a rule, counted per table, rule and run (data quality)",
    (
        Column("Table name", "table_name", TEXT, "Model table the rows were for"),
        Column("Rule", "rule", TEXT, "The rule the rows broke"),
        _date("Ingest date", "ingest_date", "Day of the run that produced the rows"),
        Column("Run ID", "run_id", TEXT, "Extraction run that produced the rows"),
        Column("Rejected row count", "rejected_rows", WHOLE, "Rows rejected", hidden=True),
    ),
)

# Data quality and freshness per run (README "Reading the Data-quality page"): what the run reports and manifests
# say of each run, and each table's loads. Their day is the run's ingest date.
TRANSFORM_OUTCOMES = Table(
    "Transform outcomes",
    "TRANSFORM_OUTCOMES",
    "Per run and model table (and raw_pages, the pages read): rows per outcome and reason, from the run report",
    (
        _date("Ingest date", "ingest_date", "Day of the run; filter by 'Date' instead"),
        Column("Run ID", "run_id", TEXT, "Extraction run the transform read"),
        Column("Table name", "table_name", TEXT, "Model table, or raw_pages for the pages read"),
        Column("Outcome", "outcome", TEXT, "output, quarantined or dropped"),
        Column("Reason", "reason", TEXT, "The rule a quarantined row broke, a dropped row's reason; kept for output"),
        Column("Row count", "row_count", WHOLE, "Rows (pages for raw_pages) with this outcome and reason"),
        # One column per outcome, 0 in the others: the measures are plain sums, 0 where a run had none.
        Column("Read row count", "rows_read", WHOLE, "Rows of a model table, whatever their outcome", hidden=True),
        Column("Written row count", "rows_written", WHOLE, "Rows written to a model table", hidden=True),
        Column("Quarantined row count", "rows_quarantined", WHOLE, "Rows quarantined by a rule", hidden=True),
        Column("Dropped row count", "rows_dropped", WHOLE, "Rows dropped for a documented reason", hidden=True),
        Column("Quarantined page count", "pages_quarantined", WHOLE, "Raw pages quarantined whole", hidden=True),
    ),
)

EXTRACTION_RUNS = Table(
    "Extraction runs",
    "EXTRACTION_RUNS",
    "One row per run: its extraction status and how many issues its manifest records",
    (
        _date("Ingest date", "ingest_date", "Day of the run; filter by 'Date' instead"),
        Column("Run ID", "run_id", TEXT, "Extraction run"),
        Column("Extraction status", "extraction_status", TEXT, "complete, or partial: stopped on its time budget"),
        Column("Is partial", "is_partial", BOOLEAN, "The run stopped on its time budget; the next run resumes it"),
        Column("API mode", "api_mode", TEXT, "development, extended or history_export"),
        Column("Started at", "started_at", DATETIME, "When the extraction started (UTC)"),
        Column("Partial run count", "partial_runs", WHOLE, "1 for a partial run, else 0", hidden=True),
        Column("Entity error count", "entity_errors", WHOLE, "Entities the API refused", hidden=True),
        Column("Fallback count", "fallbacks", WHOLE, "Endpoints replaced by a fallback", hidden=True),
        Column("Pending item count", "pending_items", WHOLE, "Work left for the next run", hidden=True),
        Column("Play gap count", "play_gaps", WHOLE, "Gaps in the play history", hidden=True),
    ),
)

EXTRACTION_ISSUES = Table(
    "Extraction issues",
    "EXTRACTION_ISSUES",
    "Every entity error, fallback, pending item, play gap and not-found lookup the runs' manifests record",
    (
        _date("Ingest date", "ingest_date", "Day of the run; filter by 'Date' instead"),
        Column("Run ID", "run_id", TEXT, "Extraction run"),
        Column("Issue type", "issue_type", TEXT, "entity_error, fallback, pending, play_gap or not_found"),
        Column("Source", "source", TEXT, "Source, or the endpoint a fallback replaced"),
        Column("Entity ID", "entity_id", TEXT, "The entity concerned, where there is one"),
        Column("HTTP status", "http_status", WHOLE, "The API's answer, for an error or a fallback"),
        Column("Detail", "detail", TEXT, "The error's message, the fallback used, or who found a gap"),
        Column("Gap from", "gap_from", DATETIME, "A play gap's start (UTC); empty for the very first read"),
        Column("Gap to", "gap_to", DATETIME, "A play gap's end (UTC): plays between the two may be lost"),
        Column("Gap minutes", "gap_minutes", WHOLE, "How long the gap lasts; empty for the very first read"),
    ),
)

TABLE_LOADS = Table(
    "Table loads",
    "TABLE_LOADS",
    "Per loaded table and run: the files its pipe loaded and when (freshness)",
    (
        Column("Table name", "table_name", TEXT, "Landing table the pipe loaded"),
        _date("Ingest date", "ingest_date", "Day of the run the files came from; filter by 'Date' instead"),
        Column("Run ID", "run_id", TEXT, "Extraction run the files came from"),
        Column("Loaded file count", "loaded_files", WHOLE, "Files the pipe loaded", hidden=True),
        Column("Loaded row count", "loaded_rows", WHOLE, "Rows those files held", hidden=True),
        Column("Last loaded at", "last_loaded_at", DATETIME, "When the pipe loaded the run's latest file (UTC)"),
    ),
)

# Calculated in the model: one row per day from the first to the last day any fact mentions.
DATE_DIMENSION = Table(
    DATE_TABLE,
    None,
    "One row per day from the first to the last day the plays, snapshots, saves and loads mention",
    (
        Column(DATE_COLUMN, "Date", DATE, "Day in the reporting time zone ([reporting] time_zone)", key=True),
        Column("Year", "Year", WHOLE, "Calendar year"),
        Column("Month", "Month", TEXT, "Year and month, e.g. 2026-03"),
        Column("Weekday", "Weekday", TEXT, "Day of the week, Mon to Sun", sort_by="Weekday number"),
        Column("Weekday number", "Weekday number", WHOLE, "1 = Monday to 7 = Sunday", hidden=True),
    ),
)

# Calculated in the model from its one column's domain: a chart by hour shows all 24, not only the hours the facts
# hold ("show items with no data" shows only the values a column has).
HOUR_DIMENSION = Table(
    HOUR_TABLE,
    None,
    "The 24 hours of the day, whether anything was played in them or not",
    (
        Column(
            HOUR_COLUMN,
            "Hour",
            WHOLE,
            "Hour of day in the reporting time zone, 0 to 23",
            key=True,
            domain=tuple(range(24)),
        ),
    ),
)

TABLES: tuple[Table, ...] = (
    LISTENING_HISTORY,
    DAILY_LISTENING,
    TRACKS,
    ALBUMS,
    ARTISTS,
    ARTIST_GENRES,
    SAVED_TRACKS,
    TOP_ITEMS,
    PLAYLISTS,
    PLAYLIST_ITEMS,
    PLAYLIST_CHANGES,
    LOAD_REJECTS,
    TRANSFORM_OUTCOMES,
    EXTRACTION_RUNS,
    EXTRACTION_ISSUES,
    TABLE_LOADS,
    DATE_DIMENSION,
    HOUR_DIMENSION,
)

RELATIONSHIPS: tuple[Relationship, ...] = (
    Relationship("Listening history", "Played date", DATE_TABLE, DATE_COLUMN),
    Relationship("Listening history", "Track ID", "Tracks", "Track ID"),
    Relationship("Listening history", "Main artist ID", "Artists", "Artist ID"),
    Relationship("Listening history", "Played hour", HOUR_TABLE, HOUR_COLUMN),
    Relationship("Daily listening", "Played date", DATE_TABLE, DATE_COLUMN),
    Relationship("Tracks", "Album ID", "Albums", "Album ID"),
    Relationship("Artist genres", "Artist ID", "Artists", "Artist ID"),
    Relationship("Saved tracks", "Saved date", DATE_TABLE, DATE_COLUMN),
    Relationship("Saved tracks", "Track ID", "Tracks", "Track ID"),
    Relationship("Top items", "Snapshot date", DATE_TABLE, DATE_COLUMN),
    Relationship("Playlist items", "Snapshot date", DATE_TABLE, DATE_COLUMN),
    Relationship("Playlist items", "Playlist ID", "Playlists", "Playlist ID"),
    Relationship("Playlist changes", "Snapshot date", DATE_TABLE, DATE_COLUMN),
    Relationship("Playlist changes", "Playlist ID", "Playlists", "Playlist ID"),
    Relationship("Load rejects", "Ingest date", DATE_TABLE, DATE_COLUMN),
    Relationship("Transform outcomes", "Ingest date", DATE_TABLE, DATE_COLUMN),
    Relationship("Extraction runs", "Ingest date", DATE_TABLE, DATE_COLUMN),
    Relationship("Extraction issues", "Ingest date", DATE_TABLE, DATE_COLUMN),
    Relationship("Table loads", "Ingest date", DATE_TABLE, DATE_COLUMN),
)

_PLAYS, _TOP, _CHANGES = "Listening history", "Top items", "Playlist changes"
_OUTCOMES, _RUNS, _LOADS = "Transform outcomes", "Extraction runs", "Table loads"
# Display folders: what an analyst looks for in the field list.
LISTENING, EXPORT, ARTISTS_FOLDER, TOP_LISTS, LIBRARY, DATA_QUALITY = (
    "Listening",
    "Listening history export",
    "Artists",
    "Top lists",
    "Playlists and library",
    "Data quality",
)

MEASURES: tuple[Measure, ...] = (
    Measure(
        "Plays",
        _PLAYS,
        CountRows(),
        "#,0",
        "Tracks played. Spotify returns at most the last 50 plays per daily run.",
        LISTENING,
    ),
    Measure(
        "Listening minutes",
        _PLAYS,
        SumOf("Track minutes"),
        "#,0",
        "Sum of the played tracks' lengths: the API does not say how long a play lasted.",
        LISTENING,
    ),
    Measure("Distinct tracks", _PLAYS, DistinctCount("Track ID"), "#,0", "Different tracks played.", LISTENING),
    Measure(
        "Distinct artists",
        _PLAYS,
        DistinctCount("Main artist ID"),
        "#,0",
        "Different main artists played.",
        ARTISTS_FOLDER,
    ),
    Measure(
        "Explicit share",
        _PLAYS,
        # No explicit play is a share of 0, not blank; no play at all stays blank.
        Ratio(CountRows(Condition("Explicit", "=", True)), CountRows()),
        "0.0%",
        "Share of plays with explicit lyrics.",
        LISTENING,
    ),
    Measure(
        "Skipped plays",
        _PLAYS,
        CountRows(Condition("Skipped", "=", True)),
        "#,0",
        "Plays the listener skipped to the next track; known from the history export only.",
        EXPORT,
    ),
    Measure(
        "Partial plays",
        _PLAYS,
        CountRows(Condition("Partial play", "=", True)),
        "#,0",
        "Streams under 30 s, which the API never lists; known from the history export only.",
        EXPORT,
    ),
    Measure(
        "Played minutes",
        _PLAYS,
        SumOf("Stream minutes"),
        "#,0",
        "Minutes the streams really played; known from the history export only (see Listening minutes).",
        EXPORT,
    ),
    Measure(
        "Share of plays",
        _PLAYS,
        ShareOfVisual(CountRows()),
        "0.0%",
        "Plays as a share of all plays the visual shows (by release decade: the release-decade mix).",
        LISTENING,
    ),
    Measure(
        "Genre plays",
        _PLAYS,
        CrossFilterBoth(CountRows(), "Artist genres"),
        "#,0",
        "Plays by genre: a genre filters the plays of the artists listed under it, so a play counts once per genre "
        "of its main artist.",
        ARTISTS_FOLDER,
    ),
    Measure(
        "First heard",
        _PLAYS,
        MinOf("Played date", every_date=True),
        "yyyy-mm-dd",
        "Day of the first play in the history the warehouse holds, whatever the dates selected.",
        ARTISTS_FOLDER,
    ),
    Measure(
        "New artists",
        "Daily listening",
        SumOf("New artist count"),
        "#,0",
        "Main artists played for the first time in the history the warehouse holds (artists new to the listener).",
        ARTISTS_FOLDER,
    ),
    Measure(
        "Top-list climbers",
        _TOP,
        CountRows(Condition("Rank change", ">", 0)),
        "#,0",
        "Top-list entries ranked higher than in the previous snapshot of their list.",
        TOP_LISTS,
    ),
    Measure(
        "Top-list fallers",
        _TOP,
        CountRows(Condition("Rank change", "<", 0)),
        "#,0",
        "Top-list entries ranked lower than in the previous snapshot of their list.",
        TOP_LISTS,
    ),
    Measure(
        "Top-list new entries",
        _TOP,
        CountRows(Condition("Is new entry", "=", True)),
        "#,0",
        "Top-list entries absent from the previous snapshot of their list.",
        TOP_LISTS,
    ),
    Measure(
        "Latest rank",
        _TOP,
        OnLatestDate(MinOf("Rank")),
        "0",
        "Rank in the latest snapshot the visual shows (empty if the item is no longer listed).",
        TOP_LISTS,
    ),
    Measure(
        "Latest rank change",
        _TOP,
        OnLatestDate(SumOf("Rank change")),
        _SIGNED_FORMAT,
        "Places moved in the latest snapshot the visual shows; positive means up, empty for new entries.",
        TOP_LISTS,
    ),
    Measure(
        "Playlist adds",
        _CHANGES,
        CountRows(Condition("Change type", "=", "added")),
        "#,0",
        "Items added to playlists between consecutive snapshots.",
        LIBRARY,
    ),
    Measure(
        "Playlist removals",
        _CHANGES,
        CountRows(Condition("Change type", "=", "removed")),
        "#,0",
        "Items removed from playlists between consecutive snapshots.",
        LIBRARY,
    ),
    Measure("Playlist count", "Playlists", CountRows(), "#,0", "Playlists read.", LIBRARY),
    Measure(
        "Latest playlist items",
        "Playlists",
        SumOf("Latest item count"),
        "#,0",
        "Items in the playlists' latest snapshots.",
        LIBRARY,
    ),
    Measure(
        "Saved track count",
        "Saved tracks",
        CountRows(),
        "#,0",
        "Tracks saved in the listener's library.",
        LIBRARY,
    ),
    Measure(
        "Rejected rows",
        "Load rejects",
        SumOf("Rejected row count"),
        "#,0",
        "Landing rows that broke a rule and were kept out of the final tables.",
        DATA_QUALITY,
    ),
    # Data quality per run: 0 on a day whose runs had none (the views give each outcome a column of its own).
    Measure(
        "Rows read",
        _OUTCOMES,
        SumOf("Read row count"),
        "#,0",
        "Candidate rows the transform read for the model tables: written, quarantined or dropped.",
        DATA_QUALITY,
    ),
    Measure(
        "Rows written",
        _OUTCOMES,
        SumOf("Written row count"),
        "#,0",
        "Rows the transform wrote to the model tables (before the warehouse merged them by key).",
        DATA_QUALITY,
    ),
    Measure(
        "Rows quarantined",
        _OUTCOMES,
        SumOf("Quarantined row count"),
        "#,0",
        "Rows that broke a data-quality rule: kept in the quarantine with the rule, not in the model.",
        DATA_QUALITY,
    ),
    Measure(
        "Rows dropped",
        _OUTCOMES,
        SumOf("Dropped row count"),
        "#,0",
        "Rows left out for a documented reason: a duplicate key, a local file, a removed track.",
        DATA_QUALITY,
    ),
    Measure(
        "Pages quarantined",
        _OUTCOMES,
        SumOf("Quarantined page count"),
        "#,0",
        "Raw pages quarantined whole: not JSON, or records that do not fit their schema.",
        DATA_QUALITY,
    ),
    Measure("Runs", _RUNS, CountRows(), "#,0", "Extraction runs transformed.", DATA_QUALITY),
    Measure(
        "Partial runs",
        _RUNS,
        SumOf("Partial run count"),
        "#,0",
        "Runs stopped on their time budget; the next run does their pending work first.",
        DATA_QUALITY,
    ),
    Measure(
        "Entity errors",
        _RUNS,
        SumOf("Entity error count"),
        "#,0",
        "Entities the API refused (a deleted playlist ...): recorded in the manifest, and the run went on.",
        DATA_QUALITY,
    ),
    Measure(
        "Endpoint fallbacks",
        _RUNS,
        SumOf("Fallback count"),
        "#,0",
        "Endpoints the API refused for the app, replaced by their fallback for the rest of the run.",
        DATA_QUALITY,
    ),
    Measure(
        "Pending items",
        _RUNS,
        SumOf("Pending item count"),
        "#,0",
        "Work the runs left for the next run (a partial run, MusicBrainz's time budget).",
        DATA_QUALITY,
    ),
    Measure(
        "Play gaps",
        _RUNS,
        SumOf("Play gap count"),
        "#,0",
        "Reads of recently played that could not reach back to their cursor: plays inside a gap may be lost.",
        DATA_QUALITY,
    ),
    Measure(
        "Issues",
        "Extraction issues",
        CountRows(),
        "#,0",
        "Entity errors, fallbacks, pending items, play gaps and not-found lookups the manifests record.",
        DATA_QUALITY,
    ),
    Measure("Files loaded", _LOADS, SumOf("Loaded file count"), "#,0", "Files the pipes loaded.", DATA_QUALITY),
    Measure(
        "Rows loaded", _LOADS, SumOf("Loaded row count"), "#,0", "Rows the files the pipes loaded held.", DATA_QUALITY
    ),
    Measure(
        "Last load",
        _LOADS,
        MaxOf("Last loaded at"),
        "yyyy-mm-dd hh:nn",
        "When a pipe last loaded a file (UTC): per table, its last successful load.",
        DATA_QUALITY,
    ),
)

TABLES_BY_NAME = {t.name: t for t in TABLES}
MEASURES_BY_NAME = {m.name: m for m in MEASURES}


def table(name: str) -> Table:
    try:
        return TABLES_BY_NAME[name]
    except KeyError:
        raise KeyError(f"the model has no table {name!r}; tables: {', '.join(TABLES_BY_NAME)}") from None


def measure(name: str) -> Measure:
    try:
        return MEASURES_BY_NAME[name]
    except KeyError:
        raise KeyError(f"the model has no measure {name!r}; measures: {', '.join(MEASURES_BY_NAME)}") from None


def parameters(snowflake: SnowflakeConfig) -> tuple[Parameter, ...]:
    """The connection parameters, their defaults taken from the pipeline's [snowflake] configuration."""
    return (
        Parameter(
            "SnowflakeServer",
            "Snowflake account host name without https://, e.g. xy12345.eu-west-1.snowflakecomputing.com "
            "(Snowsight: account menu > Account > View account details > Account/Server URL)",
            "<account_identifier>.snowflakecomputing.com",
        ),
        Parameter(
            "SnowflakeWarehouse",
            "Virtual warehouse that runs the report's queries (the pipeline creates it)",
            snowflake.warehouse,
        ),
        Parameter(
            "SnowflakeDatabase",
            "Database of the pipeline ([snowflake] database in config/pipeline.toml)",
            snowflake.database,
        ),
        Parameter(
            "SnowflakeSchema",
            "Schema of the reporting views ([snowflake] reporting_schema in config/pipeline.toml)",
            snowflake.reporting_schema,
        ),
        Parameter(
            "SnowflakeRole",
            "Role that may read the reporting views ([snowflake] bi_role; grant it to your Snowflake user)",
            snowflake.bi_role,
        ),
    )


def date_relationships() -> tuple[Relationship, ...]:
    return tuple(r for r in RELATIONSHIPS if r.to_table == DATE_TABLE)


def dax_column(table_name: str, column_name: str) -> str:
    """'Table'[Column], quoted as DAX needs it."""
    return "'{}'[{}]".format(table_name.replace("'", "''"), column_name.replace("]", "]]"))


def date_table_dax() -> str:
    """The Date table's DAX: every day from the earliest to the latest date of the related fact columns."""
    bounds = ",\n".join(
        f"        {aggregate} ( {dax_column(r.from_table, r.from_column)} )"
        for r in date_relationships()
        for aggregate in ("MIN", "MAX")
    )
    return f"""VAR _Days =
    {{
{bounds}
    }}
VAR _FirstDay = COALESCE ( MINX ( _Days, [Value] ), TODAY () )
VAR _LastDay = COALESCE ( MAXX ( _Days, [Value] ), TODAY () )
RETURN
    ADDCOLUMNS (
        CALENDAR ( _FirstDay, _LastDay ),
        "Year", YEAR ( [Date] ),
        "Month", FORMAT ( [Date], "yyyy-mm" ),
        "Weekday", FORMAT ( [Date], "ddd" ),
        "Weekday number", WEEKDAY ( [Date], 2 )
    )"""


def domain_table_dax(model_table: Table) -> str:
    """A calculated table of one column, a row for each value of its domain."""
    (column,) = model_table.columns
    if column.domain is None:
        raise ValueError(f"table {model_table.name!r}: a calculated table other than 'Date' needs its column's domain")
    values = ", ".join(str(value) for value in column.domain)
    return f'SELECTCOLUMNS ( {{ {values} }}, "{column.source}", [Value] )'


def calculated_table_dax(model_table: Table) -> str:
    """The DAX of a calculated table (one without a view)."""
    return date_table_dax() if model_table.name == DATE_TABLE else domain_table_dax(model_table)


def is_calculated(table_name: str) -> bool:
    return table(table_name).view is None


def bridge_relationship(bridge: str) -> Relationship:
    """The relationship from the bridge table `bridge` to its dimension."""
    found = [r for r in RELATIONSHIPS if r.from_table == bridge and not is_calculated(r.to_table)]
    if len(found) != 1:
        raise ValueError(f"table {bridge!r} is not a bridge with one relationship to its dimension; see RELATIONSHIPS")
    return found[0]


def _nodes(aggregate: Aggregate) -> list[Aggregate]:
    children: list[Aggregate] = []
    if isinstance(aggregate, Ratio):
        children = [aggregate.numerator, aggregate.denominator]
    elif isinstance(aggregate, ShareOfVisual):
        children = [aggregate.part]
    elif isinstance(aggregate, (OnLatestDate, CrossFilterBoth)):
        children = [aggregate.of]
    return [aggregate, *(node for child in children for node in _nodes(child))]


def related_column(model_table: Table, calculated: str) -> Column | None:
    """The column of `model_table` related to the calculated table `calculated`, or None."""
    for r in RELATIONSHIPS:
        if r.from_table == model_table.name and r.to_table == calculated:
            return model_table.column(r.from_column)
    return None


def date_column(model_table: Table) -> Column | None:
    """The column of `model_table` related to 'Date' (the day a row belongs to), or None."""
    return related_column(model_table, DATE_TABLE)


# -- a measure's DAX and SQL forms, from its aggregate -----------------------------------------------------------


def _dax_value(value: bool | int | str) -> str:
    if isinstance(value, bool):
        return "TRUE ()" if value else "FALSE ()"
    if isinstance(value, int):
        return str(value)
    return '"{}"'.format(value.replace('"', '""'))


def _dax_table(model_table: Table) -> str:
    name = model_table.name
    return name if name.replace(" ", "") == name and name.isidentifier() else "'{}'".format(name.replace("'", "''"))


def _dax(aggregate: Aggregate, home: Table) -> str:
    def column(name: str) -> str:
        home.column(name)
        return dax_column(home.name, name)

    if isinstance(aggregate, CountRows):
        rows = f"COUNTROWS ( {_dax_table(home)} )"
        if aggregate.where is None:
            return rows
        where = aggregate.where
        # KEEPFILTERS: a visual grouped by the same column (adds and removals by change type) keeps its group.
        condition = f"{column(where.column)} {where.operator} {_dax_value(where.value)}"
        return f"CALCULATE ( {rows}, KEEPFILTERS ( {condition} ) )"
    if isinstance(aggregate, SumOf):
        return f"SUM ( {column(aggregate.column)} )"
    if isinstance(aggregate, DistinctCount):
        return f"DISTINCTCOUNTNOBLANK ( {column(aggregate.column)} )"
    if isinstance(aggregate, MinOf):
        smallest = f"MIN ( {column(aggregate.column)} )"
        return f"CALCULATE ( {smallest}, REMOVEFILTERS ( '{DATE_TABLE}' ) )" if aggregate.every_date else smallest
    if isinstance(aggregate, MaxOf):
        return f"MAX ( {column(aggregate.column)} )"
    if isinstance(aggregate, Ratio):
        return f"DIVIDE ( {_dax(aggregate.numerator, home)} + 0, {_dax(aggregate.denominator, home)} )"
    if isinstance(aggregate, ShareOfVisual):
        part = _dax(aggregate.part, home)
        return f"DIVIDE ( {part}, CALCULATE ( {part}, ALLSELECTED () ) )"
    if isinstance(aggregate, CrossFilterBoth):
        r = bridge_relationship(aggregate.bridge)
        both = f"CROSSFILTER ( {dax_column(r.from_table, r.from_column)}, {dax_column(r.to_table, r.to_column)}, BOTH )"
        return f"CALCULATE ( {_dax(aggregate.of, home)}, {both} )"
    day = dax_column(home.name, _day_column(home, aggregate).name)
    return (
        f"VAR _LatestDate =\n    CALCULATE ( MAX ( {day} ), ALLSELECTED ( {_dax_table(home)} ) )\n"
        f"RETURN\n    CALCULATE ( {_dax(aggregate.of, home)}, KEEPFILTERS ( {day} = _LatestDate ) )"
    )


def _day_column(home: Table, aggregate: Aggregate) -> Column:
    day = date_column(home)
    if day is None:
        raise ValueError(f"{aggregate}: table {home.name!r} is not related to 'Date', so it has no latest date")
    return day


def _sql_value(value: bool | int | str) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    return "'{}'".format(value.replace("'", "''"))


def condition_sql(condition: Condition, home: Table) -> str:
    source = home.column(condition.column).source
    if condition.value is True and condition.operator == "=":
        return source
    return f"{source} {condition.operator} {_sql_value(condition.value)}"


def aggregate_sql(aggregate: Aggregate, home: Table, when: str | None = None) -> str:
    """The aggregate over the rows of `visual_rows` (see powerbi.sql), only those matching `when` if given."""

    def only(value: str) -> str:
        return f"CASE WHEN {when} THEN {value} END" if when else value

    if isinstance(aggregate, CountRows):
        conditions = [c for c in (when, aggregate.where and condition_sql(aggregate.where, home)) if c]
        # COUNT(*) is never 0 within a group; a filtered count is blank where no row matches, as in DAX.
        return f"NULLIF(COUNT_IF({' AND '.join(conditions)}), 0)" if conditions else "COUNT(*)"
    if isinstance(aggregate, SumOf):
        return f"SUM({only(home.column(aggregate.column).source)})"
    if isinstance(aggregate, DistinctCount):
        return f"COUNT(DISTINCT {only(home.column(aggregate.column).source)})"
    if isinstance(aggregate, MinOf):
        return f"MIN({only(home.column(aggregate.column).source)})"
    if isinstance(aggregate, MaxOf):
        return f"MAX({only(home.column(aggregate.column).source)})"
    if isinstance(aggregate, Ratio):
        numerator = aggregate_sql(aggregate.numerator, home, when)
        return f"COALESCE({numerator}, 0) / NULLIF({aggregate_sql(aggregate.denominator, home, when)}, 0)"
    if isinstance(aggregate, ShareOfVisual):
        part = aggregate_sql(aggregate.part, home, when)
        return f"{part} / NULLIF((SELECT {aggregate_sql(aggregate.part, home)} FROM visual_rows), 0)"
    if isinstance(aggregate, CrossFilterBoth):
        return aggregate_sql(aggregate.of, home, when)  # the bridge's join is in `visual_rows` (powerbi.sql)
    day = _day_column(home, aggregate).source
    latest = f"{day} = (SELECT MAX({day}) FROM visual_rows)"
    return aggregate_sql(aggregate.of, home, f"{when} AND {latest}" if when else latest)
