"""The reporting views join MusicBrainz to Spotify's tracks, albums and artists through the ISRC, and Spotify wins:
a label or genre list Spotify gives is kept, MusicBrainz fills what it leaves empty, and each says its source.
Real SQL (R__50) on the local warehouse, fed through the pipes."""

from __future__ import annotations

DAY, RUN = "2026-11-24", "20261124T061500Z-0a1b2c3d"
ISRC_1, ISRC_2 = "GBAAA2600001", "GBAAA2600002"


def load(warehouse, model_file, files: dict[str, list[dict]]) -> None:
    for table, rows in files.items():
        warehouse.ingest(table, model_file(table, DAY, RUN, rows))
    warehouse.refresh()


SPOTIFY = {
    "dim_album": [
        {"album_id": "al_mb", "album_name": "For Emma", "label": None},  # development mode: no label
        {"album_id": "al_sp", "album_name": "Bon Iver", "label": "Jagjaguwar"},
    ],
    "dim_artist": [
        {"artist_id": "ar_mb", "artist_name": "Bon Iver", "genres": None},
        {"artist_id": "ar_sp", "artist_name": "Björk", "genres": ["art pop"]},
    ],
    "dim_track": [
        {"track_id": "t1", "track_name": "Skinny Love", "isrc": ISRC_1.lower(), "album_id": "al_mb"},
        {"track_id": "t2", "track_name": "Holocene", "isrc": ISRC_2, "album_id": "al_sp"},
    ],
    "bridge_track_artist": [
        {"track_id": "t1", "artist_id": "ar_mb", "artist_position": 0},
        {"track_id": "t2", "artist_id": "ar_sp", "artist_position": 0},
    ],
}
MUSICBRAINZ = {
    "musicbrainz_recording": [
        {"isrc": ISRC_1, "musicbrainz_recording_id": "rec-1", "recordings_found": 1, "genres": ["indie folk"]},
        {"isrc": ISRC_2, "musicbrainz_recording_id": "rec-2", "recordings_found": 1, "genres": ["folk"]},
    ],
    "musicbrainz_release": [
        # The single comes first by date, but the release titled as the album is the album's.
        {
            "isrc": ISRC_1,
            "musicbrainz_release_id": "rel-single",
            "release_title": "Skinny Love",
            "release_date": "2007",
            "release_country": "US",
            "label_name": "Self-released",
        },
        {
            "isrc": ISRC_1,
            "musicbrainz_release_id": "rel-album",
            "release_title": "for emma",
            "release_date": "2008",
            "release_country": "GB",
            "label_name": "4AD",
        },
        {
            "isrc": ISRC_2,
            "musicbrainz_release_id": "rel-2",
            "release_title": "Bon Iver",
            "release_date": "2011",
            "release_country": "US",
            "label_name": "4AD",
        },
    ],
    "musicbrainz_artist_credit": [
        {
            "isrc": ISRC_1,
            "artist_position": 0,
            "musicbrainz_artist_id": "mb-boniver",
            "artist_name": "BON IVER",
            "genres": ["indie folk", "folk"],
        },
        {
            "isrc": ISRC_2,
            "artist_position": 0,
            "musicbrainz_artist_id": "mb-bjork",
            "artist_name": "Björk",
            "genres": ["electronic"],
        },
    ],
}


def test_musicbrainz_fills_the_label_spotify_leaves_empty_and_says_so(warehouse, model_file) -> None:
    load(warehouse, model_file, {**SPOTIFY, **MUSICBRAINZ})

    albums = warehouse.query(
        "SELECT album_id, label, label_source, release_country, musicbrainz_release_id "
        "FROM SPOTIFY.REPORTING.ALBUMS ORDER BY album_id"
    )

    assert albums == [
        ("al_mb", "4AD", "musicbrainz", "GB", "rel-album"),
        ("al_sp", "Jagjaguwar", "spotify", "US", "rel-2"),  # Spotify's label wins over MusicBrainz's 4AD
    ]


def test_musicbrainz_genres_stand_in_only_for_artists_spotify_gives_none(warehouse, model_file) -> None:
    load(warehouse, model_file, {**SPOTIFY, **MUSICBRAINZ})

    genres = warehouse.query(
        "SELECT artist_id, genre, genre_source FROM SPOTIFY.REPORTING.ARTIST_GENRES ORDER BY artist_id, genre_position"
    )
    artists = warehouse.query(
        "SELECT artist_id, genre_count, genres_source, musicbrainz_artist_id FROM SPOTIFY.REPORTING.ARTISTS "
        "ORDER BY artist_id"
    )

    assert genres == [
        ("ar_mb", "indie folk", "musicbrainz"),
        ("ar_mb", "folk", "musicbrainz"),
        ("ar_sp", "art pop", "spotify"),
    ]
    assert artists == [("ar_mb", 2, "musicbrainz", "mb-boniver"), ("ar_sp", 1, "spotify", "mb-bjork")]


def test_tracks_carry_their_recording_and_albums_the_genres_of_their_recordings(warehouse, model_file) -> None:
    load(warehouse, model_file, {**SPOTIFY, **MUSICBRAINZ})

    tracks = warehouse.query("SELECT track_id, musicbrainz_recording_id FROM SPOTIFY.REPORTING.TRACKS ORDER BY 1")
    album_genres = warehouse.query(
        "SELECT album_id, genre, album_tracks, genre_source FROM SPOTIFY.REPORTING.ALBUM_GENRES ORDER BY 1, 2"
    )

    assert tracks == [("t1", "rec-1"), ("t2", "rec-2")]
    assert album_genres == [("al_mb", "indie folk", 1, "musicbrainz"), ("al_sp", "folk", 1, "musicbrainz")]


def test_without_musicbrainz_the_views_are_what_spotify_gives(warehouse, model_file) -> None:
    load(warehouse, model_file, SPOTIFY)

    assert warehouse.query("SELECT album_id, label, label_source FROM SPOTIFY.REPORTING.ALBUMS ORDER BY 1") == [
        ("al_mb", None, None),
        ("al_sp", "Jagjaguwar", "spotify"),
    ]
    assert warehouse.query("SELECT artist_id, genre FROM SPOTIFY.REPORTING.ARTIST_GENRES") == [("ar_sp", "art pop")]
