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
class Measure:
    name: str
    table: str  # home table: the SQL form aggregates that table's view
    dax: str
    sql: str
    format: str
    description: str


@dataclass(frozen=True)
class Relationship:
    """Many rows of `from_table` to one row of `to_table`; filters flow from `to` to `from` (and back when
    `both_directions`, which lets a bridge table such as genres filter the facts through its dimension)."""

    from_table: str
    from_column: str
    to_table: str
    to_column: str
    both_directions: bool = False


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
        _date("Played date", "played_date", "Day of the play (UTC); filter by 'Date' instead"),
        Column("Played hour", "played_hour", WHOLE, "Hour of day the play started (UTC), 0 to 23"),
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
        Column("Played year", "played_year", WHOLE, "Year of the play (UTC): listening over the years"),
    ),
)

DAILY_LISTENING = Table(
    "Daily listening",
    "DAILY_LISTENING",
    "One row per day with plays; the model reads the count of artists heard for the first time that day",
    (
        _date("Played date", "played_date", "Day (UTC)"),
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
            "Day of the first play of a track crediting the artist in any position",
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
        _date("Saved date", "saved_date", "Day the track was saved (UTC); filter by 'Date' instead"),
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

# Calculated in the model: one row per day from the first to the last day any fact mentions.
DATE_DIMENSION = Table(
    DATE_TABLE,
    None,
    "One row per day from the first to the last day the plays, snapshots, saves and loads mention",
    (
        Column(DATE_COLUMN, "Date", DATE, "Day (UTC)", key=True),
        Column("Year", "Year", WHOLE, "Calendar year"),
        Column("Month", "Month", TEXT, "Year and month, e.g. 2026-03"),
        Column("Weekday", "Weekday", TEXT, "Day of the week, Mon to Sun", sort_by="Weekday number"),
        Column("Weekday number", "Weekday number", WHOLE, "1 = Monday to 7 = Sunday", hidden=True),
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
    DATE_DIMENSION,
)

RELATIONSHIPS: tuple[Relationship, ...] = (
    Relationship("Listening history", "Played date", DATE_TABLE, DATE_COLUMN),
    Relationship("Listening history", "Track ID", "Tracks", "Track ID"),
    Relationship("Listening history", "Main artist ID", "Artists", "Artist ID"),
    Relationship("Daily listening", "Played date", DATE_TABLE, DATE_COLUMN),
    Relationship("Tracks", "Album ID", "Albums", "Album ID"),
    Relationship("Artist genres", "Artist ID", "Artists", "Artist ID", both_directions=True),
    Relationship("Saved tracks", "Saved date", DATE_TABLE, DATE_COLUMN),
    Relationship("Saved tracks", "Track ID", "Tracks", "Track ID"),
    Relationship("Top items", "Snapshot date", DATE_TABLE, DATE_COLUMN),
    Relationship("Playlist items", "Snapshot date", DATE_TABLE, DATE_COLUMN),
    Relationship("Playlist items", "Playlist ID", "Playlists", "Playlist ID"),
    Relationship("Playlist changes", "Snapshot date", DATE_TABLE, DATE_COLUMN),
    Relationship("Playlist changes", "Playlist ID", "Playlists", "Playlist ID"),
    Relationship("Load rejects", "Ingest date", DATE_TABLE, DATE_COLUMN),
)

# The latest snapshot among the rows the visual shows: ALLSELECTED in DAX, the whole `visual_rows` in SQL.
_LATEST_TOP_SNAPSHOT_DAX = """VAR LatestSnapshot =
    CALCULATE ( MAX ( 'Top items'[Snapshot date] ), ALLSELECTED ( 'Top items' ) )
RETURN
    CALCULATE ( {aggregate}, 'Top items'[Snapshot date] = LatestSnapshot )"""
_LATEST_TOP_SNAPSHOT_SQL = "snapshot_date = (SELECT MAX(snapshot_date) FROM visual_rows)"

MEASURES: tuple[Measure, ...] = (
    Measure(
        "Plays",
        "Listening history",
        "COUNTROWS ( 'Listening history' )",
        "COUNT(*)",
        "#,0",
        "Tracks played. Spotify returns at most the last 50 plays per daily run.",
    ),
    Measure(
        "Listening minutes",
        "Listening history",
        "SUM ( 'Listening history'[Track minutes] )",
        "SUM(track_minutes)",
        "#,0",
        "Sum of the played tracks' lengths: the API does not say how long a play lasted.",
    ),
    Measure(
        "Distinct tracks",
        "Listening history",
        "DISTINCTCOUNT ( 'Listening history'[Track ID] )",
        "COUNT(DISTINCT track_id)",
        "#,0",
        "Different tracks played.",
    ),
    Measure(
        "Distinct artists",
        "Listening history",
        "DISTINCTCOUNTNOBLANK ( 'Listening history'[Main artist ID] )",
        "COUNT(DISTINCT main_artist_id)",
        "#,0",
        "Different main artists played.",
    ),
    Measure(
        "Explicit share",
        "Listening history",
        # + 0: no explicit play is a share of 0, not blank; no play at all stays blank.
        "DIVIDE ( CALCULATE ( [Plays], 'Listening history'[Explicit] = TRUE () ) + 0, [Plays] )",
        "COUNT_IF(explicit) / NULLIF(COUNT(*), 0)",
        "0.0%",
        "Share of plays with explicit lyrics.",
    ),
    Measure(
        "Skipped plays",
        "Listening history",
        "CALCULATE ( COUNTROWS ( 'Listening history' ), 'Listening history'[Skipped] = TRUE () )",
        "NULLIF(COUNT_IF(skipped), 0)",
        "#,0",
        "Plays the listener skipped to the next track; known from the history export only.",
    ),
    Measure(
        "Partial plays",
        "Listening history",
        "CALCULATE ( COUNTROWS ( 'Listening history' ), 'Listening history'[Partial play] = TRUE () )",
        "NULLIF(COUNT_IF(partial_play), 0)",
        "#,0",
        "Streams under 30 s, which the API never lists; known from the history export only.",
    ),
    Measure(
        "Played minutes",
        "Listening history",
        "SUM ( 'Listening history'[Stream minutes] )",
        "SUM(played_minutes)",
        "#,0",
        "Minutes the streams really played; known from the history export only (see Listening minutes).",
    ),
    Measure(
        "Share of plays",
        "Listening history",
        "DIVIDE ( [Plays], CALCULATE ( [Plays], ALLSELECTED () ) )",
        "COUNT(*) / NULLIF((SELECT COUNT(*) FROM visual_rows), 0)",
        "0.0%",
        "Plays as a share of all plays the visual shows (by release decade: the release-decade mix).",
    ),
    Measure(
        "First heard",
        "Listening history",
        "CALCULATE ( MIN ( 'Listening history'[Played date] ), REMOVEFILTERS ( 'Date' ) )",
        "MIN(played_date)",
        "yyyy-mm-dd",
        "Day of the first play in the history the warehouse holds, whatever the dates selected.",
    ),
    Measure(
        "New artists",
        "Daily listening",
        "SUM ( 'Daily listening'[New artist count] )",
        "SUM(new_artists)",
        "#,0",
        "Main artists played for the first time in the history the warehouse holds (artists new to the listener).",
    ),
    Measure(
        "Top-list climbers",
        "Top items",
        "CALCULATE ( COUNTROWS ( 'Top items' ), 'Top items'[Rank change] > 0 )",
        "NULLIF(COUNT_IF(rank_change > 0), 0)",
        "#,0",
        "Top-list entries ranked higher than in the previous snapshot of their list.",
    ),
    Measure(
        "Top-list fallers",
        "Top items",
        "CALCULATE ( COUNTROWS ( 'Top items' ), 'Top items'[Rank change] < 0 )",
        "NULLIF(COUNT_IF(rank_change < 0), 0)",
        "#,0",
        "Top-list entries ranked lower than in the previous snapshot of their list.",
    ),
    Measure(
        "Top-list new entries",
        "Top items",
        "CALCULATE ( COUNTROWS ( 'Top items' ), 'Top items'[Is new entry] = TRUE () )",
        "NULLIF(COUNT_IF(is_new_entry), 0)",
        "#,0",
        "Top-list entries absent from the previous snapshot of their list.",
    ),
    Measure(
        "Latest rank",
        "Top items",
        _LATEST_TOP_SNAPSHOT_DAX.format(aggregate="MIN ( 'Top items'[Rank] )"),
        f"MIN(CASE WHEN {_LATEST_TOP_SNAPSHOT_SQL} THEN rank END)",
        "0",
        "Rank in the latest snapshot the visual shows (empty if the item is no longer listed).",
    ),
    Measure(
        "Latest rank change",
        "Top items",
        _LATEST_TOP_SNAPSHOT_DAX.format(aggregate="SUM ( 'Top items'[Rank change] )"),
        f"SUM(CASE WHEN {_LATEST_TOP_SNAPSHOT_SQL} THEN rank_change END)",
        _SIGNED_FORMAT,
        "Places moved in the latest snapshot the visual shows; positive means up, empty for new entries.",
    ),
    Measure(
        "Playlist adds",
        "Playlist changes",
        "CALCULATE ( COUNTROWS ( 'Playlist changes' ), 'Playlist changes'[Change type] = \"added\" )",
        "NULLIF(COUNT_IF(change_type = 'added'), 0)",
        "#,0",
        "Items added to playlists between consecutive snapshots.",
    ),
    Measure(
        "Playlist removals",
        "Playlist changes",
        "CALCULATE ( COUNTROWS ( 'Playlist changes' ), 'Playlist changes'[Change type] = \"removed\" )",
        "NULLIF(COUNT_IF(change_type = 'removed'), 0)",
        "#,0",
        "Items removed from playlists between consecutive snapshots.",
    ),
    Measure(
        "Playlist count",
        "Playlists",
        "COUNTROWS ( Playlists )",
        "COUNT(*)",
        "#,0",
        "Playlists read.",
    ),
    Measure(
        "Latest playlist items",
        "Playlists",
        "SUM ( Playlists[Latest item count] )",
        "SUM(latest_item_count)",
        "#,0",
        "Items in the playlists' latest snapshots.",
    ),
    Measure(
        "Saved track count",
        "Saved tracks",
        "COUNTROWS ( 'Saved tracks' )",
        "COUNT(*)",
        "#,0",
        "Tracks saved in the listener's library.",
    ),
    Measure(
        "Rejected rows",
        "Load rejects",
        "SUM ( 'Load rejects'[Rejected row count] )",
        "SUM(rejected_rows)",
        "#,0",
        "Landing rows that broke a rule and were kept out of the final tables.",
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
    return f"""VAR Days =
    {{
{bounds}
    }}
VAR FirstDay = COALESCE ( MINX ( Days, [Value] ), TODAY () )
VAR LastDay = COALESCE ( MAXX ( Days, [Value] ), TODAY () )
RETURN
    ADDCOLUMNS (
        CALENDAR ( FirstDay, LastDay ),
        "Year", YEAR ( [Date] ),
        "Month", FORMAT ( [Date], "yyyy-mm" ),
        "Weekday", FORMAT ( [Date], "ddd" ),
        "Weekday number", WEEKDAY ( [Date], 2 )
    )"""
