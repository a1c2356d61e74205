"""The tutorial-style baseline: the transform as public "Spotify ETL on AWS Glue" tutorials write it.

Their shape, kept here on purpose (it is what the benchmark compares against): one `spark.read.json` per raw
folder with the schema inferred from the data (a full pass over it before any work), a DataFrame per output table
derived from that uncached read (so every table's write reads and parses the JSON again), the first artist of a
track only, `drop_duplicates` on the id, and CSV output. Adapted only as far as it must be to read this pipeline's
raw zone: the page bodies sit under the envelope's `response`, and playlist entries carry their track under
`item` in development mode (2026) and under `track` in extended mode.
"""

from __future__ import annotations

from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.functions import col, explode, to_date

from contracts.raw_zone import Source

# Output tables, in the order the tutorials write them.
TABLES = ("albums", "artists", "songs", "plays")


def playlist_entries(spark: SparkSession, run_dir: Path, api_mode: str) -> DataFrame:
    """Every playlist entry (column `items`): the first page embedded in each playlist, then the other pages."""
    entry_key = "item" if api_mode == "development" else "track"
    embedded_key = "items" if api_mode == "development" else "tracks"
    playlists = spark.read.json(str(run_dir / Source.PLAYLISTS))
    pages = spark.read.json(str(run_dir / Source.PLAYLIST_ITEMS))
    embedded = playlists.select(explode(col(f"response.{embedded_key}.items")).alias("entry"))
    paged = pages.select(explode(col("response.items")).alias("entry"))
    return embedded.union(paged).select(
        col(f"entry.{entry_key}").alias("track"), col("entry.added_at").alias("added_at")
    )


def process_albums(entries: DataFrame) -> DataFrame:
    return entries.select(
        col("track.album.id").alias("album_id"),
        col("track.album.name").alias("album_name"),
        col("track.album.release_date").alias("release_date"),
        col("track.album.total_tracks").alias("total_tracks"),
        col("track.album.external_urls.spotify").alias("url"),
    ).drop_duplicates(["album_id"])


def process_artists(entries: DataFrame) -> DataFrame:
    artists = entries.select(explode(col("track.artists")).alias("artist"))
    return artists.select(
        col("artist.id").alias("artist_id"),
        col("artist.name").alias("artist_name"),
        col("artist.external_urls.spotify").alias("external_url"),
    ).drop_duplicates(["artist_id"])


def process_songs(entries: DataFrame) -> DataFrame:
    songs = entries.select(
        col("track.id").alias("song_id"),
        col("track.name").alias("song_name"),
        col("track.duration_ms").alias("duration_ms"),
        col("track.external_urls.spotify").alias("url"),
        col("added_at").alias("song_added"),
        col("track.album.id").alias("album_id"),
        col("track.artists")[0]["id"].alias("artist_id"),  # the first artist only
    ).drop_duplicates(["song_id"])
    return songs.withColumn("song_added", to_date(col("song_added")))


def process_plays(spark: SparkSession, run_dir: Path) -> DataFrame:
    history = spark.read.json(str(run_dir / Source.RECENTLY_PLAYED))
    plays = history.select(explode(col("response.items")).alias("play"))
    return plays.select(
        col("play.played_at").alias("played_at"),
        col("play.track.id").alias("song_id"),
        col("play.context.type").alias("context_type"),
    ).drop_duplicates(["played_at", "song_id"])


def run(spark: SparkSession, run_dir: Path, api_mode: str, out_dir: Path) -> dict[str, str]:
    """Transform the raw run in `run_dir` (its `<source>/part-*.jsonl.gz` folders) into CSV tables under
    `out_dir`; returns where each table went."""
    entries = playlist_entries(spark, run_dir, api_mode)
    frames = {
        "albums": process_albums(entries),
        "artists": process_artists(entries),
        "songs": process_songs(entries),
        "plays": process_plays(spark, run_dir),
    }
    written = {}
    for name in TABLES:
        target = str(out_dir / name)
        frames[name].write.mode("overwrite").option("header", True).csv(target)
        written[name] = target
    return written
