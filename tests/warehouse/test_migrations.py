"""applier.migrations: finding the versioned files, their checksums, rendering variables, splitting statements."""

from __future__ import annotations

from pathlib import Path

import pytest

from applier.errors import MigrationError, TemplateError
from applier.migrations import (
    MIGRATIONS_DIR,
    RETIRED_VERSIONS,
    load_migrations,
    migrations_fingerprint,
    render,
    split_statements,
)


def write(directory: Path, name: str, text: str = "SELECT 1;\n") -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(text, encoding="utf-8")


def test_migrations_are_ordered_by_version_number_not_by_file_name(tmp_path: Path) -> None:
    # Given files whose names sort differently from their versions
    write(tmp_path, "V1000__later.sql")
    write(tmp_path, "V999__earlier.sql")
    write(tmp_path, "V001__first.sql")

    # When they are loaded
    migrations = load_migrations(tmp_path)

    # Then they come in version order
    assert [m.label for m in migrations] == ["V001", "V999", "V1000"]


def test_a_badly_named_file_is_refused_with_the_expected_pattern(tmp_path: Path) -> None:
    write(tmp_path, "V001__first.sql")
    write(tmp_path, "002_second.sql")

    with pytest.raises(MigrationError, match=r"002_second.sql .* not named V<version>__<name>.sql or R__<name>.sql"):
        load_migrations(tmp_path)


def test_two_files_with_one_version_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "V002__a.sql")
    write(tmp_path, "V002__b.sql")

    with pytest.raises(MigrationError, match="share version 2"):
        load_migrations(tmp_path)


def test_checksum_ignores_windows_line_endings_but_not_edits(tmp_path: Path) -> None:
    write(tmp_path / "unix", "V001__a.sql", "SELECT 1;\nSELECT 2;\n")
    write(tmp_path / "windows", "V001__a.sql", "SELECT 1;\r\nSELECT 2;\r\n")
    write(tmp_path / "edited", "V001__a.sql", "SELECT 1;\nSELECT 3;\n")

    unix, windows, edited = (load_migrations(tmp_path / d)[0] for d in ("unix", "windows", "edited"))

    assert unix.checksum == windows.checksum
    assert unix.checksum != edited.checksum


def test_fingerprint_changes_when_a_migration_is_added(tmp_path: Path) -> None:
    write(tmp_path, "V001__a.sql")
    before = migrations_fingerprint(load_migrations(tmp_path))
    write(tmp_path, "V002__b.sql")

    assert migrations_fingerprint(load_migrations(tmp_path)) != before


def test_render_fills_variables_and_names_the_line_of_an_unknown_one() -> None:
    assert render("USE ${DATABASE};", {"DATABASE": "SPOTIFY"}, "V001__a.sql") == "USE SPOTIFY;"

    with pytest.raises(TemplateError, match=r"V001__a.sql line 2 uses \$\{WAREHOUS\}"):
        render("SELECT 1;\nUSE WAREHOUSE ${WAREHOUS};", {"WAREHOUSE": "WH"}, "V001__a.sql")


def test_split_keeps_semicolons_inside_strings_and_drops_comments() -> None:
    sql = (
        "-- a comment; not a statement\n"
        "CREATE VIEW v COMMENT = 'a; b' AS SELECT 1;\n"
        "/* block; comment */\n"
        "\n"
        "SELECT 'it''s; fine' -- trailing\n"
        "FROM t;\n"
    )

    statements = split_statements(sql)

    assert [s.text for s in statements] == [
        "CREATE VIEW v COMMENT = 'a; b' AS SELECT 1",
        "SELECT 'it''s; fine' \nFROM t",
    ]
    assert [s.line for s in statements] == [2, 5]


def test_an_unclosed_quote_is_reported_with_its_line() -> None:
    with pytest.raises(MigrationError, match="opened on line 2 is never closed"):
        split_statements("SELECT 1;\nSELECT 'oops;\n")


def test_the_project_scripts_load_versions_first_then_repeatables_by_name() -> None:
    scripts = load_migrations(MIGRATIONS_DIR)
    versions = [m.version for m in scripts if not m.repeatable]

    # Versions continue after the retired ones, without gaps; no file reuses a retired version
    assert versions == list(range(max(RETIRED_VERSIONS) + 1, max(RETIRED_VERSIONS) + 1 + len(versions)))
    repeatables = [m.label for m in scripts if m.repeatable]
    assert repeatables == sorted(repeatables) and scripts[-len(repeatables) :] == [m for m in scripts if m.repeatable]


def test_a_repeatable_checksum_is_of_the_rendered_text(tmp_path: Path) -> None:
    write(tmp_path, "V001__a.sql")
    write(tmp_path, "R__views.sql", "CREATE OR REPLACE VIEW ${DATABASE}.V AS SELECT 1;\n")
    repeatable = load_migrations(tmp_path)[-1]

    assert repeatable.label == "R__views" and repeatable.repeatable
    first, second = ({"DATABASE": name} for name in ("SPOTIFY", "SPOTIFY_TEST"))
    assert repeatable.rendered_checksum(first) != repeatable.rendered_checksum(second)
    assert repeatable.rendered_checksum(first) == repeatable.rendered_checksum(dict(first))
