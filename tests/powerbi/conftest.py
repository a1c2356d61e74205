"""Fixtures of the report tests: a local warehouse holding three days of a small listening history (loaded
through the pipes as the Glue job's Parquet files), the committed Power BI Project read back from disk, and
headless Chromium.

The history (2026-03-01 to 2026-03-03), and what the report must make of it:
    plays      9, three a day; Jóga 3, Teardrop 2, the rest 1; one explicit play (Angel)
    artists    main artists Björk (4 plays), Massive Attack (3), Nina Simone (1), Unsigned (1); new per day 2, 1, 1
    genres     electronica 7, art pop 4, trip hop 3, jazz 1, soul 1 (Unsigned has none)
    decades    1990s 7 plays, 1960s 1, unknown 1
    playlists  Morning loses Teardrop and gains Human Behaviour on day 2; Evening gains Mystery Track on day 3
    top lists  short-term tracks: day 1 Jóga, Teardrop, Feeling Good; day 2 Teardrop, Jóga, Angel;
               day 3 Teardrop, Angel, Jóga. Short-term artists: day 1 Björk, Massive Attack; day 3 reversed
    saved      2 tracks;  rejects: 1 dim_track row without an id
    quality    (the runs' reports and manifests) day 1: 1 dim_track row quarantined (duration_ms_positive), 2
               dropped (duplicate_key), a play gap; day 2 a partial run: 1 entity error (playlist p3, 404), 2
               pending items, 1 fact_playlist_item dropped (local_file), 1 page quarantined
               (malformed_response); day 3: nothing quarantined, dropped or missing (zeros)
"""

from __future__ import annotations

import datetime
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from dst_plays import BERLIN, DST_PLAYS
from model_files import write_model_file

from config import PipelineConfig
from powerbi.project import PROJECT_DIR, REPORT_DIR, SEMANTIC_MODEL_DIR

CHROMIUM = Path("/usr/bin/chromium")

DAYS = ("2026-03-01", "2026-03-02", "2026-03-03")
RUNS = {day: f"{day.replace('-', '')}T061500Z-0000000{i}" for i, day in enumerate(DAYS)}


def _at(day: str, clock: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{clock}:00+00:00")


def _day(day: str) -> datetime.date:
    return datetime.date.fromisoformat(day)


ARTISTS = [
    {"artist_id": "ar1", "artist_name": "Björk", "genres": ["art pop", "electronica"]},
    {"artist_id": "ar2", "artist_name": "Massive Attack", "genres": ["trip hop", "electronica"]},
    {"artist_id": "ar3", "artist_name": "Nina Simone", "genres": ["jazz", "soul"]},
    {"artist_id": "ar4", "artist_name": "Unsigned", "genres": None},
]
ALBUMS = [
    {"album_id": "al1", "album_name": "Homogenic", "release_date": "1997-09-22", "release_year": 1997},
    {"album_id": "al2", "album_name": "Mezzanine", "release_date": "1998-04-20", "release_year": 1998},
    {"album_id": "al3", "album_name": "I Put a Spell on You", "release_date": "1965", "release_year": 1965},
    {"album_id": "al4", "album_name": "Debut", "release_date": "1993-07", "release_year": 1993},
    {"album_id": "al5", "album_name": "Demo", "release_date": None, "release_year": None},
]
TRACKS = [
    {"track_id": "t1", "track_name": "Jóga", "duration_ms": 305000, "explicit": False, "album_id": "al1"},
    {"track_id": "t2", "track_name": "Teardrop", "duration_ms": 330000, "explicit": False, "album_id": "al2"},
    {"track_id": "t3", "track_name": "Feeling Good", "duration_ms": 177000, "explicit": False, "album_id": "al3"},
    {"track_id": "t4", "track_name": "Human Behaviour", "duration_ms": 252000, "explicit": False, "album_id": "al4"},
    {"track_id": "t5", "track_name": "Angel", "duration_ms": 379000, "explicit": True, "album_id": "al2"},
    {"track_id": "t6", "track_name": "Mystery Track", "duration_ms": 200000, "explicit": None, "album_id": "al5"},
    {"track_name": "No id"},  # broken: rejected by the warehouse, counted in the data-quality page
]
TRACK_ARTISTS = [("t1", "ar1", 0), ("t2", "ar2", 0), ("t2", "ar3", 1), ("t3", "ar3", 0), ("t4", "ar1", 0)]
TRACK_ARTISTS += [("t5", "ar2", 0), ("t6", "ar4", 0)]
ALBUM_ARTISTS = [("al1", "ar1"), ("al2", "ar2"), ("al3", "ar3"), ("al4", "ar1"), ("al5", "ar4")]
PLAYS = {
    DAYS[0]: [("06:10", "t1"), ("07:20", "t2"), ("20:05", "t1")],
    DAYS[1]: [("08:00", "t3"), ("09:30", "t5"), ("21:15", "t2")],
    DAYS[2]: [("10:00", "t4"), ("11:45", "t6"), ("12:30", "t1")],
}
# Plays the history export reported too (the warehouse matches them to the API's): how long they really played.
HISTORY_EXPORT = {
    (DAYS[1], "09:30"): {"ms_played": 12000, "skipped": True},
    (DAYS[2], "10:00"): {"ms_played": 252000, "skipped": False},
}
PLAYLISTS = [
    {"playlist_id": "p1", "playlist_name": "Morning", "owner_id": "me", "owner_name": "Listener", "total_items": 3},
    {"playlist_id": "p2", "playlist_name": "Evening", "owner_id": "me", "owner_name": "Listener", "total_items": 2},
]
PLAYLIST_SNAPSHOTS = {
    DAYS[0]: {"p1": ["t1", "t2", "t3"], "p2": ["t5"]},
    DAYS[1]: {"p1": ["t1", "t3", "t4"]},
    DAYS[2]: {"p1": ["t1", "t3", "t4"], "p2": ["t5", "t6"]},
}
TOP_LISTS = {
    DAYS[0]: {("short_term", "track"): ["t1", "t2", "t3"], ("short_term", "artist"): ["ar1", "ar2"]},
    DAYS[1]: {("short_term", "track"): ["t2", "t1", "t5"]},
    DAYS[2]: {("short_term", "track"): ["t2", "t5", "t1"], ("short_term", "artist"): ["ar2", "ar1"]},
}
SAVED = [("t1", _at("2025-12-01", "10:00")), ("t3", _at(DAYS[1], "09:00"))]
# What each day's run report and manifest say (the run-quality tables): (table, outcome, reason, rows), then the
# extraction's status and its issues.
OUTCOMES = {
    DAYS[0]: [
        ("dim_track", "output", "kept", 6),
        ("dim_track", "quarantined", "duration_ms_positive", 1),
        ("dim_track", "dropped", "duplicate_key", 2),
        ("fact_play", "output", "kept", 3),
        ("raw_pages", "output", "kept", 10),
    ],
    DAYS[1]: [
        ("fact_play", "output", "kept", 3),
        ("fact_playlist_item", "output", "kept", 3),
        ("fact_playlist_item", "dropped", "local_file", 1),
        ("raw_pages", "output", "kept", 8),
        ("raw_pages", "quarantined", "malformed_response", 1),
    ],
    DAYS[2]: [("fact_play", "output", "kept", 3), ("raw_pages", "output", "kept", 9)],
}
EXTRACTION_STATUS = {DAYS[0]: "complete", DAYS[1]: "partial", DAYS[2]: "complete"}
ISSUES = {
    DAYS[0]: [{"issue_type": "play_gap", "source": "recently_played", "gap_to": _at(DAYS[0], "05:00")}],
    DAYS[1]: [
        {"issue_type": "entity_error", "source": "playlist_items", "entity_id": "p3", "http_status": 404},
        {"issue_type": "pending", "source": "albums", "entity_id": "al6"},
        {"issue_type": "pending", "source": "albums", "entity_id": "al7"},
    ],
    DAYS[2]: [],
}


def run_quality_files(day: str) -> dict[str, list[dict[str, Any]]]:
    """The run-quality rows the day's transform writes, per table."""
    lineage = {
        "transformed_at": _at(day, "06:20"),
        "source_file": f"spotify/ingest_date={day}/run_id={RUNS[day]}/_manifest.json",
    }
    issues = [{"issue_number": n, **issue, **lineage} for n, issue in enumerate(ISSUES[day])]
    counted = {kind: sum(1 for i in ISSUES[day] if i["issue_type"] == kind) for kind in ("entity_error", "pending")}
    run = {
        "extraction_status": EXTRACTION_STATUS[day],
        "api_mode": "development",
        "entity_errors": counted["entity_error"],
        "fallbacks": 0,
        "pending_items": counted["pending"],
        "play_gaps": sum(1 for i in ISSUES[day] if i["issue_type"] == "play_gap"),
        **lineage,
    }
    outcomes = [{"table_name": t, "outcome": o, "reason": r, "row_count": n, **lineage} for t, o, r, n in OUTCOMES[day]]
    files = {"run_table_outcome": outcomes, "run_extraction": [run]}
    return files | ({"run_extraction_issue": issues} if issues else {})


def history_files(day: str) -> dict[str, list[dict[str, Any]]]:
    """The model rows the day's run writes, per model table."""
    files: dict[str, list[dict[str, Any]]] = {
        "fact_play": [{"played_at": _at(day, clock), "track_id": track} for clock, track in PLAYS[day]]
        + [
            {"played_at": _at(day, clock), "track_id": track, "play_source": "export", **HISTORY_EXPORT[day, clock]}
            for clock, track in PLAYS[day]
            if (day, clock) in HISTORY_EXPORT
        ],
        "fact_playlist_item": [
            {
                "snapshot_date": _day(day),
                "playlist_id": playlist,
                "position": position,
                "item_type": "track",
                "track_id": track,
                "added_at": _at(DAYS[0], "00:00"),
                "added_by": "me",
            }
            for playlist, tracks in PLAYLIST_SNAPSHOTS[day].items()
            for position, track in enumerate(tracks)
        ],
        "fact_top_item": [
            {"snapshot_date": _day(day), "time_range": time_range, "item_type": kind, "rank": rank, "item_id": item}
            for (time_range, kind), items in TOP_LISTS[day].items()
            for rank, item in enumerate(items, start=1)
        ],
    }
    if day == DAYS[0]:
        files |= {
            "dim_artist": ARTISTS,
            "dim_album": ALBUMS,
            "dim_track": TRACKS,
            "dim_playlist": PLAYLISTS,
            "bridge_track_artist": [{"track_id": t, "artist_id": a, "artist_position": p} for t, a, p in TRACK_ARTISTS],
            "bridge_album_artist": [{"album_id": al, "artist_id": a, "artist_position": 0} for al, a in ALBUM_ARTISTS],
            "fact_saved_track": [{"track_id": track, "saved_at": at} for track, at in SAVED],
        }
    return files | run_quality_files(day)


@pytest.fixture(scope="session")
def history_dirs(
    tmp_path_factory: pytest.TempPathFactory, local_config: PipelineConfig, variables: dict[str, str]
) -> tuple[Path, Path]:
    """(db_dir, stage_root) of a warehouse holding the three days, each day's files loaded through the pipes.

    The warehouse is closed again: fakesnow patches the connector process-wide, so only one may be open."""
    from local.warehouse import LocalWarehouse

    root = tmp_path_factory.mktemp("listening-history")
    with LocalWarehouse(root / "db", root / "s3", local_config, variables) as warehouse:
        warehouse.apply()
        for day in DAYS:
            for table, rows in history_files(day).items():
                warehouse.ingest(table, write_model_file(root / "s3", table, day, RUNS[day], rows))
            warehouse.refresh()
    return root / "db", root / "s3"


@pytest.fixture
def history_warehouse(
    history_dirs: tuple[Path, Path], tmp_path: Path, local_config: PipelineConfig, variables: dict[str, str]
) -> Iterator[Any]:
    """The three-day warehouse, open (on a copy, so that no test changes another's data)."""
    from local.warehouse import LocalWarehouse

    db_dir, stage_root = history_dirs
    shutil.copytree(db_dir, tmp_path / "db")
    with LocalWarehouse(tmp_path / "db", stage_root, local_config, variables) as warehouse:
        yield warehouse


@pytest.fixture(scope="session")
def berlin_config(local_config: PipelineConfig) -> PipelineConfig:
    from config import load_config

    return load_config("local", overrides={"reporting": {"time_zone": BERLIN}})


@pytest.fixture
def dst_warehouse(tmp_path: Path, berlin_config: PipelineConfig) -> Iterator[Any]:
    """A warehouse reporting in Berlin time, holding the plays of DST_PLAYS (one track, Jóga by Björk)."""
    from local.warehouse import LocalWarehouse, local_variables

    variables = local_variables(berlin_config, berlin_config.bucket_name("processed"), "123456789012", "us-east-1")
    day, run = "2026-10-25", "20261025T061500Z-00000001"
    plays = [{"played_at": datetime.datetime.fromisoformat(f"{at}:00+00:00"), "track_id": "t1"} for at in DST_PLAYS]
    files = {
        "dim_artist": ARTISTS[:1],
        "dim_album": ALBUMS[:1],
        "dim_track": TRACKS[:1],
        "bridge_track_artist": [{"track_id": "t1", "artist_id": "ar1", "artist_position": 0}],
        "fact_play": plays,
    }
    with LocalWarehouse(tmp_path / "db", tmp_path / "s3", berlin_config, variables) as warehouse:
        warehouse.apply()
        for table, rows in files.items():
            warehouse.ingest(table, write_model_file(tmp_path / "s3", table, day, run, rows))
        warehouse.refresh()
        yield warehouse


@pytest.fixture
def empty_warehouse(tmp_path: Path, local_config: PipelineConfig, variables: dict[str, str]) -> Iterator[Any]:
    """A warehouse with every migration applied and no data: a first `make run` that loaded nothing."""
    from local.warehouse import LocalWarehouse

    with LocalWarehouse(tmp_path / "db", tmp_path / "s3", local_config, variables) as warehouse:
        warehouse.apply()
        yield warehouse


# -- the committed Power BI Project, read back --------------------------------------------------------------


@dataclass
class TmdlColumn:
    name: str
    data_type: str
    source_column: str


@dataclass
class TmdlTable:
    name: str
    columns: dict[str, TmdlColumn] = field(default_factory=dict)
    measures: dict[str, str] = field(default_factory=dict)  # name -> DAX
    partition_kind: str = ""
    partition_source: str = ""


_DECLARATION = re.compile(r"^(\t*)(table|column|measure|partition) ('(?:[^']|'')*'|[^\s=]+)( =(?: (.*))?)?$")
_PROPERTY = re.compile(r"^(\t+)(\w+)(?:: (.*)| =(?: (.*))?)$")


def tmdl_name(text: str) -> str:
    text = text.strip()
    return text[1:-1].replace("''", "'") if text.startswith("'") else text


def tmdl_reference(text: str) -> tuple[str, str]:
    """`'Listening history'.'Played date'` -> ("Listening history", "Played date")."""
    match = re.fullmatch(r"('(?:[^']|'')+'|[^.']+)\.('(?:[^']|'')+'|[^.']+)", text.strip())
    assert match, f"not a Table.Column reference: {text!r}"
    return tmdl_name(match[1]), tmdl_name(match[2])


def _depth(line: str) -> int:
    return len(line) - len(line.lstrip("\t"))


def read_tmdl_table(text: str) -> TmdlTable:
    """The table, its columns, measures and partition, read from the text of a tables/*.tmdl file alone.

    An expression is on its declaration's line after " = ", or on the lines below, two levels deeper."""
    lines = text.splitlines()
    table: TmdlTable | None = None
    column: TmdlColumn | None = None
    index = 0

    def expression_below(depth: int) -> str:
        nonlocal index
        body = []
        while index + 1 < len(lines) and lines[index + 1].strip() and _depth(lines[index + 1]) >= depth + 2:
            index += 1
            body.append(lines[index][depth + 2 :])
        return "\n".join(body)

    while index < len(lines):
        line = lines[index]
        if declaration := _DECLARATION.match(line):
            depth, kind, name = len(declaration[1]), declaration[2], tmdl_name(declaration[3])
            has_expression, value = declaration[4] is not None, declaration[5]
            expression = (value or "") if not has_expression or value else expression_below(depth)
            if kind == "table":
                table = TmdlTable(name)
            elif table is not None and kind == "column":
                column = TmdlColumn(name, "", "")
                table.columns[name] = column
            elif table is not None and kind == "measure":
                column = None
                table.measures[name] = expression
            elif table is not None and kind == "partition":
                column = None
                table.partition_kind = expression
        elif (prop := _PROPERTY.match(line)) and table is not None:
            depth, key, value = len(prop[1]), prop[2], prop[3]
            if key == "source" and prop[3] is None:
                table.partition_source = prop[4] or expression_below(depth)
            elif column is not None and key == "dataType":
                column.data_type = value
            elif column is not None and key == "sourceColumn":
                column.source_column = value
        index += 1
    assert table is not None, "no table in the file"
    return table


@dataclass
class CommittedProject:
    root: Path
    tables: dict[str, TmdlTable]
    relationships: list[tuple[tuple[str, str], tuple[str, str]]]
    parameters: dict[str, str]  # name -> the text above it (its description)
    visuals: dict[str, dict[str, Any]]  # path -> visual.json


@pytest.fixture(scope="session")
def committed_project() -> CommittedProject:
    definition = PROJECT_DIR / SEMANTIC_MODEL_DIR / "definition"
    tables = {}
    for path in sorted((definition / "tables").glob("*.tmdl")):
        parsed = read_tmdl_table(path.read_text(encoding="utf-8"))
        tables[parsed.name] = parsed
    relationships = []
    for block in (definition / "relationships.tmdl").read_text(encoding="utf-8").split("\n\n"):
        props = {m[2]: m[3] for m in (_PROPERTY.match(line) for line in block.splitlines()) if m}
        relationships.append((tmdl_reference(props["fromColumn"]), tmdl_reference(props["toColumn"])))
    parameters = {}
    description = ""
    for line in (definition / "expressions.tmdl").read_text(encoding="utf-8").splitlines():
        if line.startswith("///"):
            description = line[3:].strip()
        elif match := re.match(r"^expression (\S+) = .*IsParameterQuery=true", line):
            parameters[match[1]] = description
            description = ""
    visuals = {
        path.relative_to(PROJECT_DIR).as_posix(): json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((PROJECT_DIR / REPORT_DIR / "definition" / "pages").glob("*/visuals/*/visual.json"))
    }
    return CommittedProject(PROJECT_DIR, tables, relationships, parameters, visuals)


# -- a browser -------------------------------------------------------------------------------------------------


def chromium_command(profile: Path, *arguments: str) -> list[str]:
    return [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",  # a laptop's browser window: the dashboard's grid at its full width
        f"--user-data-dir={profile}",
        *arguments,
    ]


@pytest.fixture
def dump_dom(tmp_path: Path) -> Any:
    """`dump_dom(html_file) -> str`: the page's DOM after its scripts ran, from headless Chromium."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is not installed (Debian: apt-get install chromium); the browser test needs it")

    def dump(page: Path, query: str = "") -> str:
        """`query`: the page address's query string, e.g. "from=2026-03-02&to=2026-03-02" (the date filter)."""
        address = page.as_uri() + (f"?{query}" if query else "")
        command = chromium_command(tmp_path / "profile", "--virtual-time-budget=5000", "--dump-dom", address)
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603
        assert result.returncode == 0, f"chromium failed: {result.stderr[-2000:]}"
        return result.stdout

    return dump
