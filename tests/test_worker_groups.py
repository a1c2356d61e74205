"""`make test` builds each expensive session fixture once: every test that uses one runs in its worker group."""

from __future__ import annotations

import pytest
from worker_groups import group_needed, scope_of


def test_every_test_using_a_shared_session_fixture_is_in_that_fixtures_worker_group(
    request: pytest.FixtureRequest,
) -> None:
    misplaced = sorted(
        {
            f"{item.nodeid.split('::', 1)[0]} to {needed!r}"
            for item in request.session.items
            if (needed := group_needed(getattr(item, "fixturenames", ()))) and scope_of(item.nodeid) != needed
        }
    )
    assert misplaced == [], "add in tests/worker_groups.py: " + "; ".join(misplaced)


def test_tests_outside_every_group_are_scheduled_file_by_file() -> None:
    assert scope_of("tests/extract/test_state.py::test_x[a]") == "tests/extract/test_state.py"
    assert scope_of("tests/transform/test_pages.py::test_y") == "spark"
