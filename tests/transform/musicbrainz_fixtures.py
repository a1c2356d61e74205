"""A MusicBrainz answer for the transform's hand-made raw runs (transform_fixtures.py): what the enrichment keeps for
one ISRC, in the web service's shape (`/ws/2/isrc/<isrc>?inc=releases+artist-credits+tags+genres&fmt=json`)."""

from __future__ import annotations

from typing import Any


def musicbrainz_answer(isrc: str) -> dict[str, Any]:
    """One recording of Love On Top, on one release with a label, credited to Beyoncé with her genres."""
    beyonce = {"id": "mb-beyonce", "name": "Beyoncé", "genres": [{"id": "g-pop", "name": "pop", "count": 9}]}
    release = {
        "id": "mb-rel-4",
        "title": "4",
        "status": "Official",
        "date": "2011-06-24",
        "country": "US",
        "label-info": [{"catalog-number": "88697 92782 2", "label": {"id": "mb-columbia", "name": "Columbia"}}],
    }
    recording = {
        "id": "mb-rec-love-on-top",
        "title": "Love On Top",
        "length": 267000,
        "genres": [{"id": "g-rnb", "name": "contemporary r&b", "count": 4}],
        "artist-credit": [{"name": "Beyoncé", "joinphrase": "", "artist": beyonce}],
        "releases": [release],
    }
    return {"isrc": isrc, "recordings": [recording]}
