"""The one read of the raw data: every line of the listed page files, parsed once with its source's schema.

`read_pages` reads exactly the files it is given, as text, in one scan. A small table of those files (known from
the manifests) tells each line its source and run, so a line is parsed once, with the explicit schema of its
source, into the column named after that source; the other sources' columns stay null. Page-level checks
(a line that is not an envelope, a body that was not JSON ...) name the rule a bad line breaks; such lines go to
the quarantine with the line itself, and never reach a model table.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import DateType, StringType, StructField, StructType

from contracts.raw_zone import CAPTURES_ROOT, RAW_ROOT, Source

from .field_types import CORRUPT_FIELD, CORRUPT_OPTIONS, UNFIT_PAGE, name_unfit_fields, with_corrupt_field
from .schemas import envelope
from .session import driver_rows

SOURCES = Source.ALL

# Page rules, in the order they are checked; the first one a line breaks is its quarantine rule.
MALFORMED_ENVELOPE = "malformed_envelope"  # not a JSON object with a `source`
SOURCE_MISMATCH = "source_mismatch"  # the envelope's source is not the one its file is listed under
ERROR_STATUS = "error_status"  # the API answered an error, not a page
MALFORMED_RESPONSE = "malformed_response"  # the body was not JSON (`response` null, `response_text` set)
UNREADABLE_RECORDS = "unreadable_records"  # a list of records in the body does not fit its schema (see below)
# Then `fits_type:<field>`: a value of the wrong type (a string where the API gives a number ...), see field_types;
# `read_pages` marks such a line `UNFIT_PAGE` and `name_unfit_pages` names the field.

# Where each source's body holds its lists of records (keys from `response`). Spark parses a value of the wrong type
# as null, and a list with one element of the wrong type as a null list: without this check such a page would look
# good and every record in it would vanish. A list that is there but parses as null quarantines the whole page.
RECORD_LISTS: dict[str, tuple[tuple[str, ...], ...]] = {
    Source.RECENTLY_PLAYED: (("items",),),
    Source.TOP_TRACKS: (("items",),),
    Source.TOP_ARTISTS: (("items",),),
    Source.SAVED_TRACKS: (("items",),),
    Source.USER_PLAYLISTS: (("items",),),
    Source.PLAYLISTS: (("items", "items"), ("tracks", "items")),
    Source.PLAYLIST_ITEMS: (("items",),),
    Source.ARTISTS: (("artists",),),
    Source.ALBUMS: (("albums",), ("tracks", "items")),
    Source.ALBUM_TRACKS: (("items",),),
    Source.SEARCH: (("tracks", "items"), ("artists", "items"), ("albums", "items"), ("playlists", "items")),
    Source.MUSICBRAINZ_RECORDINGS: (("recordings",),),
    Source.HISTORY_EXPORT: (("items",),),
    Source.TRACKS: (("tracks",),),
}

# A raw key is the tail of the path Spark reports for the file (`file:/...` locally, `s3://bucket/...` in Glue).
# A capture's files (handed off by a daily run) sit under the captures prefix instead of a run's.
_RAW_KEY = (
    rf"({re.escape(RAW_ROOT)}/(?:ingest_date=[^/]+/run_id=[^/]+"
    rf"|{re.escape(CAPTURES_ROOT.removeprefix(RAW_ROOT + '/'))}/capture_date=[^/]+/capture_id=[^/]+)/.+)$"
)

_FILES_SCHEMA = StructType(
    [
        StructField("source_file", StringType(), nullable=False),
        StructField("source", StringType(), nullable=False),
        StructField("run_id", StringType(), nullable=False),
        StructField("ingest_date", DateType(), nullable=False),
    ]
)


@dataclass(frozen=True)
class RawFile:
    """One page file a manifest lists, with where to read it and what the manifest says about it."""

    uri: str
    key: str
    source: str
    run_id: str
    ingest_date: str
    lines: int
    bytes: int
    sha256: str


def raw_key(path: Column) -> Column:
    """The raw-bucket key of a file from the path Spark reports for it."""
    return F.regexp_extract(path, _RAW_KEY, 1)


def _of_row_source(field: str, check: Callable[[Column], Column] = lambda value: value) -> Column:
    """`check(field)` of the envelope in the line's own source column."""
    return F.coalesce(*(F.when(F.col("source") == source, check(F.col(source)[field])) for source in SOURCES))


def _unreadable_records() -> Column:
    """True when the line's body holds a list of records (by `RECORD_LISTS`) that its source's schema read as null."""
    checks = []
    for source, paths in RECORD_LISTS.items():
        broken = []
        for path in paths:
            parent = F.col(source)["response"]
            for key in path[:-1]:
                parent = parent[key]
            in_line = F.get_json_object(F.col("line"), "$.response." + ".".join(path))
            # The line is searched only where the parsed list is null inside a parsed parent: a good page is not
            # parsed a second time, nor is a page whose body has the other shape (`playlists` pages hold their
            # first items under `items` or `tracks`, never both). A parent that itself does not fit its type marks
            # the line for `fits_type` instead (Spark keeps what fits around a value that does not).
            broken.append(parent.isNotNull() & parent[path[-1]].isNull() & in_line.isNotNull())
        checks.append(F.when(F.col("source") == source, functools.reduce(Column.__or__, broken)))
    return F.coalesce(*checks)


def read_pages(spark: SparkSession, files: Sequence[RawFile]) -> DataFrame:
    """One row per line of `files`: lineage, `fetched_at`, `page_rule` (null for a good page), `record` (the line,
    kept only when the page is quarantined) and one envelope column per source."""
    if files:
        lines = spark.read.text([f.uri for f in files]).select(
            F.col("value").alias("line"), raw_key(F.col("_metadata.file_path")).alias("source_file")
        )
    else:
        lines = spark.createDataFrame([], "line string, source_file string")
    listed = driver_rows(
        spark, [(f.key, f.source, f.run_id, date.fromisoformat(f.ingest_date)) for f in files], _FILES_SCHEMA
    )
    parsed = lines.join(F.broadcast(listed), "source_file").select(
        "source_file",
        "source",
        "run_id",
        "ingest_date",
        "line",
        *(
            F.when(
                F.col("source") == source, F.from_json("line", with_corrupt_field(envelope(source)), CORRUPT_OPTIONS)
            ).alias(source)
            for source in SOURCES
        ),
    )
    envelope_source = _of_row_source("source")
    status = _of_row_source("status")
    page_rule = (
        F.when(envelope_source.isNull(), F.lit(MALFORMED_ENVELOPE))
        .when(envelope_source != F.col("source"), F.lit(SOURCE_MISMATCH))
        .when(~status.between(200, 299), F.lit(ERROR_STATUS))
        .when(_of_row_source("response", Column.isNull), F.lit(MALFORMED_RESPONSE))
        .when(_unreadable_records(), F.lit(UNREADABLE_RECORDS))
        .when(_of_row_source(CORRUPT_FIELD).isNotNull(), F.lit(UNFIT_PAGE))
    )
    # A line that is an envelope is kept as it is; anything else is wrapped so the record stays JSON.
    record = F.when(
        page_rule.isNotNull(),
        F.when(envelope_source.isNotNull(), F.col("line")).otherwise(F.to_json(F.struct("line"))),
    )
    # One projection over the parsed lines (the rule is evaluated once, as a common subexpression): each projection
    # of these wide rows copies every envelope and is compiled from a large generated class.
    return parsed.select(
        "source_file",
        "source",
        "run_id",
        "ingest_date",
        F.try_to_timestamp(_of_row_source("fetched_at")).alias("fetched_at"),
        page_rule.alias("page_rule"),
        record.alias("record"),
        *SOURCES,
    )


def name_unfit_pages(pages: DataFrame) -> DataFrame:
    """`pages` with the field named on each page the reader marked `UNFIT_PAGE` (field_types.py); run only when
    there is such a page, which a healthy day does not have."""
    return name_unfit_fields(pages, "page_rule", {source: envelope(source) for source in SOURCES})


def valid_pages(pages: DataFrame, source: str) -> DataFrame:
    """The good pages of one source: lineage, `fetched_at` and the envelope as `page`."""
    return pages.where((F.col("source") == source) & F.col("page_rule").isNull()).select(
        "run_id", "ingest_date", "source_file", "fetched_at", F.col(source).alias("page")
    )
