"""`make test` builds each expensive session fixture once: every test that uses one runs in that fixture's unit
(tests/worker_groups.py), and a run that built one twice fails."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import worker_groups
from worker_groups import (
    SHARED_FIXTURES,
    built_more_than_once,
    heaviest_first,
    shared_fixtures_used,
    sign_ledger,
    units,
)


def test_every_test_shares_its_unit_with_every_test_that_uses_a_shared_fixture_it_uses(
    request: pytest.FixtureRequest,
) -> None:
    items = request.session.items
    unit_of = units({item.nodeid: shared_fixtures_used(item) for item in items})
    for fixture, group in SHARED_FIXTURES.items():
        users = [item.nodeid for item in items if fixture in shared_fixtures_used(item)]
        # Every group a test needs, not only the first: all users of a fixture are in one unit, the group's
        assert {unit_of[nodeid] for nodeid in users} <= {group}, f"{fixture}: {users}"


def test_no_test_joins_two_groups_so_the_groups_still_run_side_by_side(request: pytest.FixtureRequest) -> None:
    joined = {
        item.nodeid: sorted(groups)
        for item in request.session.items
        if len(groups := {SHARED_FIXTURES[name] for name in shared_fixtures_used(item)}) > 1
    }
    assert joined == {}, "split these tests, or their groups run on one worker: " + repr(joined)


def test_a_module_fixture_that_shadows_a_shared_name_does_not_count(request: pytest.FixtureRequest) -> None:
    found = [i for i in request.session.items if i.nodeid.endswith("test_only_a_manifest_starts_the_transform")]
    if not found:
        pytest.skip("tests/local/test_emulated_aws.py is not selected in this run")
    (item,) = found
    assert "wired" in item.fixturenames  # tests/local/test_emulated_aws.py's own function-scoped `wired`
    assert shared_fixtures_used(item) == set()


# -- the unit map and the ledger, on inline data -------------------------------------------------------------------


@dataclass
class Definition:
    scope: str


@dataclass
class FakeItem:
    nodeid: str
    fixturenames: list[str]
    scopes: dict[str, str] = field(default_factory=dict)
    markers: tuple[str, ...] = ()

    def get_closest_marker(self, name: str) -> str | None:
        return name if name in self.markers else None

    @property
    def _fixtureinfo(self) -> Any:
        class Info:
            name2fixturedefs = {name: (Definition(scope),) for name, scope in self.scopes.items()}

        return Info()


def test_a_test_is_placed_by_the_session_fixtures_its_closure_resolves_to() -> None:
    uses_runs = FakeItem("tests/a.py::t", ["daily_runs", "spark_jobs", "tmp_path"], {"daily_runs": "session"})
    shadowed = FakeItem("tests/b.py::t", ["wired"], {"wired": "function"})
    assert shared_fixtures_used(uses_runs) == {"daily_runs"}  # spark_jobs resolves to nothing here: not counted
    assert shared_fixtures_used(shadowed) == set()


def test_groups_one_test_needs_together_become_one_unit_for_every_test_of_either() -> None:
    unit_of = units(
        {
            "tests/stacks/test_x.py::a": {"wired"},
            "tests/reliability/test_y.py::b": {"daily_runs"},
            "tests/reliability/test_z.py::c": {"bad_day", "aws_only"},
            "tests/transform/test_t.py::d": {"spark"},
            "tests/extract/test_e.py::e[1]": set(),
        }
    )
    assert unit_of == {
        "tests/stacks/test_x.py::a": "cdk-app+local-pipeline",
        "tests/reliability/test_y.py::b": "cdk-app+local-pipeline",
        "tests/reliability/test_z.py::c": "cdk-app+local-pipeline",
        "tests/transform/test_t.py::d": "spark",
        "tests/extract/test_e.py::e[1]": "tests/extract/test_e.py",
    }


def test_units_with_a_slow_test_go_out_first_then_shared_fixtures_then_the_rest_each_unit_together() -> None:
    # Given the collection order: many quick tests, then a shared fixture's tests, then one slow module
    quick = [FakeItem(f"tests/a.py::q{n}", []) for n in range(3)]
    cdk = [FakeItem(f"tests/stacks/test_s.py::s{n}", ["wired"], {"wired": "session"}) for n in range(2)]
    runs = FakeItem("tests/local/test_l.py::l", ["daily_runs"], {"daily_runs": "session"}, markers=("slow",))
    mixed = FakeItem("tests/reliability/test_r.py::r", ["daily_runs"], {"daily_runs": "session"})
    own = FakeItem("tests/local/test_own.py::o", [], markers=("slow",))
    items = [quick[0], cdk[0], mixed, quick[1], cdk[1], runs, quick[2], own]
    # When ordered for the scheduler
    heaviest_first(items)
    # Then the units with a slow test lead (the local pipeline's tests together, in their order), then the CDK app
    assert [item.nodeid for item in items] == [
        mixed.nodeid,
        runs.nodeid,
        own.nodeid,
        *(item.nodeid for item in cdk),
        *(item.nodeid for item in quick),
    ]


def test_the_ledger_names_a_fixture_built_twice_and_the_workers_that_built_it(tmp_path: Path) -> None:
    for fixture, worker in (("spark", "gw0"), ("wired", "gw1"), ("spark", "gw1"), ("aws_only", "gw1")):
        sign_ledger(tmp_path, fixture, worker)
    assert built_more_than_once(tmp_path) == {"spark": ["gw0", "gw1"]}


def test_this_run_has_a_ledger_whenever_it_runs_on_workers(request: pytest.FixtureRequest) -> None:
    folder = worker_groups.groups_dir(request.config)
    assert folder is not None and folder.is_dir()
    if hasattr(request.config, "workerinput"):
        assert (folder / worker_groups.UNITS_FILE).is_file()
