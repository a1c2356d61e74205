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
over the file and the row's values, so the same input always gives the same output.

Candidates are the table's columns plus `drop_reason`, `preference`, `fetched_at` and `raw_record`. `classify`
decides them by aggregation, which collapses the many copies of an entity where they are found, and gives the
output rows and the counts from that compact result (`Classified`); the quarantine, rare at scale, is planned from
the candidates and computed only when there is something to quarantine, so the JSON copy of each object
(`raw_record`) is built only for the candidates that end there.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame, Row
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
    OUTCOME_DROPPED,
    OUTCOME_OUTPUT,
    OUTCOME_QUARANTINED,
    Table,
)
from contracts.processed_zone import PAGES_QUARANTINE

from .field_types import UNFIT_COLUMN, fits_type_rule
from .model_types import LINEAGE_COLUMNS, conform, data_columns
from .session import small_side

OUTPUT, QUARANTINED, DROPPED = OUTCOME_OUTPUT, OUTCOME_QUARANTINED, OUTCOME_DROPPED

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


def _key_columns(table: Table) -> list[str]:
    return [column for column in table.key if column not in LINEAGE_COLUMNS]


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
        frame = frame.join(small_side(keys), ["run_id", reference.column], "left")
        applies = F.col(reference.column).isNotNull()
        if reference.when is not None:
            applies = applies & (F.col(reference.when[0]) == reference.when[1])
        rules.append(Rule(reference.rule, applies & F.col(found).isNull()))
    return frame, rules


_RANKED_BY = "ranked_by_"  # the prefix of the preference's fields beside a row's columns (`_preference`)


def _preference(table: Table) -> dict[str, Column]:
    """A candidate's place among those with its key, least first: the most complete (its `preference`, then its
    non-null columns), then the latest fetched, then by file. The lineage the kept row carries rides along. The fields
    lead the struct whose least an aggregation keeps, side by side with the row's columns, named `_RANKED_BY` + a
    name: a struct nested in that struct would cost Spark's interpreted comparison a new comparator for every pair
    it compares (half the aggregations' time in a profile of 200k playlist items)."""
    described = [column for column in data_columns(table) if column not in table.key]
    completeness = functools.reduce(
        lambda total, column: total + F.col(column).isNotNull().cast("int"), described, F.lit(0)
    )
    ranks = {
        "preference_unknown": F.col("preference").isNull(),
        "preference": -F.col("preference"),
        "completeness": -completeness,
        "fetched_at_unknown": F.col("fetched_at").isNull(),
        "fetched_at": -F.unix_micros("fetched_at"),
        "source_file": F.col("source_file"),
        "ingest_date": F.col("ingest_date"),
    }
    return {_RANKED_BY + name: value.alias(_RANKED_BY + name) for name, value in ranks.items()}


def _decide(table: Table, ruled: DataFrame) -> DataFrame:
    """The compact decisions of `Classified`, from the ruled candidates, in one aggregation (two for a fact)."""
    key = _key_columns(table)
    competing = F.col("outcome").isNull()
    # A settled candidate (dropped or quarantined by a rule) is only counted: its key is left out of the group. The
    # key comes first: the aggregation sorts by its columns in order, and the key tells rows apart soonest.
    groups = ["run_id", "outcome", "reason"]
    grouping: list[Column | str] = [*(F.when(competing, F.col(column)).alias(column) for column in key), *groups]
    # Aggregating (rather than ranking every candidate in a window) collapses duplicates in each task before the
    # shuffle. The least (preference, content) is kept; the content orders exact ties, so the output is fixed.
    columns, ranks = data_columns(table), _preference(table)
    if table.name in _MERGED_ENTITIES:
        decided = ruled.groupBy(*grouping).agg(
            F.count(F.lit(1)).alias("candidates"),
            F.min(F.struct(*ranks.values(), *columns)).alias("kept"),
        )
        merged = F.col("candidates")
    else:
        # An event: first the copies of each content, so that the kept row knows how many candidates equal it.
        copies = ruled.groupBy(*grouping, F.struct(*columns).alias("content")).agg(
            F.count(F.lit(1)).alias("copies"), F.min(F.struct(*ranks.values())).alias("preference")
        )
        decided = copies.groupBy(*key, *groups).agg(
            F.sum("copies").alias("candidates"),
            F.min(
                F.struct(
                    *(F.col("preference")[n].alias(n) for n in ranks),
                    *(F.col("content")[c].alias(c) for c in columns),
                    "copies",
                )
            ).alias("kept"),
        )
        merged = F.col("kept.copies")
    kept = {column: F.col("kept")[column] for column in columns if column not in key}
    kept.update(
        source_file=F.col("kept")[_RANKED_BY + "source_file"], ingest_date=F.col("kept")[_RANKED_BY + "ingest_date"]
    )
    return decided.select(
        *groups,
        *key,
        "candidates",
        F.when(competing, merged).alias("merged"),
        *(F.when(competing, value).alias(name) for name, value in kept.items()),
    )


# The columns of every table's decisions that its counts are made of (`outcome_totals`), and the column that tells
# one table's decisions or counts from another's where several tables' are together.
DECISION_COUNTS = ("run_id", "outcome", "reason", "candidates", "merged")
TABLE_NAME = "table_name"


@dataclass(frozen=True)
class Classified:
    """A table's candidates, each with its outcome, in two forms.

    `decisions` is compact, one row per group of candidates that end alike: per key, the kept row (the table's
    columns), `candidates` (how many had the key) and `merged` (how many of those the kept row stands for: itself
    and its dropped duplicates; the rest conflict with it); and per documented drop or broken rule, how many
    candidates it took (`outcome`, `reason`, `candidates`; the key and row null). The output rows and the counts
    read only these. `ruled` is every candidate with the outcome its drop reason or a broken rule gives it (null
    when it competes for its key): a plan, computed only by the quarantine, when the counts say it has rows.
    """

    table: Table
    ruled: DataFrame
    decisions: DataFrame


def classify(table: Table, candidates: DataFrame, dimensions: Mapping[str, DataFrame] | None = None) -> Classified:
    """Decide the candidates' outcomes. `dimensions` maps each dimension the table references to that dimension's
    output rows (see `REFERENCES`)."""
    frame, reference_rules = _with_references(candidates, table, dimensions or {})
    rules = [*_key_rules(table), *value_rules(table), *reference_rules]
    # The first rule broken; a null comparison (an unknown value) breaks nothing. A value that did not fit its
    # column's type comes first: the other rules saw it as null (field_types.py).
    unfit = [F.concat(F.lit(fits_type_rule("")), F.col(UNFIT_COLUMN))] if UNFIT_COLUMN in candidates.columns else []
    broken = F.coalesce(*unfit, *(F.when(rule.breaks, F.lit(rule.name)) for rule in rules), F.lit(None).cast("string"))
    frame = frame.withColumn("_rule", F.when(F.col("drop_reason").isNull(), broken))
    ruled = frame.select(
        *candidates.columns,
        F.when(F.col("drop_reason").isNotNull(), F.lit(DROPPED))
        .when(F.col("_rule").isNotNull(), F.lit(QUARANTINED))
        .alias("outcome"),
        F.coalesce("drop_reason", "_rule").alias("reason"),
    )
    return Classified(table, ruled, _decide(table, ruled))


def output_rows(classified: Classified) -> DataFrame:
    """The rows to write: exactly the table's columns, typed as the contract says."""
    return conform(classified.decisions.where(F.col("outcome").isNull()), classified.table)


def outcome_totals(decisions: DataFrame, *by: str) -> DataFrame:
    """`Classified.decisions` (of one table, or of several told apart by the columns `by`, such as `TABLE_NAME`)
    summed per run, outcome and reason: `groups`, `candidates` and `merged` (`counted_outcomes` turns a row into
    counts); a few rows per table, whatever the data's size. It reads only `DECISION_COUNTS`."""
    return decisions.groupBy(*by, "run_id", "outcome", "reason").agg(
        F.count(F.lit(1)).alias("groups"),
        F.sum("candidates").alias("candidates"),
        F.sum("merged").alias("merged"),
    )


def counted_outcomes(total: Row) -> list[tuple[str, str | None, int]]:
    """`(outcome, reason, rows)` of one row of `outcome_totals`. The keys' groups (outcome null) give one output row
    each, their other merged candidates are `duplicate_key` drops and the rest `key_unique` quarantine; a settled
    group is its outcome and reason."""
    if total["outcome"] is not None:
        return [(total["outcome"], total["reason"], total["candidates"])]
    counted = [
        (OUTPUT, None, total["groups"]),
        (DROPPED, DUPLICATE_KEY, total["merged"] - total["groups"]),
        (QUARANTINED, KEY_UNIQUE, total["candidates"] - total["merged"]),
    ]
    return [entry for entry in counted if entry[2] > 0]


def quarantine_rows(classified: Classified) -> DataFrame:
    """Quarantined candidates as quarantine rows; `record` is `{"row": <the candidate>, "raw": <the object read>}`."""
    table, ruled = classified.table, classified.ruled
    quarantined = ruled.where(F.col("outcome") == QUARANTINED)
    if table.name not in _MERGED_ENTITIES:
        # An event whose key is kept with other values: compared with the kept row, found in the decisions.
        key = _key_columns(table)
        content = F.struct(*data_columns(table))
        # Fresh names for the kept row's columns: both sides of the join descend from the same candidates.
        kept = classified.decisions.where(F.col("outcome").isNull()).select(
            *(F.col(column).alias(column) for column in ("run_id", *key)), content.alias("_kept")
        )
        conflicting = (
            ruled.where(F.col("outcome").isNull())
            .join(kept, ["run_id", *key])
            .where(~content.eqNullSafe(F.col("_kept")))
            .select(*ruled.columns)
            .withColumn("reason", F.lit(KEY_UNIQUE))
        )
        quarantined = quarantined.unionByName(conflicting)
    row = F.to_json(F.struct(*data_columns(table)), {"ignoreNullFields": "false"})
    record = F.concat(
        F.lit('{"row":'), row, F.lit(',"raw":'), F.coalesce(F.col("raw_record"), F.lit("null")), F.lit("}")
    )
    return quarantined.select(
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
