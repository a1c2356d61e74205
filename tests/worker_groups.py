"""Which tests `make test` sends to the same pytest-xdist worker, and the ledger that proves each expensive session
fixture is built once per run.

The promise: every session fixture below is built once per run of the suite (the local pipeline's runs on one
warm Spark worker, the in-process SparkSession, the synthesized CDK app), however the tests are spread over the
workers. So every test that uses one of them runs on that fixture's worker, and a test that uses the fixtures of
two groups joins the two groups into one unit.

How: each worker, once it has collected, works out every test's unit from the fixtures the test really uses (the
definitions its fixture closure resolves to: a module's own fixture that shadows a shared name, like
tests/local/test_emulated_aws.py's `wired`, does not count) and writes the map to a folder the controller named;
the controller's scheduler (tests/conftest.py) reads it. Each shared fixture also signs a ledger when it is built,
and the controller fails the run, naming the fixture, if one was built twice. Nothing here is kept by hand: a new
test is placed by what it uses.

Why a scheduler of our own: xdist's `--dist loadgroup` silently stops grouping under pytest 9.2, because its worker
appends the group to `item._nodeid`, which pytest's structured node ids no longer read
(https://github.com/pytest-dev/pytest-xdist/issues/1386, fix proposed in pytest-dev/pytest-xdist#1388). Once an
xdist release groups `xdist_group` marks again under the pytest we pin, the unit map can become those marks
(`item.add_marker(pytest.mark.xdist_group(unit))` at collection, `--dist loadgroup`) and the scheduler and the
map folder can go; the ledger stays.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

# The expensive session fixtures and the group each belongs to. Fixtures that share a resource share a group:
# the two local-pipeline fixtures both run on the one warm Spark worker (`spark_jobs`).
SHARED_FIXTURES: dict[str, str] = {
    "spark_jobs": "local-pipeline",
    "daily_runs": "local-pipeline",
    "bad_day": "local-pipeline",
    "spark": "spark",
    "wired": "cdk-app",
    "aws_only": "cdk-app",
}

UNITS_FILE = "units.json"
LEDGER_FILE = "builds.txt"
# The key under which the controller hands the folder to the workers (xdist's `workerinput`).
WORKERINPUT_KEY = "worker_groups_dir"


# The controller's folder for both, handed to each xdist worker in its `workerinput`.
GROUPS_DIR = pytest.StashKey[Path]()


def groups_dir(config: pytest.Config) -> Path | None:
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        folder = workerinput.get(WORKERINPUT_KEY)
        return Path(folder) if folder else None
    return config.stash.get(GROUPS_DIR, None)


def sign_build(request: pytest.FixtureRequest) -> None:
    """Called by each shared fixture as it is built."""
    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    sign_ledger(groups_dir(request.config), request.fixturename, worker)


def shared_fixtures_used(item: Any) -> set[str]:
    """The shared session fixtures `item` really uses: in its closure, and resolved to a session-scoped definition
    (not a same-named fixture of narrower scope in its own module)."""
    used = set()
    name2defs = item._fixtureinfo.name2fixturedefs
    for name in item.fixturenames:
        definitions = name2defs.get(name) or ()
        if name in SHARED_FIXTURES and definitions and definitions[-1].scope == "session":
            used.add(name)
    return used


def units(needs: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Each test's scheduling unit, from the shared fixtures each test (by node id) uses: the group of its fixtures,
    groups that one test needs together joined into one unit, or else the test's own file."""
    parent: dict[str, str] = {}

    def root(group: str) -> str:
        parent.setdefault(group, group)
        while parent[group] != group:
            group = parent[group]
        return group

    for fixtures in needs.values():
        groups = sorted({SHARED_FIXTURES[name] for name in fixtures})
        for group in groups[1:]:
            parent[root(group)] = root(groups[0])
    used = {SHARED_FIXTURES[name] for fixtures in needs.values() for name in fixtures}
    members: dict[str, set[str]] = {}
    for group in used:
        members.setdefault(root(group), set()).add(group)
    unit_of = {group: "+".join(sorted(members[root(group)])) for group in used}
    result = {}
    for nodeid, fixtures in needs.items():
        groups = {SHARED_FIXTURES[name] for name in fixtures}
        result[nodeid] = unit_of[min(groups)] if groups else nodeid.split("::", 1)[0]
    return result


def heaviest_first(items: list[Any]) -> None:
    """Order `items` (in place) so that the units likely to take longest start first: those with a slow end-to-end
    test, then the shared fixtures' units, then the rest; a unit's tests stay together and in their order.

    Why: xdist hands out units in this order (`tests/conftest.py` turns its own reordering off, which goes by the
    number of tests and so started the one-pipeline units with few tests last, each then the run's whole tail)."""
    unit_of = units({item.nodeid: shared_fixtures_used(item) for item in items})
    rank: dict[str, tuple[int, int]] = {}
    for index, item in enumerate(items):
        weight = 0 if item.get_closest_marker("slow") else 1 if shared_fixtures_used(item) else 2
        unit = unit_of[item.nodeid]
        earlier = rank.get(unit)
        rank[unit] = (min(weight, earlier[0]), earlier[1]) if earlier else (weight, index)
    items.sort(key=lambda item: rank[unit_of[item.nodeid]])


def write_units(folder: Path, items: Iterable[Any]) -> None:
    """A worker's map of every collected test to its unit (each worker collects the same tests)."""
    mapping = units({item.nodeid: shared_fixtures_used(item) for item in items})
    partial = folder / f"{UNITS_FILE}.{os.getpid()}"
    partial.write_text(json.dumps(mapping), encoding="utf-8")
    partial.replace(folder / UNITS_FILE)


def read_units(folder: Path) -> dict[str, str]:
    path = folder / UNITS_FILE
    if not path.is_file():
        raise RuntimeError(f"no worker wrote {path}: is tests/conftest.py's pytest_collection_finish hook loaded?")
    return json.loads(path.read_text(encoding="utf-8"))


def sign_ledger(folder: Path | None, fixture: str, worker: str) -> None:
    """Record that `worker` built `fixture` (one short line per append: atomic on a local file system)."""
    if folder is not None:
        with (folder / LEDGER_FILE).open("a", encoding="utf-8") as ledger:
            ledger.write(f"{fixture} {worker}\n")


def built_more_than_once(folder: Path) -> dict[str, list[str]]:
    """The shared fixtures the ledger shows built more than once, with the workers that built them."""
    path = folder / LEDGER_FILE
    lines = path.read_text(encoding="utf-8").split() if path.is_file() else []
    builds = list(zip(lines[::2], lines[1::2], strict=True))
    counts = Counter(fixture for fixture, _ in builds)
    return {
        fixture: sorted(worker for name, worker in builds if name == fixture) for fixture, n in counts.items() if n > 1
    }
