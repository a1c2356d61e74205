"""The facts that decide how many calls a run needs: page sizes per mode, pages needed, scopes per source."""

from __future__ import annotations

import pytest

from contracts.raw_zone import ApiMode
from extract import endpoints as ep


@pytest.mark.parametrize(
    ("items", "page_size", "max_pages", "calls"),
    [
        (0, 50, None, 1),  # an empty list still takes the call that says so
        (50, 50, None, 1),
        (51, 50, None, 2),
        (1000, 50, None, 20),
        (95, 10, 2, 2),  # search pages are capped by configuration
    ],
)
def test_pages_needed_is_the_fewest_calls_for_a_list(items: int, page_size: int, max_pages: int, calls: int) -> None:
    assert ep.pages_needed(items, page_size, max_pages) == calls


def test_development_mode_searches_ten_results_a_page_and_extended_fifty() -> None:
    assert ep.search_limit(ApiMode.DEVELOPMENT) == 10
    assert ep.search_limit(ApiMode.EXTENDED) == 50


def test_required_scope_covers_exactly_the_selected_user_sources() -> None:
    # Given recently played and the user's playlists selected
    scope = ep.required_scope(("recently_played", "user_playlists"))
    # Then the token must carry their scopes, and no other
    assert scope.split() == ["playlist-read-collaborative", "playlist-read-private", "user-read-recently-played"]


def test_editorial_playlists_are_told_by_their_id_prefix() -> None:
    assert ep.is_editorial_playlist("37i9dQZF1DXcBWIGoYBM5M")
    assert not ep.is_editorial_playlist("3cEYpjA9oz9GiPac4AsH4n")


def test_endpoints_are_recorded_with_the_api_prefix_path() -> None:
    assert ep.PLAYLIST_ITEMS.describe("/v1/") == "/v1/playlists/{playlist_id}/items"
