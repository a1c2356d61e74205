"""Each function of transforms/musicbrainz.py, and the MusicBrainz table functions of transforms/tables.py, on
tiny inline MusicBrainz pages: the chosen recording of an ISRC, its releases (with or without a label) and its
artist credits with their genres."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.types import DateType, StringType, StructField, StructType, TimestampType
from pyspark.testing import assertDataFrameEqual

from contracts.model import MUSICBRAINZ_RECORDING, Table
from contracts.raw_zone import Source
from transforms import musicbrainz, tables
from transforms.schemas import envelope

RUN_ID = "20261124T061500Z-0a1b2c3d"
INGEST_DATE = date(2026, 11, 24)
FETCHED_AT = datetime(2026, 11, 24, 6, 15, tzinfo=UTC)
MB = Source.MUSICBRAINZ_RECORDINGS
_PAGES_SCHEMA = StructType(
    [
        StructField("source_file", StringType()),
        StructField("source", StringType()),
        StructField("run_id", StringType()),
        StructField("ingest_date", DateType()),
        StructField("fetched_at", TimestampType()),
        StructField("page_rule", StringType()),
        *(StructField(source, envelope(source)) for source in Source.ALL),
    ]
)
PROVENANCE = (RUN_ID, INGEST_DATE, "musicbrainz_recordings/0", FETCHED_AT)


def pages_frame(spark: SparkSession, *responses: dict[str, Any]) -> DataFrame:
    """MusicBrainz pages as `read_pages` gives them, the `n`th in file `musicbrainz_recordings/<n>`."""
    rows = []
    for n, response in enumerate(responses):
        body = {"source": MB, "entity_id": response.get("isrc"), "status": 200, "response": response}
        rows.append(
            (f"{MB}/{n}", MB, RUN_ID, INGEST_DATE, FETCHED_AT, None, *(body if s == MB else None for s in Source.ALL))
        )
    return spark.createDataFrame(rows, _PAGES_SCHEMA)


def release(release_id: str, title: str, label: str | None, country: str = "GB") -> dict[str, Any]:
    label_info = [{"catalog-number": "X-1", "label": {"id": f"lab-{label}", "name": label}}] if label else []
    return {"id": release_id, "title": title, "status": "Official", "date": "2011", "country": country,
            "label-info": label_info}  # fmt: skip


def credit(artist_id: str, name: str, *genres: tuple[str, int]) -> dict[str, Any]:
    artist = {"id": artist_id, "name": name, "genres": [{"id": g, "name": g, "count": c} for g, c in genres]}
    return {"name": name, "joinphrase": "", "artist": artist}


ORIGINAL = {
    "id": "rec-original",
    "title": "Skinny Love",
    "length": 238_000,
    "genres": [{"id": "g1", "name": "indie folk", "count": 2}, {"id": "g2", "name": "folk", "count": 5}],
    "artist-credit": [credit("art-1", "Bon Iver", ("folk", 4)), credit("art-2", "Guest", ("indie", 1))],
    "releases": [release("rel-single", "Skinny Love", "Jagjaguwar"), release("rel-album", "For Emma", None, "XW")],
}
REMASTER = {
    **ORIGINAL,
    "id": "rec-a-remaster",
    "title": "Skinny Love (remaster)",
    "releases": [release("rel-re", "Re", None)],
}


def test_the_recording_on_most_releases_is_chosen_when_an_isrc_has_several(spark: SparkSession) -> None:
    found = musicbrainz.lookups(pages_frame(spark, {"isrc": "usjag0800001", "recordings": [REMASTER, ORIGINAL]}))

    assertDataFrameEqual(
        musicbrainz.recording_records(found).drop("raw_record"),
        spark.createDataFrame(
            [(*PROVENANCE, "USJAG0800001", "rec-original", "Skinny Love", 2, ["folk", "indie folk"])],
            "run_id string, ingest_date date, source_file string, fetched_at timestamp, isrc string, "
            "musicbrainz_recording_id string, recording_title string, recordings_found int, genres array<string>",
        ),
    )


def test_every_release_of_the_chosen_recording_with_its_first_label_or_none(spark: SparkSession) -> None:
    found = musicbrainz.lookups(pages_frame(spark, {"isrc": "USJAG0800001", "recordings": [ORIGINAL]}))

    assertDataFrameEqual(
        musicbrainz.release_records(found).drop("raw_record"),
        spark.createDataFrame(
            [
                (
                    *PROVENANCE,
                    "USJAG0800001",
                    "rel-single",
                    "Skinny Love",
                    "2011",
                    "GB",
                    "Jagjaguwar",
                    "lab-Jagjaguwar",
                ),
                (*PROVENANCE, "USJAG0800001", "rel-album", "For Emma", "2011", "XW", None, None),
            ],
            "run_id string, ingest_date date, source_file string, fetched_at timestamp, isrc string, "
            "musicbrainz_release_id string, release_title string, release_date string, release_country string, "
            "label_name string, musicbrainz_label_id string",
        ),
    )


def test_the_artist_credits_keep_their_order_ids_and_genres(spark: SparkSession) -> None:
    found = musicbrainz.lookups(pages_frame(spark, {"isrc": "USJAG0800001", "recordings": [ORIGINAL]}))

    assertDataFrameEqual(
        musicbrainz.artist_credit_records(found).drop("raw_record"),
        spark.createDataFrame(
            [
                (*PROVENANCE, "USJAG0800001", 0, "art-1", "Bon Iver", ["folk"]),
                (*PROVENANCE, "USJAG0800001", 1, "art-2", "Guest", ["indie"]),
            ],
            "run_id string, ingest_date date, source_file string, fetched_at timestamp, isrc string, "
            "artist_position int, musicbrainz_artist_id string, artist_name string, genres array<string>",
        ),
    )


def test_a_page_without_recordings_gives_no_release_and_no_credit(spark: SparkSession) -> None:
    found = musicbrainz.lookups(pages_frame(spark, {"isrc": "USJAG0800009", "recordings": []}))

    assert musicbrainz.release_records(found).count() == 0
    assert musicbrainz.artist_credit_records(found).count() == 0
    assert [
        (r.isrc, r.recordings_found, r.musicbrainz_recording_id) for r in musicbrainz.recording_records(found).collect()
    ] == [("USJAG0800009", 0, None)]


def _expected(spark: SparkSession, table: Table, *rows: dict[str, Any]) -> DataFrame:
    columns = ", ".join(f"{column.name} {column.type}" for column in table.columns)
    ddl = f"{columns}, drop_reason string, preference int, fetched_at timestamp, raw_record string, unfit_column string"
    return spark.createDataFrame(rows, ddl)


def test_musicbrainz_recording_candidates_carry_the_model_columns(spark: SparkSession) -> None:
    found = musicbrainz.lookups(pages_frame(spark, {"isrc": "USJAG0800001", "recordings": [ORIGINAL]}))
    records = musicbrainz.recording_records(found)
    raw_record = records.first()["raw_record"]

    assertDataFrameEqual(
        tables.musicbrainz_recording(records),
        _expected(
            spark,
            MUSICBRAINZ_RECORDING,
            {
                "isrc": "USJAG0800001",
                "musicbrainz_recording_id": "rec-original",
                "recording_title": "Skinny Love",
                "recordings_found": 1,
                "genres": ["folk", "indie folk"],
                "run_id": RUN_ID,
                "ingest_date": INGEST_DATE,
                "source_file": "musicbrainz_recordings/0",
                "drop_reason": None,
                "preference": 1,
                "fetched_at": FETCHED_AT,
                "raw_record": raw_record,
                "unfit_column": None,
            },
        ),
    )
