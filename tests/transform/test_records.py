"""Each function of transforms/records.py on its own: tiny inline pages or records in, the flat records out."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import DateType, StringType, StructField, StructType, TimestampType
from pyspark.testing import assertDataFrameEqual

from contracts.raw_zone import Source, TimeRange
from transforms import records
from transforms.pages import ERROR_STATUS
from transforms.schemas import SIMPLE_ALBUM, envelope

RUN_ID = "20261124T061500Z-0a1b2c3d"
INGEST_DATE = date(2026, 11, 24)
FETCHED_AT = datetime(2026, 11, 24, 6, 15, tzinfo=UTC)

# The columns `transforms.pages.read_pages` gives each line: lineage, rule, source and one envelope per source.
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
_PROVENANCE_DDL = "run_id string, ingest_date date, source_file string, fetched_at timestamp"


def page(
    source: str, response: dict[str, Any], *, entity_id: str | None = None, params: dict[str, str] | None = None
) -> tuple[str, dict[str, Any]]:
    """One page of `source`: its envelope around `response`."""
    request = {"method": "GET", "params": params or {}}
    return source, {"source": source, "entity_id": entity_id, "request": request, "status": 200, "response": response}


def pages_frame(spark: SparkSession, *pages: tuple[str, dict[str, Any]], page_rule: str | None = None) -> DataFrame:
    """The pages as `read_pages` gives them, each in a file named `<source>/<n>`, parsed with its source's schema."""
    rows = [
        (
            f"{source}/{n}",
            source,
            RUN_ID,
            INGEST_DATE,
            FETCHED_AT,
            page_rule,
            *(body if column == source else None for column in Source.ALL),
        )
        for n, (source, body) in enumerate(pages)
    ]
    return spark.createDataFrame(rows, _PAGES_SCHEMA)


def provenance(n: int, source: str) -> tuple[str, date, str, datetime]:
    """The provenance columns of a record read from the `n`th page (a `<source>/<n>` file)."""
    return (RUN_ID, INGEST_DATE, f"{source}/{n}", FETCHED_AT)


def artist(artist_id: str, name: str) -> dict[str, Any]:
    return {"id": artist_id, "name": name, "type": "artist"}


def track(track_id: str | None, name: str, *, album_id: str | None = "al_four", **fields: Any) -> dict[str, Any]:
    album = {"id": album_id, "name": "4"} if album_id else None
    return {"id": track_id, "name": name, "type": "track", "album": album, "artists": [], **fields}


# Where in a page a record is -------------------------------------------------------------------------------------


def test_page_offset_reads_the_paging_object_then_the_request_then_zero(spark):
    frame = spark.createDataFrame(
        [
            (1, ((50,), ({"offset": "20"},))),
            (2, ((None,), ({"offset": "20"},))),
            (3, ((None,), ({},))),
            (4, ((None,), ({"offset": "next"},))),
        ],
        "n int, page struct<response:struct<offset:int>, request:struct<params:map<string,string>>>",
    )

    offsets = frame.select("n", records.page_offset(F.col("page")).alias("offset"))

    # a request offset that is not a number reads as no offset
    assertDataFrameEqual(offsets, spark.createDataFrame([(1, 50), (2, 20), (3, 0), (4, 0)], "n int, offset int"))


def test_image_url_is_the_widest_image_and_the_first_listed_of_a_tie(spark):
    frame = spark.createDataFrame(
        [
            ("narrow first", [("https://i/64", 64), ("https://i/640", 640), ("https://i/300", 300)]),
            ("tie", [("https://i/a", 300), ("https://i/b", 300)]),
            ("no widths", [("https://i/first", None), ("https://i/second", None)]),
            ("no images", []),
            ("null", None),
        ],
        "name string, images array<struct<url:string,width:bigint>>",
    )

    urls = frame.select("name", records.image_url(F.col("images")).alias("image_url"))

    expected = [
        ("narrow first", "https://i/640"),
        ("tie", "https://i/a"),
        ("no widths", "https://i/first"),
        ("no images", None),
        ("null", None),
    ]
    assertDataFrameEqual(urls, spark.createDataFrame(expected, "name string, image_url string"))


def test_page_elements_are_the_good_pages_elements_with_their_index_and_context(spark):
    pages = pages_frame(
        spark,
        page(Source.ALBUM_TRACKS, {"items": [track("t1", "One"), track("t2", "Two")]}, entity_id="al_four"),
        page(Source.SAVED_TRACKS, {"items": [{"added_at": "2026-11-20T10:00:00Z"}]}),
    )

    elements = records.page_elements(
        pages, Source.ALBUM_TRACKS, lambda page: page["response"]["items"], F.col("page.entity_id").alias("album_id")
    ).select(*records.PROVENANCE, "album_id", "index", F.col("item.id").alias("track_id"))

    expected = [(*provenance(0, Source.ALBUM_TRACKS), "al_four", i, f"t{i + 1}") for i in (0, 1)]
    ddl = f"{_PROVENANCE_DDL}, album_id string, index int, track_id string"
    assertDataFrameEqual(elements, spark.createDataFrame(expected, ddl))


def test_page_elements_skip_a_quarantined_page(spark):
    pages = pages_frame(spark, page(Source.TOP_TRACKS, {"items": [track("t1", "One")]}), page_rule=ERROR_STATUS)

    elements = records.page_elements(pages, Source.TOP_TRACKS, lambda page: page["response"]["items"])

    assertDataFrameEqual(elements.select("index"), [])


# Tracks ----------------------------------------------------------------------------------------------------------


def _occurrence(occurrences: DataFrame) -> DataFrame:
    """What a track test compares of each occurrence."""
    return occurrences.select(
        "source_file",
        "detail",
        "is_local",
        "album_id",
        F.col("track.id").alias("track_id"),
        F.col("track.album.id").alias("own_album_id"),
    )


_OCCURRENCE_DDL = (
    "source_file string, detail int, is_local boolean, album_id string, track_id string, own_album_id string"
)


def test_track_occurrences_of_a_play_are_embedded_tracks_with_their_album(spark):
    play = {"played_at": "2026-11-24T05:00:00Z", "track": track("t1", "Love On Top")}
    removed = {"played_at": "2026-11-24T04:00:00Z", "track": None}
    pages = pages_frame(spark, page(Source.RECENTLY_PLAYED, {"items": [play, removed]}))

    occurrences = records.track_occurrences(pages)

    # the play whose track was removed holds no track
    expected = [("recently_played/0", records.EMBEDDED, False, "al_four", "t1", "al_four")]
    assertDataFrameEqual(_occurrence(occurrences), spark.createDataFrame(expected, _OCCURRENCE_DDL))


def test_track_occurrences_of_a_playlist_are_its_tracks_local_files_flagged(spark):
    entries = [
        {"item": track("t1", "Love On Top")},
        {"is_local": True, "item": track(None, "Demo.mp3", album_id=None, is_local=True)},
        {"track": track("t2", "Hoppípolla")},  # the older `track` shape
        {"item": {"id": "ep1", "name": "News", "type": "episode"}},
        {"item": None},  # removed from the catalog
    ]
    pages = pages_frame(spark, page(Source.PLAYLIST_ITEMS, {"items": entries}, entity_id="pl_road"))

    occurrences = records.track_occurrences(pages)

    expected = [
        ("playlist_items/0", records.EMBEDDED, False, "al_four", "t1", "al_four"),
        ("playlist_items/0", records.EMBEDDED, True, None, None, None),
        ("playlist_items/0", records.EMBEDDED, False, "al_four", "t2", "al_four"),
    ]
    assertDataFrameEqual(_occurrence(occurrences), spark.createDataFrame(expected, _OCCURRENCE_DDL))


def test_track_occurrences_of_an_album_are_simplified_tracks_widened_to_the_full_shape(spark):
    simplified = {"id": "t1", "name": "Love On Top", "track_number": 1, "type": "track"}
    album = {"id": "al_four", "name": "4", "tracks": {"items": [simplified], "offset": 0}}
    more = {"id": "t9", "name": "Countdown", "track_number": 51, "type": "track"}
    pages = pages_frame(
        spark,
        page(Source.ALBUMS, album, entity_id="al_four"),
        page(Source.ALBUM_TRACKS, {"items": [more], "offset": 50}, entity_id="al_four"),
    )

    occurrences = records.track_occurrences(pages)

    # the album comes from where the track was found; the track itself has no album, ISRC or popularity, and
    # its JSON (the quarantine's raw record) leaves out the fields it was widened with
    expected = [
        (
            "albums/0",
            records.SIMPLIFIED,
            "al_four",
            None,
            '{"id":"t1","name":"Love On Top","track_number":1,"type":"track"}',
        ),
        (
            "album_tracks/1",
            records.SIMPLIFIED,
            "al_four",
            None,
            '{"id":"t9","name":"Countdown","track_number":51,"type":"track"}',
        ),
    ]
    actual = occurrences.select(
        "source_file", "detail", "album_id", F.col("track.album.id").alias("own_album_id"), F.to_json("track")
    )
    ddl = "source_file string, detail int, album_id string, own_album_id string, track string"
    assertDataFrameEqual(actual, spark.createDataFrame(expected, ddl), ignoreColumnName=True)
    # widened: every occurrence has the full track's type
    assert occurrences.schema["track"].dataType.fieldNames()[-3:] == ["album", "external_ids", "popularity"]


_TRACK_STRUCT = (
    "struct<id:string,name:string,duration_ms:bigint,explicit:boolean,disc_number:int,track_number:int,"
    "popularity:int,artists:array<struct<id:string,name:string>>,album:struct<id:string>,"
    "external_ids:struct<isrc:string>>"
)


def test_track_records_flatten_each_occurrence(spark):
    provenance_row = provenance(0, Source.TOP_TRACKS)
    love_on_top = ("t1", "Love On Top", 267_000, False, 1, 1, 81, [("ar_bey", "Beyoncé")], ("al_four",), ("USTRK",))
    occurrences = spark.createDataFrame(
        [(*provenance_row, records.EMBEDDED, False, "al_four", love_on_top)],
        f"{_PROVENANCE_DDL}, detail int, is_local boolean, album_id string, track {_TRACK_STRUCT}",
    )

    tracks = records.track_records(occurrences).drop("artists", "album")

    raw = (
        '{"id":"t1","name":"Love On Top","duration_ms":267000,"explicit":false,"disc_number":1,"track_number":1,'
        '"popularity":81,"artists":[{"id":"ar_bey","name":"Beyoncé"}],"album":{"id":"al_four"},'
        '"external_ids":{"isrc":"USTRK"}}'
    )
    expected = [(*provenance_row, "t1", "Love On Top", 267_000, False, "USTRK", "al_four", 1, 1, 81, False, 1, raw)]
    ddl = (
        f"{_PROVENANCE_DDL}, track_id string, track_name string, duration_ms bigint, explicit boolean, isrc string, "
        "album_id string, disc_number int, track_number int, popularity int, is_local boolean, detail int, "
        "raw_record string"
    )
    assertDataFrameEqual(tracks, spark.createDataFrame(expected, ddl))


# Albums ----------------------------------------------------------------------------------------------------------

_ALBUM_COLUMNS = ("source_file", "album_id", "release_year", "label", "image_url", "is_local", "detail", "raw_record")
_ALBUM_DDL = (
    "source_file string, album_id string, release_year int, label string, image_url string, is_local boolean, "
    "detail int, raw_record string"
)


def test_album_records_rank_the_albums_own_page_above_the_albums_in_tracks(spark):
    four = {
        "id": "al_four",
        "release_date": "2011-06-24",
        "label": "Parkwood",
        "images": [{"url": "https://i/640", "width": 640}],
        "tracks": {"items": [{"id": "t1"}]},
    }
    takk = {"id": "al_takk", "release_date": "2005", "label": "EMI"}
    pages = pages_frame(
        spark, page(Source.ALBUMS, four, entity_id="al_four"), page(Source.ALBUMS, {"albums": [takk, None]})
    )
    tracks = spark.createDataFrame(
        [(*provenance(5, Source.TOP_TRACKS), True, {"id": "al_four", "release_date": "2011-06"})],
        f"{_PROVENANCE_DDL}, is_local boolean, album {SIMPLE_ALBUM.simpleString()}",
    )

    albums = records.album_records(pages, tracks)

    # the full album (single or batch body) has its label and leaves its track list out of its record;
    # the album inside a track is simplified, local as its track, and has no label
    expected = [
        (
            "albums/0",
            "al_four",
            2011,
            "Parkwood",
            "https://i/640",
            False,
            records.FULL,
            '{"id":"al_four","release_date":"2011-06-24","images":[{"url":"https://i/640","width":640}],'
            '"label":"Parkwood"}',
        ),
        (
            "albums/1",
            "al_takk",
            2005,
            "EMI",
            None,
            False,
            records.FULL,
            '{"id":"al_takk","release_date":"2005","label":"EMI"}',
        ),
        (
            "top_tracks/5",
            "al_four",
            2011,
            None,
            None,
            True,
            records.SIMPLIFIED,
            '{"id":"al_four","release_date":"2011-06"}',
        ),
    ]
    assertDataFrameEqual(albums.select(*_ALBUM_COLUMNS), spark.createDataFrame(expected, _ALBUM_DDL))


# Artists ---------------------------------------------------------------------------------------------------------


def test_credited_artists_keep_each_artists_position_in_the_credits(spark):
    owners = spark.createDataFrame(
        [(*provenance(0, Source.TOP_TRACKS), "t_yoru", False, [("ar_yoa", "YOASOBI"), ("ar_kino", "Кино")])],
        f"{_PROVENANCE_DDL}, track_id string, is_local boolean, artists array<struct<id:string,name:string>>",
    )

    credits = records.credited_artists(owners, "track_id")

    expected = [
        (*provenance(0, Source.TOP_TRACKS), "t_yoru", False, 0, ("ar_yoa", "YOASOBI")),
        (*provenance(0, Source.TOP_TRACKS), "t_yoru", False, 1, ("ar_kino", "Кино")),
    ]
    ddl = (
        f"{_PROVENANCE_DDL}, track_id string, is_local boolean, artist_position int, "
        "artist struct<id:string,name:string>"
    )
    assertDataFrameEqual(credits, spark.createDataFrame(expected, ddl))


def test_artist_records_carry_details_only_where_the_object_has_them(spark):
    beyonce = {
        "id": "ar_bey",
        "name": "Beyoncé",
        "genres": ["pop"],
        "followers": {"total": 30_000_000},
        "popularity": 88,
        "images": [{"url": "https://i/640", "width": 640}],
    }
    pages = pages_frame(
        spark,
        page(Source.ARTISTS, {"artists": [beyonce]}),
        page(Source.TOP_ARTISTS, {"items": [{"id": "ar_yoa", "name": "YOASOBI", "popularity": 70}]}),
    )
    credit_ddl = f"{_PROVENANCE_DDL}, is_local boolean, artist struct<id:string,name:string,popularity:int>"
    track_artists = spark.createDataFrame(
        [(*provenance(7, Source.TOP_TRACKS), True, ("ar_kino", "Кино", 99))], credit_ddl
    )
    album_artists = spark.createDataFrame([], credit_ddl)

    artists = records.artist_records(pages, track_artists, album_artists).drop("raw_record")

    # a simplified (credited) artist has a name only, whatever else its object holds
    expected = [
        (
            *provenance(0, Source.ARTISTS),
            "ar_bey",
            "Beyoncé",
            ["pop"],
            30_000_000,
            88,
            "https://i/640",
            False,
            records.FULL,
        ),
        (*provenance(1, Source.TOP_ARTISTS), "ar_yoa", "YOASOBI", None, None, 70, None, False, records.EMBEDDED),
        (*provenance(7, Source.TOP_TRACKS), "ar_kino", "Кино", None, None, None, None, True, records.SIMPLIFIED),
    ]
    ddl = (
        f"{_PROVENANCE_DDL}, artist_id string, artist_name string, genres array<string>, followers bigint, "
        "popularity int, image_url string, is_local boolean, detail int"
    )
    assertDataFrameEqual(artists, spark.createDataFrame(expected, ddl))


# Playlists -------------------------------------------------------------------------------------------------------


def test_playlist_records_are_full_from_the_playlist_and_simplified_from_lists(spark):
    road_trip = {
        "id": "pl_road",
        "name": "Road trip ☀",
        "owner": {"id": "listener", "display_name": "Zoë"},
        "public": True,
        "snapshot_id": "snap-1",
        "items": {"total": 6, "offset": 0, "items": [{"added_at": "2026-10-01T12:00:00Z"}]},
    }
    listed = {"id": "pl_old", "name": "Old favourites", "tracks": {"total": 2}}  # the older `tracks` shape
    pages = pages_frame(
        spark, page(Source.PLAYLISTS, road_trip, entity_id="pl_road"), page(Source.USER_PLAYLISTS, {"items": [listed]})
    )

    playlists = records.playlist_records(pages).select(
        "source_file", "playlist_id", "owner_name", "is_public", "total_items", "detail", "raw_record"
    )

    # the full playlist's record leaves its embedded page of items out, but keeps their total
    expected = [
        (
            "playlists/0",
            "pl_road",
            "Zoë",
            True,
            6,
            records.FULL,
            '{"id":"pl_road","name":"Road trip ☀","public":true,"snapshot_id":"snap-1",'
            '"owner":{"id":"listener","display_name":"Zoë"},"items":{"offset":0,"total":6}}',
        ),
        (
            "user_playlists/1",
            "pl_old",
            None,
            None,
            2,
            records.SIMPLIFIED,
            '{"id":"pl_old","name":"Old favourites","tracks":{"total":2}}',
        ),
    ]
    ddl = (
        "source_file string, playlist_id string, owner_name string, is_public boolean, total_items int, detail int, "
        "raw_record string"
    )
    assertDataFrameEqual(playlists, spark.createDataFrame(expected, ddl))


def test_playlist_entries_are_positioned_by_their_pages_offset(spark):
    embedded = {"id": "pl_road", "items": {"offset": 0, "items": [{"item": track("t1", "One")}]}}
    # the items page says its offset only in the request; its second entry is a local file
    continued = {"items": [{"item": track("t2", "Two")}, {"is_local": True, "item": track(None, "Demo.mp3")}]}
    pages = pages_frame(
        spark,
        page(Source.PLAYLISTS, embedded, entity_id="pl_road"),
        page(Source.PLAYLIST_ITEMS, continued, entity_id="pl_road", params={"offset": "100"}),
    )

    entries = records.playlist_entries(pages).select(
        "source_file", "playlist_id", "position", F.col("playable.name").alias("name"), "is_local"
    )

    expected = [
        ("playlists/0", "pl_road", 0, "One", False),
        ("playlist_items/1", "pl_road", 100, "Two", False),
        ("playlist_items/1", "pl_road", 101, "Demo.mp3", True),
    ]
    ddl = "source_file string, playlist_id string, position int, name string, is_local boolean"
    assertDataFrameEqual(entries, spark.createDataFrame(expected, ddl))


# Listening events ------------------------------------------------------------------------------------------------


def test_play_records_are_each_play_with_its_track_and_context(spark):
    plays = [
        {
            "played_at": "2026-11-24T05:00:00.123Z",
            "track": track("t1", "One"),
            "context": {"type": "playlist", "uri": "spotify:playlist:pl_road"},
        },
        {"played_at": "2026-11-24T04:00:00Z", "track": track(None, "Demo.mp3", album_id=None, is_local=True)},
        {"played_at": "2026-11-24T03:00:00Z", "track": None},
    ]
    pages = pages_frame(spark, page(Source.RECENTLY_PLAYED, {"items": plays}))

    played = records.play_records(pages).drop("raw_record")

    expected = [
        (
            *provenance(0, Source.RECENTLY_PLAYED),
            "2026-11-24T05:00:00.123Z",
            "t1",
            False,
            False,
            "playlist",
            "spotify:playlist:pl_road",
        ),
        (*provenance(0, Source.RECENTLY_PLAYED), "2026-11-24T04:00:00Z", None, True, False, None, None),
        (*provenance(0, Source.RECENTLY_PLAYED), "2026-11-24T03:00:00Z", None, False, True, None, None),
    ]
    ddl = (
        f"{_PROVENANCE_DDL}, played_at string, track_id string, is_local boolean, is_removed boolean, "
        "context_type string, context_uri string"
    )
    assertDataFrameEqual(played, spark.createDataFrame(expected, ddl))


def test_saved_track_records_are_each_saved_track_with_its_raw_record(spark):
    saved = [{"added_at": "2026-11-20T10:00:00Z", "track": {"id": "t2", "name": "Hoppípolla"}}]
    saved.append({"added_at": "2026-11-21T10:00:00Z", "track": None})
    pages = pages_frame(spark, page(Source.SAVED_TRACKS, {"items": saved}))

    saved_tracks = records.saved_track_records(pages)

    expected = [
        (
            *provenance(0, Source.SAVED_TRACKS),
            "2026-11-20T10:00:00Z",
            "t2",
            False,
            False,
            '{"added_at":"2026-11-20T10:00:00Z","track":{"id":"t2","name":"Hoppípolla"}}',
        ),
        (
            *provenance(0, Source.SAVED_TRACKS),
            "2026-11-21T10:00:00Z",
            None,
            False,
            True,
            '{"added_at":"2026-11-21T10:00:00Z"}',
        ),
    ]
    ddl = (
        f"{_PROVENANCE_DDL}, added_at string, track_id string, is_local boolean, is_removed boolean, raw_record string"
    )
    assertDataFrameEqual(saved_tracks, spark.createDataFrame(expected, ddl))


def test_top_item_records_rank_each_list_from_one_across_pages(spark):
    pages = pages_frame(
        spark,
        page(
            Source.TOP_TRACKS, {"items": [track("t1", "One"), None], "offset": 20}, params={"time_range": "short_term"}
        ),
        page(Source.TOP_ARTISTS, {"items": [artist("ar_bey", "Beyoncé")]}),
    )

    ranks = records.top_item_records(pages).drop("raw_record")

    # no time_range in the request: the API's default
    expected = [
        (*provenance(0, Source.TOP_TRACKS), "short_term", "track", 21, "t1", False),
        (*provenance(0, Source.TOP_TRACKS), "short_term", "track", 22, None, True),
        (*provenance(1, Source.TOP_ARTISTS), TimeRange.DEFAULT, "artist", 1, "ar_bey", False),
    ]
    ddl = f"{_PROVENANCE_DDL}, time_range string, item_type string, rank int, item_id string, is_removed boolean"
    assertDataFrameEqual(ranks, spark.createDataFrame(expected, ddl))
