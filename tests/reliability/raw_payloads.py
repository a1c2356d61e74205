"""Hypothesis strategies for raw page lines, generated from the transform's own raw schemas.

Each line is a page envelope (contracts/raw_zone.py) whose body follows the source's schema in
glue_jobs/transforms/schemas.py, field by field, except where the strategies break it: any field may be missing,
null or of the wrong type; strings run from empty to 100,000 characters of any script; numbers run past their
types' ranges; lists are empty or hold elements of the wrong type. A few lines are not even JSON.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st
from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DataType,
    IntegerType,
    LongType,
    MapType,
    StringType,
    StructType,
)

from contracts.raw_zone import ApiMode, Source
from extract.raw_writer import envelope_line
from extract.requester import RawPage
from transforms.schemas import RESPONSES

FETCHED_AT = "2026-11-24T06:15:03.123Z"

_CHARACTERS = st.characters(codec="utf-8")
_SHORT_TEXT = st.text(_CHARACTERS, max_size=12)
# Extreme lengths: one character repeated, so that a 100,000-character name costs nothing to generate.
_LONG_TEXT = st.builds(lambda c, n: c * n, _CHARACTERS, st.integers(1_000, 100_000))
_TEXT = st.one_of(_SHORT_TEXT, _SHORT_TEXT, _LONG_TEXT)
_SPOTIFY_ID = st.text("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=22, max_size=22)
_INSTANT = st.datetimes().map(lambda moment: moment.isoformat() + "Z")
_RELEASE_DATE = st.one_of(st.sampled_from(["1997", "1997-05", "1997-05-12", "0000", "20000"]), _SHORT_TEXT)
_ANY_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), _SHORT_TEXT)
# A value of the wrong type for any field: a scalar, a list or an object where something else is expected.
_WRONG = st.one_of(
    _ANY_SCALAR, st.lists(_ANY_SCALAR, max_size=2), st.dictionaries(_SHORT_TEXT, _ANY_SCALAR, max_size=2)
)

# Fields whose realistic values the model reads: generated well most of the time so that rows reach the output.
_NAMED_TEXT = {
    "id": st.one_of(_SPOTIFY_ID, _SPOTIFY_ID, _TEXT),
    "played_at": st.one_of(_INSTANT, _INSTANT, _TEXT),
    "added_at": st.one_of(_INSTANT, _TEXT),
    "fetched_at": st.one_of(_INSTANT, _TEXT),
    "release_date": _RELEASE_DATE,
    "type": st.sampled_from(["track", "episode", "artist", "album", "playlist", ""]),
    "release_date_precision": st.sampled_from(["year", "month", "day", "week"]),
}


def _right_type(data_type: DataType, name: str, depth: int) -> st.SearchStrategy[Any]:
    if isinstance(data_type, StructType):
        return json_object(data_type, depth + 1)
    if isinstance(data_type, ArrayType):
        elements = st.lists(json_value(data_type.elementType, name, depth + 1), min_size=1, max_size=3 - min(depth, 2))
        return st.one_of(elements, st.just([]))
    if isinstance(data_type, MapType):
        return st.dictionaries(_SHORT_TEXT, st.one_of(_SHORT_TEXT, st.integers()), max_size=3)
    if isinstance(data_type, BooleanType):
        return st.booleans()
    if isinstance(data_type, IntegerType):
        return st.one_of(st.integers(-5, 200), st.integers(-(2**31), 2**31 - 1), st.integers(2**31, 2**70))
    if isinstance(data_type, LongType):
        return st.one_of(st.integers(-5, 10**7), st.integers(-(2**63), 2**63 - 1), st.integers(2**63, 2**80))
    if isinstance(data_type, StringType):
        return _NAMED_TEXT.get(name, _TEXT)
    raise TypeError(f"no strategy for {data_type!r}")


# Of 20 draws, a value is of the right type 17 times, null once, of the wrong type once, missing once. Hypothesis
# starts from the simplest choice, 0: a well-formed value, so its first examples are pages that reach the tables.
_FATES = st.integers(0, 19)
_NULL, _WRONG_TYPE, _MISSING = 17, 18, 19


def json_value(data_type: DataType, name: str = "", depth: int = 0) -> st.SearchStrategy[Any]:
    """A value for a field of `data_type`: mostly of that type, sometimes null or of another type."""
    right = _right_type(data_type, name, depth)
    return _FATES.flatmap(lambda fate: st.none() if fate == _NULL else _WRONG if fate >= _WRONG_TYPE else right)


@st.composite
def json_object(draw: st.DrawFn, schema: StructType, depth: int = 0) -> dict[str, Any]:
    """An object with the schema's fields, each now and then missing, null or of the wrong type."""
    body: dict[str, Any] = {}
    for field in schema.fields:
        fate = draw(_FATES)
        if fate == _MISSING:
            continue
        body[field.name] = (
            None
            if fate == _NULL
            else draw(_WRONG)
            if fate == _WRONG_TYPE
            else draw(_right_type(field.dataType, field.name, depth))
        )
    return body


def envelope(listed_source: str) -> st.SearchStrategy[dict[str, Any]]:
    """An envelope as the extraction writes it, for a file listed under `listed_source`."""
    params = st.dictionaries(
        st.sampled_from(["limit", "offset", "time_range", "after", "ids", "q"]),
        st.one_of(st.sampled_from(["0", "50", "short_term", "medium_term", "long_term"]), _SHORT_TEXT),
        max_size=3,
    )
    return st.fixed_dictionaries(
        {
            "source": st.one_of(*[st.just(listed_source)] * 12, st.sampled_from(Source.ALL), st.none()),
            "status": st.one_of(*[st.just(200)] * 12, st.sampled_from([204, 401, 404, 429, 500]), st.none()),
            "response": st.one_of(*[json_object(RESPONSES[listed_source])] * 12, _WRONG),
            "entity_id": st.one_of(st.none(), _SPOTIFY_ID, _TEXT),
            "request": st.fixed_dictionaries({"method": st.just("GET"), "endpoint": _SHORT_TEXT, "params": params}),
            "fetched_at": st.one_of(_INSTANT, _INSTANT, _TEXT, st.none()),
            "api_mode": st.sampled_from(["development", "extended"]),
            "response_text": st.one_of(st.none(), st.none(), _TEXT),
        }
    )


def page_line(listed_source: str) -> st.SearchStrategy[str]:
    """One line of a page file: an envelope as JSON, or now and then something that is not one."""
    not_an_envelope = st.one_of(_SHORT_TEXT, st.just("{"), st.just("[]"), st.just("null"), st.just('"page"'))
    as_json = envelope(listed_source).map(lambda body: json.dumps(body, ensure_ascii=False))
    return st.one_of(*[as_json] * 12, not_an_envelope).filter(lambda line: "\n" not in line and "\r" not in line)


def raw_run() -> st.SearchStrategy[dict[str, list[str]]]:
    """The page files of one run: per source listed in the manifest, its lines (one job run reads them all, and a
    job run costs seconds, so a run carries many pages)."""
    return st.sets(st.sampled_from(Source.ALL), min_size=3).flatmap(
        lambda sources: st.fixed_dictionaries(
            {source: st.lists(page_line(source), min_size=1, max_size=6) for source in sorted(sources)}
        )
    )


def _line(source: str, response: Any, status: int = 200) -> str:
    """An envelope line as the extraction's raw writer writes it."""
    page = RawPage(source, None, f"/v1/{source}", "https://api.spotify.com/v1/x", {}, status, FETCHED_AT, response)
    return envelope_line(page, ApiMode.DEVELOPMENT)


def edge_case_run() -> dict[str, list[str]]:
    """A run of hand-picked edge cases, checked on every test run whatever the profile: lists that are not lists
    of records, a name of 20,000 characters in three scripts, numbers past their types, nulls where records were,
    an error page and a line that is not JSON."""
    artist = {"id": "4Z8W4fKeB5YxbusRsdQVPb", "name": "Sigur Rós", "type": "artist", "uri": "spotify:artist:x"}
    album = {
        "id": "6dVIqQ8qmQ5GBnJ9shOYGE",
        "name": "Ágætis byrjun",
        "album_type": "album",
        "release_date": "1999-06-12",
        "release_date_precision": "day",
        "total_tracks": 10,
        "images": [{"url": "https://i.scdn.co/image/a", "height": 640, "width": 640}],
        "artists": [artist],
    }
    track = {
        "id": "3Z2tPWiNiIpg8UMMoowHIk",
        "name": "Svefn-g-englar",
        "duration_ms": 600_000,
        "explicit": False,
        "disc_number": 1,
        "track_number": 2,
        "is_local": False,
        "type": "track",
        "artists": [artist],
        "album": album,
        "external_ids": {"isrc": "GBAAA9900001"},
    }
    extreme = {**track, "id": "7ouMYWpwJ422jRcDASZB7P", "name": "ع" * 10_000 + "日本語" + "🎧" * 9_997}
    extreme |= {"popularity": 2**70, "duration_ms": -5, "disc_number": 2**40}
    play = {"track": track, "played_at": "2026-11-24T05:59:59.123Z", "context": None}
    return {
        Source.RECENTLY_PLAYED: [_line(Source.RECENTLY_PLAYED, {"items": [1, play], "next": None})],
        Source.SAVED_TRACKS: [
            _line(Source.SAVED_TRACKS, {"items": {"added_at": "2026-11-01T00:00:00Z"}, "total": 1}),
            _line(Source.SAVED_TRACKS, {"items": [{"added_at": "2026-11-01T00:00:00Z", "track": track}], "total": 1}),
        ],
        Source.TOP_TRACKS: [_line(Source.TOP_TRACKS, {"items": [extreme, None, track], "offset": 0, "total": 3})],
        Source.PLAYLISTS: [
            _line(Source.PLAYLISTS, {"id": "37i9dQZF1DXcBWIGoYBM5M", "name": "∅", "items": {"items": "none"}}),
        ],
        Source.ARTISTS: [_line(Source.ARTISTS, {"artists": [None, {**artist, "genres": ["פופ", None]}]})],
        Source.SEARCH: [_line(Source.SEARCH, {"tracks": {"items": [track]}, "albums": "none"})],
        Source.ALBUM_TRACKS: ["{"],
        Source.USER_PLAYLISTS: [_line(Source.USER_PLAYLISTS, {"error": {"status": 500}}, status=500)],
    }
