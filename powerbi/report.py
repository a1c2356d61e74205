"""The report: pages of titled visuals, each a measure or two grouped by model columns, laid out on one grid.

`powerbi.pbir` renders a visual as a PBIR visual.json (the grid scaled to a 1280 x 720 page); `powerbi.sql`
renders the same visual as SQL for `local/dashboard.py`, which draws it on the same grid. A visual's measures
share one home table (`powerbi.semantic_model.Measure.table`); its columns come from that table or from a table
the relationships reach.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.model import ISSUE_ENTITY_ERROR, ISSUE_FALLBACK, ISSUE_PLAY_GAP, OUTCOME_DROPPED, OUTCOME_QUARANTINED
from contracts.raw_zone import TimeRange
from powerbi.semantic_model import DATE_COLUMN, DATE_TABLE, HOUR_COLUMN, HOUR_TABLE

CARD, LINE, COLUMN, BAR, TABLE = "card", "line", "column", "bar", "table"
VISUAL_KINDS = (CARD, LINE, COLUMN, BAR, TABLE)

GRID_COLUMNS = 12
GRID_ROWS = 14


@dataclass(frozen=True)
class Field:
    """A model column, e.g. Field("Listening history", "Track name")."""

    table: str
    column: str

    @property
    def label(self) -> str:
        return self.column


@dataclass(frozen=True)
class Place:
    """Where a visual sits on the page grid (GRID_COLUMNS wide, GRID_ROWS high), from the top left."""

    column: int
    row: int
    width: int
    height: int

    def __post_init__(self) -> None:
        if self.column < 0 or self.row < 0 or self.width < 1 or self.height < 1:
            raise ValueError(f"{self}: positions start at 0 and sizes at 1")
        if self.column + self.width > GRID_COLUMNS or self.row + self.height > GRID_ROWS:
            raise ValueError(f"{self} does not fit the {GRID_COLUMNS} x {GRID_ROWS} grid")


@dataclass(frozen=True)
class Filter:
    """Keep the rows whose `field` is one of `values` (a visual-level filter in Power BI)."""

    field: Field
    values: tuple[str, ...]


@dataclass(frozen=True)
class Sort:
    """Order by a measure (its name) or a grouping column."""

    by: str | Field
    descending: bool = False


@dataclass(frozen=True)
class Visual:
    name: str  # the PBIR visual name: letters, digits, _ and -
    title: str
    kind: str
    place: Place
    measures: tuple[str, ...] = ()
    group_by: tuple[Field, ...] = ()
    filters: tuple[Filter, ...] = ()
    sort: Sort | None = None
    # The dashboard lists the first `top` rows (and says how many there are); Power BI scrolls through all.
    top: int | None = None
    # A total (card value, chart subtitle, table total row): off where adding up rows means nothing.
    totals: bool = True

    def __post_init__(self) -> None:
        if self.kind not in VISUAL_KINDS:
            raise ValueError(f"visual {self.name}: unknown kind {self.kind!r}; use one of {VISUAL_KINDS}")
        if self.kind == CARD and (len(self.measures) != 1 or self.group_by):
            raise ValueError(f"visual {self.name}: a card shows exactly one measure and no columns")
        if self.kind in (LINE, COLUMN, BAR) and (len(self.group_by) != 1 or not self.measures):
            raise ValueError(f"visual {self.name}: a chart groups by one column and shows at least one measure")
        if self.kind == TABLE and not self.group_by:
            raise ValueError(f"visual {self.name}: a table needs at least one column")

    @property
    def fields(self) -> tuple[Field, ...]:
        """Every model column the visual reads: grouping, filters, sort."""
        sort_field = (self.sort.by,) if self.sort and isinstance(self.sort.by, Field) else ()
        return self.group_by + tuple(f.field for f in self.filters) + sort_field


@dataclass(frozen=True)
class Page:
    name: str
    title: str
    visuals: tuple[Visual, ...]


DAY = Field(DATE_TABLE, DATE_COLUMN)
# Every page filters its visuals by a range of these days: a date slicer at the top of each page in Power BI, synced
# across the pages (one selection for the report), and the date filter of the local dashboard. A visual's home table
# is filtered through its relationship to 'Date'; a table without one (Playlists) shows every row, as in Power BI.
DATE_FILTER = DAY
_HISTORY = "Listening history"
HOUR = Field(HOUR_TABLE, HOUR_COLUMN)  # all 24 hours of the day, whether played in or not


def _card(name: str, measure: str, column: int, width: int) -> Visual:
    return Visual(name, measure, CARD, Place(column, 0, width, 2), (measure,))


LISTENING_OVERVIEW = Page(
    "listening_overview",
    "Listening overview",
    (
        _card("plays_card", "Plays", 0, 2),
        _card("listening_minutes_card", "Listening minutes", 2, 2),
        _card("distinct_tracks_card", "Distinct tracks", 4, 2),
        _card("distinct_artists_card", "Distinct artists", 6, 2),
        _card("new_artists_card", "New artists", 8, 2),
        _card("explicit_share_card", "Explicit share", 10, 2),
        Visual(
            "listening_per_day",
            "Listening minutes and plays per day",
            LINE,
            Place(0, 2, 6, 6),
            ("Listening minutes", "Plays"),
            (DAY,),
            sort=Sort(DAY),
        ),
        Visual(
            "plays_by_hour",
            "Plays by hour of day (reporting time zone)",
            COLUMN,
            Place(6, 2, 6, 6),
            ("Plays",),
            (HOUR,),
            sort=Sort(HOUR),
        ),
        Visual(
            "release_decade_mix",
            "Release-decade mix of plays",
            COLUMN,
            Place(0, 8, 6, 6),
            ("Share of plays",),
            (Field(_HISTORY, "Release decade"),),
            sort=Sort(Field(_HISTORY, "Release decade")),
        ),
        Visual(
            "most_played_tracks",
            "Most played tracks",
            TABLE,
            Place(6, 8, 6, 6),
            ("Plays", "Listening minutes"),
            (Field(_HISTORY, "Track name"), Field(_HISTORY, "Main artist name")),
            sort=Sort("Plays", descending=True),
            top=10,
        ),
    ),
)

ARTISTS_AND_GENRES = Page(
    "artists_and_genres",
    "Artists and genres",
    (
        _card("artists_distinct_artists_card", "Distinct artists", 0, 4),
        _card("artists_new_artists_card", "New artists", 4, 4),
        _card("artists_plays_card", "Plays", 8, 4),
        Visual(
            "most_played_artists",
            "Most played artists",
            BAR,
            Place(0, 2, 6, 6),
            ("Plays",),
            (Field("Artists", "Artist name"),),
            sort=Sort("Plays", descending=True),
            top=10,
        ),
        Visual(
            "plays_by_genre",
            "Plays by genre of the main artist",
            BAR,
            Place(6, 2, 6, 6),
            ("Genre plays",),
            (Field("Artist genres", "Genre"),),
            sort=Sort("Genre plays", descending=True),
            top=10,
            totals=False,  # a play counts once per genre of its artist
        ),
        Visual(
            "new_artists_per_day",
            "Artists new to the listener per day",
            COLUMN,
            Place(0, 8, 6, 6),
            ("New artists",),
            (DAY,),
            sort=Sort(DAY),
        ),
        Visual(
            "artists_first_heard",
            "When each artist was first heard",
            TABLE,
            Place(6, 8, 6, 6),
            ("First heard", "Plays"),
            (Field("Artists", "Artist name"),),
            sort=Sort("First heard", descending=True),
            top=10,
            totals=False,
        ),
    ),
)

PLAYLISTS_AND_TOP_LISTS = Page(
    "playlists_and_top_lists",
    "Playlists and top lists",
    (
        _card("playlist_count_card", "Playlist count", 0, 3),
        _card("playlist_adds_card", "Playlist adds", 3, 3),
        _card("playlist_removals_card", "Playlist removals", 6, 3),
        _card("saved_track_count_card", "Saved track count", 9, 3),
        Visual(
            "playlist_changes_per_day",
            "Playlist adds and removals per day",
            COLUMN,
            Place(0, 2, 6, 6),
            ("Playlist adds", "Playlist removals"),
            (DAY,),
            sort=Sort(DAY),
        ),
        Visual(
            "playlist_sizes",
            "Playlist size at the latest snapshot",
            BAR,
            Place(6, 2, 6, 6),
            ("Latest playlist items",),
            (Field("Playlists", "Playlist name"),),
            sort=Sort("Latest playlist items", descending=True),
            top=10,
        ),
        Visual(
            "top_list_movement_per_day",
            "Top-list movement per day",
            COLUMN,
            Place(0, 8, 6, 6),
            ("Top-list climbers", "Top-list fallers", "Top-list new entries"),
            (DAY,),
            sort=Sort(DAY),
        ),
        Visual(
            "latest_short_term_top_tracks",
            "Short-term top tracks in the latest snapshot",
            TABLE,
            Place(6, 8, 6, 6),
            ("Latest rank", "Latest rank change"),
            (Field("Top items", "Item name"),),
            filters=(
                Filter(Field("Top items", "Time range"), (TimeRange.SHORT,)),
                Filter(Field("Top items", "Item type"), ("track",)),
            ),
            sort=Sort("Latest rank"),
            top=10,
            totals=False,
        ),
    ),
)

# Data quality: how complete each day's data is, from the run reports, the manifests and the loads. Each visual
# reads one table of the model (README "Reading the Data-quality page").
_OUTCOMES, _RUNS, _ISSUES, _LOADS = "Transform outcomes", "Extraction runs", "Extraction issues", "Table loads"

DATA_QUALITY = Page(
    "data_quality",
    "Data quality",
    (
        _card("rows_quarantined_card", "Rows quarantined", 0, 2),
        _card("rows_dropped_card", "Rows dropped", 2, 2),
        _card("entity_errors_card", "Entity errors", 4, 2),
        _card("play_gaps_card", "Play gaps", 6, 2),
        _card("partial_runs_card", "Partial runs", 8, 2),
        _card("rejected_rows_card", "Rejected rows", 10, 2),
        Visual(
            "transform_outcomes_per_day",
            "Rows quarantined and dropped per day",
            COLUMN,
            Place(0, 2, 6, 4),
            ("Rows quarantined", "Rows dropped", "Pages quarantined"),
            (DAY,),
            sort=Sort(DAY),
        ),
        Visual(
            "extraction_issues_per_day",
            "Entity errors, fallbacks, play gaps and partial runs per day",
            COLUMN,
            Place(6, 2, 6, 4),
            ("Entity errors", "Endpoint fallbacks", "Play gaps", "Partial runs"),
            (DAY,),
            sort=Sort(DAY),
        ),
        Visual(
            "rows_by_table_and_reason",
            "Quarantined and dropped, by table and rule or reason",
            TABLE,
            Place(0, 6, 6, 4),
            ("Rows quarantined", "Rows dropped", "Pages quarantined"),
            (Field(_OUTCOMES, "Table name"), Field(_OUTCOMES, "Reason")),
            filters=(Filter(Field(_OUTCOMES, "Outcome"), (OUTCOME_QUARANTINED, OUTCOME_DROPPED)),),
            sort=Sort("Rows quarantined", descending=True),
        ),
        Visual(
            "table_freshness",
            "Freshness: the last successful load of each table",
            TABLE,
            Place(6, 6, 6, 4),
            ("Last load", "Files loaded", "Rows loaded"),
            (Field(_LOADS, "Table name"),),
            sort=Sort(Field(_LOADS, "Table name")),
        ),
        Visual(
            "extraction_issue_list",
            "Entity errors, fallbacks and gaps in the play history",
            TABLE,
            Place(0, 10, 6, 4),
            ("Issues",),
            (
                Field(_ISSUES, "Issue type"),
                Field(_ISSUES, "Source"),
                Field(_ISSUES, "Entity ID"),
                Field(_ISSUES, "Gap from"),
                Field(_ISSUES, "Gap to"),
            ),
            filters=(Filter(Field(_ISSUES, "Issue type"), (ISSUE_ENTITY_ERROR, ISSUE_FALLBACK, ISSUE_PLAY_GAP)),),
            sort=Sort(Field(_ISSUES, "Issue type")),
            top=10,
        ),
        Visual(
            "rejected_rows_by_rule",
            "Rejected landing rows by table and rule",
            TABLE,
            Place(6, 10, 6, 4),
            ("Rejected rows",),
            (Field("Load rejects", "Table name"), Field("Load rejects", "Rule")),
            sort=Sort("Rejected rows", descending=True),
        ),
    ),
)

# Labels and release countries: Spotify's where it still gives them, MusicBrainz's where it does not (2026).
LABELS_AND_RELEASES = Page(
    "labels_and_releases",
    "Labels and releases",
    (
        _card("labels_plays_card", "Plays", 0, 4),
        _card("labels_distinct_tracks_card", "Distinct tracks", 4, 4),
        _card("labels_listening_minutes_card", "Listening minutes", 8, 4),
        Visual(
            "plays_by_label",
            "Plays by record label",
            BAR,
            Place(0, 2, 6, 6),
            ("Plays",),
            (Field("Albums", "Label"),),
            sort=Sort("Plays", descending=True),
            top=10,
        ),
        Visual(
            "plays_by_release_country",
            "Plays by release country",
            BAR,
            Place(6, 2, 6, 6),
            ("Plays",),
            (Field("Albums", "Release country"),),
            sort=Sort("Plays", descending=True),
            top=10,
        ),
        Visual(
            "plays_by_label_source",
            "Plays by where the label came from",
            TABLE,
            Place(0, 8, 6, 6),
            ("Plays",),
            (Field("Albums", "Label source"),),
            sort=Sort("Plays", descending=True),
        ),
        Visual(
            "plays_by_genre_source",
            "Plays by where the artist's genres came from",
            TABLE,
            Place(6, 8, 6, 6),
            ("Plays",),
            (Field("Artists", "Genres source"),),
            sort=Sort("Plays", descending=True),
        ),
    ),
)

# What the listener's history export makes possible: years of listening, skips and partial plays (empty until an
# export is imported: the API reports neither).
LISTENING_HISTORY = Page(
    "listening_history",
    "Listening over the years",
    (
        _card("history_plays_card", "Plays", 0, 3),
        _card("played_minutes_card", "Played minutes", 3, 3),
        _card("skipped_plays_card", "Skipped plays", 6, 3),
        _card("partial_plays_card", "Partial plays", 9, 3),
        Visual(
            "plays_per_year",
            "Plays and minutes really played per year",
            COLUMN,
            Place(0, 2, 12, 6),
            ("Plays", "Played minutes"),
            (Field(_HISTORY, "Played year"),),
            sort=Sort(Field(_HISTORY, "Played year")),
        ),
        Visual(
            "skips_per_year",
            "Skipped and partial plays per year",
            COLUMN,
            Place(0, 8, 8, 6),
            ("Skipped plays", "Partial plays"),
            (Field(_HISTORY, "Played year"),),
            sort=Sort(Field(_HISTORY, "Played year")),
        ),
        Visual(
            "plays_by_source",
            "Plays by who reported them",
            BAR,
            Place(8, 8, 4, 6),
            ("Plays",),
            (Field(_HISTORY, "Play source"),),
        ),
    ),
)

PAGES: tuple[Page, ...] = (
    LISTENING_OVERVIEW,
    ARTISTS_AND_GENRES,
    PLAYLISTS_AND_TOP_LISTS,
    DATA_QUALITY,
    LABELS_AND_RELEASES,
    LISTENING_HISTORY,
)
