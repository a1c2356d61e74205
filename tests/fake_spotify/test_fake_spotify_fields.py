"""The `fields` filter of the playlist endpoints (`local.fake_spotify.fields`)."""

from __future__ import annotations

import pytest

from local.fake_spotify.fields import FieldsError, apply_fields, parse_fields

PLAYLIST = {
    "name": "Läuft bei mir",
    "uri": "spotify:playlist:x",
    "items": {
        "total": 2,
        "items": [
            {
                "added_at": "2026-01-01T00:00:00Z",
                "added_by": {"id": "u1", "type": "user"},
                "item": {"name": "Hoppípolla", "href": "h1", "album": {"name": "Takk", "href": "a1", "id": "x"}},
            },
            {"added_at": None, "added_by": None, "item": None},
        ],
    },
}


def select(fields: str) -> object:
    return apply_fields(PLAYLIST, parse_fields(fields))


def test_a_comma_list_keeps_only_those_top_level_fields() -> None:
    assert select("name,uri") == {"name": "Läuft bei mir", "uri": "spotify:playlist:x"}


def test_parentheses_select_inside_every_object_of_an_array_and_dots_inside_one_object() -> None:
    assert select("items(total,items(added_by.id,item(name)))") == {
        "items": {
            "total": 2,
            "items": [{"added_by": {"id": "u1"}, "item": {"name": "Hoppípolla"}}, {"added_by": None, "item": None}],
        }
    }


def test_a_group_of_exclusions_keeps_every_other_field() -> None:
    selected = select("items.items(item(album(!href,!id)))")
    assert selected["items"]["items"][0]["item"]["album"] == {"name": "Takk"}


@pytest.mark.parametrize("fields", ["items(total", "name,,uri", "items)", "!items(total)", "na-me"])
def test_a_malformed_fields_value_is_refused(fields: str) -> None:
    with pytest.raises(FieldsError):
        parse_fields(fields)
