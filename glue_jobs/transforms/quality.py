"""Data quality: every candidate row of a table ends in exactly one outcome, so nothing disappears silently.

A table's candidates (from `tables`) are classified in this order, the first that applies deciding:

1. a documented drop the candidate already carries (`drop_reason`): a local file, a removed track;
2. a row rule it breaks -> quarantined with the rule's name: key columns not null (from the contract), values in
   range (duration > 0, release year plausible, rank 1..50 ...), and references from facts and bridges to the
   dimension rows this same run outputs (a play of a track that is not in `dim_track` ...). Dimensions refer to
   each other without a rule: a track keeps its album id even when that album's row is quarantined;
3. one row per key and run: the preferred candidate is output. The others are `duplicate_key` drops, except in a
   fact table, where a candidate that disagrees with the kept row on the same key is quarantined (`key_unique`):
   an entity seen twice is merged, an event reported twice with different values is a question for a human.

The preferred candidate is the most complete one (the candidate's `preference`, e.g. a full album object over the
simplified one inside a track; then the number of non-null columns), then the latest fetched, then a fixed order
over the file and record, so the same input always gives the same output.

Candidates are the table's columns plus `drop_reason`, `preference`, `fetched_at` and `raw_record`; the classified
frame adds `outcome` (`OUTPUT`, `QUARANTINED`, `DROPPED`) and `reason` (the rule or the drop reason).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from contracts.model import (
    BRIDGE_ALBUM_ARTIST,
    BRIDGE_TRACK_ARTIST,
    DIM_ALBUM,
    DIM_ARTIST,
    DIM_PLAYLIST,
    DIM_TRACK,
    FACT_PLAY,
    FACT_PLAYLIST_ITEM,
    FACT_SAVED_TRACK,
    FACT_TOP_ITEM,
    Table,
)
from contracts.processed_zone import PAGES_QUARANTINE

from .model_types import LINEAGE_COLUMNS, conform, data_columns

OUTPUT = "output"
QUARANTINED = "quarantined"
DROPPED = "dropped"

# Documented drops: counted in the run report, not quarantined.
LOCAL_FILE = "local_file"  # a local file in a playlist or play history: it has no Spotify id
REMOVED_ITEM = "removed_item"  # the API returned null where a track or episode was (removed from the catalog)
DUPLICATE_KEY = "duplicate_key"  # another candidate with the same key was kept

# Quarantine rules besides `<column>_not_null` and `references_<table>`.
KEY_UNIQUE = "key_unique"
DURATION_POSITIVE = "duration_ms_positive"
POPULARITY_IN_RANGE = "popularity_in_range"
FOLLOWERS_NOT_NEGATIVE = "followers_not_negative"
RELEASE_YEAR_PLAUSIBLE = "release_year_plausible"
TOTAL_TRACKS_POSITIVE = "total_tracks_positive"
RANK_IN_RANGE = "rank_in_range"
ITEM_TYPE_KNOWN = "item_type_known"
ITEM_ID_NOT_NULL = "item_id_not_null"

EARLIEST_RELEASE_YEAR = 1900  # older dates in the catalog are placeholders such as "0000"
TOP_RANKS = (1, 50)  # /me/top serves at most 50 items per time range

# Entities seen in many pages are merged into one row; events and snapshots are not (see the module docstring).
_MERGED_ENTITIES = frozenset(
    t.name for t in (DIM_TRACK, DIM_ALBUM, DIM_ARTIST, DIM_PLAYLIST, BRIDGE_TRACK_ARTIST, BRIDGE_ALBUM_ARTIST)
)


@dataclass(frozen=True)
class Rule:
    name: str
    breaks: Column  # true when a row breaks the rule; null (an unknown value) does not break it


@dataclass(frozen=True)
class Reference:
    """Rows of a table must reference a row the same run outputs in `table` (a dimension)."""

    column: str
    table: Table
    # Only rows whose `when[0]` column equals `when[1]` refer to `table` (a top item is a track or an artist).
    when: tuple[str, str] | None = None

    @property
    def rule(self) -> str:
        return f"references_{self.table.name}"


REFERENCES: dict[str, tuple[Reference, ...]] = {
    BRIDGE_TRACK_ARTIST.name: (Reference("track_id", DIM_TRACK), Reference("artist_id", DIM_ARTIST)),
    BRIDGE_ALBUM_ARTIST.name: (Reference("album_id", DIM_ALBUM), Reference("artist_id", DIM_ARTIST)),
    FACT_PLAYLIST_ITEM.name: (Reference("playlist_id", DIM_PLAYLIST), Reference("track_id", DIM_TRACK)),
    FACT_PLAY.name: (Reference("track_id", DIM_TRACK),),
    FACT_TOP_ITEM.name: (
        Reference("item_id", DIM_TRACK, when=("item_type", "track")),
        Reference("item_id", DIM_ARTIST, when=("item_type", "artist")),
    ),
    FACT_SAVED_TRACK.name: (Reference("track_id", DIM_TRACK),),
}


def _outside(name: str, low: int, high: Column | int) -> Column:
    return (F.col(name) < low) | (F.col(name) > high)


def value_rules(table: Table) -> tuple[Rule, ...]:
    """The table's range and consistency rules (built per call: a Column needs an active session)."""
    popularity = Rule(POPULARITY_IN_RANGE, _outside("popularity", 0, 100))
    item_type = F.col("item_type")
    rules = {
        DIM_TRACK.name: (Rule(DURATION_POSITIVE, F.col("duration_ms") <= 0), popularity),
        DIM_ALBUM.name: (
            Rule(
                RELEASE_YEAR_PLAUSIBLE,
                _outside("release_year", EARLIEST_RELEASE_YEAR, F.year("ingest_date") + 1),
            ),
            Rule(TOTAL_TRACKS_POSITIVE, F.col("total_tracks") <= 0),
        ),
        DIM_ARTIST.name: (popularity, Rule(FOLLOWERS_NOT_NEGATIVE, F.col("followers") < 0)),
        FACT_PLAYLIST_ITEM.name: (
            Rule(ITEM_TYPE_KNOWN, ~item_type.isin("track", "episode")),
            Rule(
                ITEM_ID_NOT_NULL,
                ((item_type == "track") & F.col("track_id").isNull())
                | ((item_type == "episode") & F.col("episode_id").isNull()),
            ),
        ),
        FACT_TOP_ITEM.name: (
            Rule(ITEM_TYPE_KNOWN, ~item_type.isin("track", "artist")),
            Rule(RANK_IN_RANGE, _outside("rank", *TOP_RANKS)),
        ),
    }
    return rules.get(table.name, ())


def _key_rules(table: Table) -> list[Rule]:
    return [
        Rule(f"{column.name}_not_null", F.col(column.name).isNull())
        for column in table.columns
        if not column.nullable and column.name not in LINEAGE_COLUMNS
    ]


def _with_references(
    candidates: DataFrame, table: Table, dimensions: Mapping[str, DataFrame]
) -> tuple[DataFrame, list[Rule]]:
    """Left-join each referenced dimension's keys of the same run; a rule per reference."""
    frame, rules = candidates, []
    for index, reference in enumerate(REFERENCES.get(table.name, ())):
        found = f"_found_{index}"
        keys = dimensions[reference.table.name].select(
            "run_id", F.col(reference.table.key[0]).alias(reference.column), F.lit(True).alias(found)
        )
        frame = frame.join(keys, ["run_id", reference.column], "left")
        applies = F.col(reference.column).isNotNull()
        if reference.when is not None:
            applies = applies & (F.col(reference.when[0]) == reference.when[1])
        rules.append(Rule(reference.rule, applies & F.col(found).isNull()))
    return frame, rules


def classify(table: Table, candidates: DataFrame, dimensions: Mapping[str, DataFrame] | None = None) -> DataFrame:
    """The candidates with their `outcome` and `reason`. `dimensions` maps each dimension the table references
    to that dimension's output rows (see `REFERENCES`)."""
    frame, reference_rules = _with_references(candidates, table, dimensions or {})
    rules = [*_key_rules(table), *value_rules(table), *reference_rules]
    # The first rule broken; a null comparison (an unknown value) breaks nothing.
    broken = F.coalesce(*(F.when(rule.breaks, F.lit(rule.name)) for rule in rules), F.lit(None).cast("string"))
    frame = frame.withColumn("_rule", F.when(F.col("drop_reason").isNull(), broken))
    frame = frame.withColumn("_eligible", F.col("drop_reason").isNull() & F.col("_rule").isNull())

    key = [column for column in table.key if column not in LINEAGE_COLUMNS]
    described = [column for column in data_columns(table) if column not in table.key]
    completeness = functools.reduce(
        lambda total, column: total + F.col(column).isNotNull().cast("int"), described, F.lit(0)
    )
    preferred_first = Window.partitionBy("run_id", "_eligible", *key).orderBy(
        F.col("preference").desc(),
        completeness.desc(),
        F.col("fetched_at").desc_nulls_last(),
        "source_file",
        "raw_record",
    )
    content = F.struct(*data_columns(table))
    rank = F.row_number().over(preferred_first)
    same_as_kept = content.eqNullSafe(F.first(content).over(preferred_first))
    merged = table.name in _MERGED_ENTITIES
    outcome = (
        F.when(F.col("drop_reason").isNotNull(), F.lit(DROPPED))
        .when(F.col("_rule").isNotNull(), F.lit(QUARANTINED))
        .when(rank == 1, F.lit(OUTPUT))
        .when(F.lit(merged) | same_as_kept, F.lit(DROPPED))
        .otherwise(F.lit(QUARANTINED))
    )
    reason = (
        F.when(F.col("drop_reason").isNotNull(), F.col("drop_reason"))
        .when(F.col("_rule").isNotNull(), F.col("_rule"))
        .when(rank == 1, F.lit(None).cast("string"))
        .when(F.lit(merged) | same_as_kept, F.lit(DUPLICATE_KEY))
        .otherwise(F.lit(KEY_UNIQUE))
    )
    return frame.select(*candidates.columns, outcome.alias("outcome"), reason.alias("reason"))


def output_rows(classified: DataFrame, table: Table) -> DataFrame:
    """The rows to write: exactly the table's columns, typed as the contract says."""
    return conform(classified.where(F.col("outcome") == OUTPUT), table)


def quarantine_rows(classified: DataFrame, table: Table) -> DataFrame:
    """Quarantined candidates as quarantine rows; `record` is `{"row": <the candidate>, "raw": <the object read>}`."""
    row = F.to_json(F.struct(*data_columns(table)), {"ignoreNullFields": "false"})
    record = F.concat(
        F.lit('{"row":'), row, F.lit(',"raw":'), F.coalesce(F.col("raw_record"), F.lit("null")), F.lit("}")
    )
    return classified.where(F.col("outcome") == QUARANTINED).select(
        F.lit(table.name).alias("table_name"),
        F.col("reason").alias("rule"),
        record.alias("record"),
        "run_id",
        "ingest_date",
        "source_file",
    )


def page_quarantine_rows(pages: DataFrame) -> DataFrame:
    """Raw lines that break a page rule, as quarantine rows with the line itself as the record."""
    return pages.where(F.col("page_rule").isNotNull()).select(
        F.lit(PAGES_QUARANTINE).alias("table_name"),
        F.col("page_rule").alias("rule"),
        "record",
        "run_id",
        "ingest_date",
        "source_file",
    )
