"""fact_play's MATCH_PLAYS merge on the local warehouse: a play reported by the API and by the history export is
one row (same track, times at most contracts.model.PLAY_MATCH_TOLERANCE_MS apart), whatever order they arrive in;
export-only plays are added; an import loaded twice adds nothing."""

from __future__ import annotations

import datetime

import pytest

from contracts.model import PLAY_MATCH_TOLERANCE_MS, PLAY_SOURCE_API, PLAY_SOURCE_BOTH, PLAY_SOURCE_EXPORT

DAY, RUN = "2026-03-01", "20260301T061500Z-0a1b2c3d"
IMPORT_DAY, IMPORT = "2026-03-02", "20260302T000000Z-feedbeef"
API_PLAYED_AT = datetime.datetime(2026, 3, 1, 5, 59, 59, 123000, tzinfo=datetime.UTC)
TOLERANCE = datetime.timedelta(milliseconds=PLAY_MATCH_TOLERANCE_MS)
EXPORT = {"ms_played": 201_000, "skipped": False, "reason_start": "trackdone", "reason_end": "trackdone"}
EXPORT |= {"shuffle": True, "offline": False, "play_source": PLAY_SOURCE_EXPORT}

QUERY = (
    "SELECT played_at, track_id, context_type, ms_played, reason_end, play_source, run_id "
    "FROM SPOTIFY.CORE.FACT_PLAY ORDER BY played_at, track_id"
)


def _api(played_at=API_PLAYED_AT, track_id="t1"):
    return {"played_at": played_at, "track_id": track_id, "context_type": "album", "play_source": PLAY_SOURCE_API}


def _export(played_at, track_id="t1", **changes):
    return {"played_at": played_at, "track_id": track_id, **EXPORT, **changes}


def _load(warehouse, model_file, api_rows, export_rows, export_first=False):
    loads = [("api", DAY, RUN, api_rows), ("export", IMPORT_DAY, IMPORT, export_rows)]
    for name, day, run, rows in reversed(loads) if export_first else loads:
        if rows:
            warehouse.ingest("fact_play", model_file("fact_play", day, run, rows, part=name))
    warehouse.refresh()
    return warehouse.query(QUERY)


def _naive(moment):
    return moment.replace(tzinfo=None)


# One track per case, all in one load: (export time - API time, paired?).
EDGES = {
    "at_plus_tolerance": (TOLERANCE, True),
    "at_minus_tolerance": (-TOLERANCE, True),
    "just_beyond_plus": (TOLERANCE + datetime.timedelta(milliseconds=1), False),
    "just_beyond_minus": (-TOLERANCE - datetime.timedelta(milliseconds=1), False),
}


@pytest.mark.parametrize("export_first", [False, True])
def test_export_plays_pair_with_api_plays_up_to_the_tolerance_and_not_a_millisecond_beyond(
    warehouse, model_file, export_first
):
    api = [_api(track_id=track) for track in EDGES]
    exports = [_export(API_PLAYED_AT + offset, track_id=track) for track, (offset, _) in EDGES.items()]

    rows = _load(warehouse, model_file, api, exports, export_first)

    for track, (offset, paired) in EDGES.items():
        found = [(row[0], row[3], row[5], row[6]) for row in rows if row[1] == track]
        if paired:
            assert found == [(_naive(API_PLAYED_AT), 201_000, PLAY_SOURCE_BOTH, RUN)], track
        else:
            assert sorted(found, key=lambda r: r[2]) == [
                (_naive(API_PLAYED_AT), None, PLAY_SOURCE_API, RUN),
                (_naive(API_PLAYED_AT + offset), 201_000, PLAY_SOURCE_EXPORT, IMPORT),
            ], track


def test_a_play_of_another_track_at_the_same_time_is_not_matched(warehouse, model_file):
    rows = _load(warehouse, model_file, [_api()], [_export(API_PLAYED_AT, track_id="t2")])

    assert [(row[1], row[5]) for row in rows] == [("t1", PLAY_SOURCE_API), ("t2", PLAY_SOURCE_EXPORT)]


def test_the_nearest_export_row_is_the_api_play_and_the_other_stays_a_play(warehouse, model_file):
    near = _export(API_PLAYED_AT + datetime.timedelta(seconds=1))
    partial = _export(API_PLAYED_AT + datetime.timedelta(seconds=4), ms_played=400, reason_end="fwdbtn")

    rows = _load(warehouse, model_file, [_api()], [partial, near])

    assert [(row[3], row[5]) for row in rows] == [(201_000, PLAY_SOURCE_BOTH), (400, PLAY_SOURCE_EXPORT)]


def test_an_import_loaded_twice_and_api_plays_read_twice_add_nothing(warehouse, model_file):
    export_only = _export(API_PLAYED_AT - datetime.timedelta(hours=3))
    first = _load(warehouse, model_file, [_api()], [_export(API_PLAYED_AT), export_only])
    warehouse.ingest(
        "fact_play",
        model_file("fact_play", "2026-03-04", "20260304T000000Z-0badcafe", [_export(API_PLAYED_AT), export_only]),
    )
    warehouse.ingest("fact_play", model_file("fact_play", "2026-03-03", "20260303T061500Z-0a1b2c3e", [_api()]))
    warehouse.refresh()

    assert warehouse.query(QUERY) == first
    assert len(first) == 2


def test_a_play_loaded_before_the_play_source_column_counts_as_the_api_s(warehouse, model_file):
    old = {"played_at": API_PLAYED_AT, "track_id": "t1", "context_type": "album"}

    rows = _load(warehouse, model_file, [old], [_export(API_PLAYED_AT)])

    assert [row[5] for row in rows] == [PLAY_SOURCE_BOTH]


def test_a_track_played_twice_within_the_tolerance_pairs_each_play_with_its_own_export_row(warehouse, model_file):
    second = API_PLAYED_AT + datetime.timedelta(seconds=2)
    # Each API play's nearest export row is the same one (1 s from both): the second round pairs the other.
    exports = [_export(API_PLAYED_AT + datetime.timedelta(seconds=1)), _export(second + datetime.timedelta(seconds=3))]

    rows = _load(warehouse, model_file, [_api(), _api(second)], exports)

    assert [(row[0], row[5]) for row in rows] == [
        (_naive(API_PLAYED_AT), PLAY_SOURCE_BOTH),
        (_naive(second), PLAY_SOURCE_BOTH),
    ]


def test_a_landing_play_of_an_unknown_source_is_rejected_with_its_rule_not_lost_in_the_matching(warehouse, model_file):
    # Only the warehouse's merge makes api+export; a file that carries it (made by hand) names no source the
    # matching knows, so without the rule the play would vanish from both sides without a count.
    rows = _load(warehouse, model_file, [_api(), _api(track_id="t2") | {"play_source": PLAY_SOURCE_BOTH}], [])

    assert [(row[1], row[5]) for row in rows] == [("t1", PLAY_SOURCE_API)]
    [reject] = warehouse.rejects()
    assert (reject["table_name"], reject["rule"], reject["run_id"]) == (
        "fact_play",
        "play_source is not api or export",
        RUN,
    )
    assert '"track_id":"t2"' in reject["record_key"]
