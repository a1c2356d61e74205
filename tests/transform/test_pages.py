"""The one read of the raw files: every line becomes one row, parsed with its source's schema, and a line that
is not a good page names the rule it breaks."""

from __future__ import annotations

import json

from pyspark.sql import functions as F
from transform_fixtures import HISTORY, HandMadeCatalog, moment, page, top_artists_page

from contracts.manifest import Manifest
from contracts.raw_zone import Source
from local.fake_spotify.activity import Play
from transforms.inputs import RunInput, read_verified_pages
from transforms.pages import RECORD_LISTS, read_pages, valid_pages


def test_each_line_is_one_page_and_a_bad_page_names_its_rule(spark, raw_run):
    # Given a top-artists file holding a good page, a line that is not JSON, a page filed under the wrong
    # source, an error answer and a body that was not JSON
    good = top_artists_page("Björk")
    raw_run.page("top_artists", good, params={"time_range": "short_term"}, fetched_at="2026-11-24T06:15:03.123Z")
    raw_run.line("top_artists", "<html>Bad gateway</html>")
    raw_run.line("top_artists", json.dumps({**json.loads(raw_run.lines["top_artists"][0]), "source": "top_tracks"}))
    raw_run.page("top_artists", {"error": {"status": 502, "message": "Bad gateway"}}, status=502)
    raw_run.page("top_artists", None, response_text="{'items': ")
    manifest = raw_run.write()
    run = RunInput.locate(str(manifest), Manifest.from_json(manifest.read_text(encoding="utf-8")))

    # When the pages are read
    pages = read_pages(spark, run.raw_files())
    rows = pages.select(
        "source_file", "run_id", "page_rule", "record", F.col("fetched_at").cast("string").alias("fetched_at")
    ).collect()

    # Then every line is there, with its file and run, and the bad ones name their rule
    assert [row["page_rule"] for row in rows] == [
        None,
        "malformed_envelope",
        "source_mismatch",
        "error_status",
        "malformed_response",
    ]
    assert {(row["source_file"], row["run_id"]) for row in rows} == {
        (raw_run.location.page_file_key("top_artists", 0), raw_run.run_id)
    }
    # a good page keeps no copy of its line; a bad one keeps it, wrapped when it is not JSON
    assert rows[0]["record"] is None
    assert json.loads(rows[1]["record"]) == {"line": "<html>Bad gateway</html>"}
    assert json.loads(rows[4]["record"])["response_text"] == "{'items': "
    assert rows[0]["fetched_at"] == "2026-11-24 06:15:03.123"  # UTC
    # and only the good page reaches the tables, parsed with the source's schema
    [page] = valid_pages(pages, "top_artists").collect()
    assert page["page"]["response"]["items"][0]["name"] == "Björk"
    assert page["page"]["request"]["params"] == {"time_range": "short_term"}


def test_a_page_whose_list_of_records_does_not_fit_its_schema_is_quarantined_not_emptied(spark, raw_run):
    # Given plays whose list holds one element that is not a play, and saved tracks whose list is not a list
    good_play = {"track": None, "played_at": "2026-11-24T05:59:59.123Z", "context": None}
    raw_run.page("recently_played", {"items": [good_play, 7], "next": None})
    raw_run.page("recently_played", {"items": [good_play], "next": None})
    raw_run.page("saved_tracks", {"items": {"added_at": "2026-11-01T00:00:00Z"}, "total": 1})
    manifest = raw_run.write()
    run = RunInput.locate(str(manifest), Manifest.from_json(manifest.read_text(encoding="utf-8")))

    # When the pages are read
    pages = read_pages(spark, run.raw_files()).collect()

    # Then the pages whose records Spark cannot read are quarantined whole, instead of read as empty pages
    assert sorted((row["source"], row["page_rule"] or "read") for row in pages) == [
        ("recently_played", "read"),
        ("recently_played", "unreadable_records"),
        ("saved_tracks", "unreadable_records"),
    ]


def test_a_page_with_a_value_of_the_wrong_type_is_quarantined_with_a_rule_naming_the_field(spark, raw_run):
    # Given plays whose track's duration is a string, an album whose track count overflows an int, top artists
    # whose `followers` is a number instead of an object, a page whose status is text, and a good page
    catalog = HandMadeCatalog()
    bjork = catalog.artist("ar1", "Björk")
    joga = catalog.track("t1", "Jóga", catalog.album("al1", "Homogenic", [bjork]))
    spotify = catalog.renderer()
    first, then, before = (Play("t1", moment(f"2026-11-24T05:{minute}:00Z"), None) for minute in ("30", "20", "10"))
    raw_run.page("recently_played", spotify.play_history([first], 50, None, HISTORY))
    history = spotify.play_history([then, before], 50, None, HISTORY)
    history["items"][1]["track"]["duration_ms"] = "305000"
    raw_run.page("recently_played", history)
    raw_run.page("albums", {**spotify.simplified_album(catalog.albums["al1"]), "total_tracks": 2**40})
    raw_run.page("top_artists", page(spotify, "/me/top/artists", [{**spotify.artist(bjork), "followers": 7}]))
    raw_run.page("top_tracks", page(spotify, "/me/top/tracks", [spotify.track(joga)]))
    raw_run.lines["top_tracks"][0] = raw_run.lines["top_tracks"][0].replace('"status":200', '"status":"200"')
    manifest = raw_run.write()
    run = RunInput.locate(str(manifest), Manifest.from_json(manifest.read_text(encoding="utf-8")))

    # When the job reads the pages (the reader marks such a page; its field is named after the read)
    pages = read_verified_pages(spark, [run]).collect()

    # Then each page with a value Spark could not read as its type is quarantined, naming the field, and keeps
    # the line with the value as it was
    assert sorted((row["source"], row["page_rule"] or "read") for row in pages) == [
        ("albums", "fits_type:response.total_tracks"),
        ("recently_played", "fits_type:response.items[].track.duration_ms"),
        ("recently_played", "read"),
        ("top_artists", "fits_type:response.items[].followers"),
        ("top_tracks", "fits_type:status"),
    ]
    records = [json.loads(row["record"]) for row in pages if row["source"] == "recently_played" and row["record"]]
    assert [item["track"]["duration_ms"] for item in records[0]["response"]["items"]] == [215000, "305000"]


def test_every_source_says_where_its_records_are() -> None:
    assert set(RECORD_LISTS) == set(Source.ALL)


def test_page_files_are_read_in_at_least_two_tasks_per_core(spark, raw_run):
    # Given a run of eight small page files (Spark would pack them into one read task per core, so that on two
    # cores a third, larger task ran alone at scale)
    for source in sorted(Source.ALL)[:8]:
        raw_run.page(source, {"items": [], "next": None})
    manifest = raw_run.write()
    run = RunInput.locate(str(manifest), Manifest.from_json(manifest.read_text(encoding="utf-8")))

    # When the pages are read
    pages = read_pages(spark, run.raw_files())

    # Then the read is split into at least two tasks per core, and every line is read once
    assert pages.rdd.getNumPartitions() >= 2 * spark.sparkContext.defaultParallelism
    assert pages.count() == 8
