"""The SQL files: finding them, their checksums, rendering `${NAME}` variables, splitting statements.

Two kinds, as in schemachange and Flyway:

- versioned `migrations/V<version>__<name>.sql` (version: three or more digits, name: lower snake case) create
  state: databases, stages, integrations, roles, history tables. Each runs once, in version order; an applied
  file is immutable (its checksum is recorded, and a changed file stops the applier); a change is a new file.
- repeatable `migrations/R__<name>.sql` define what can be defined again: views, dynamic tables, the landing
  tables' columns (added, never dropped), the pipes (recreated by the documented procedure, applier.pipes) and
  the settings (`ALTER ... SET`). Each is re-applied, in name order after the versioned files, whenever its
  *rendered* text changes: a new model column or a changed setting (target lag, warehouse size, an ARN, the
  bucket) reaches Snowflake without a new file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from applier.errors import MigrationError, TemplateError

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


_FILE_NAME = re.compile(r"^(?:V(?P<version>[0-9]{3,})|R)__(?P<name>[a-z0-9]+(?:_[a-z0-9]+)*)\.sql$")

# Versions applied by earlier releases, replaced when the warehouse moved to repeatable scripts and a deploy
# role: V001-V002 (database, roles, integrations) are re-issued as V009-V010, which need no MANAGE GRANTS;
# V003-V004 (landing tables, pipes) are generated from contracts/model.py into R__10 and R__20; V005-V008 (checks,
# final tables, reporting views) are R__30 to R__50. A warehouse that applied them keeps their history rows,
# checked against these checksums; a new warehouse never runs them. Their text is in git history and in
# tests/warehouse/released_v008/, from which a test upgrades a warehouse.
RETIRED_VERSIONS: dict[int, tuple[str, str]] = {
    1: ("V001__database_warehouse_roles.sql", "cafa0559abc269f163f985120f8e5d5db714039f22d05e42d32c420ca8e4edc2"),
    2: ("V002__storage_and_error_integrations.sql", "0051e1f996e5d6accf6e951f065207112680e8dac1d2df353f826fb817f6e236"),
    3: ("V003__landing_tables.sql", "ed76ec0bfe3ba63a79dc0be0ba402d4b77bb4ddbda702bd0265c11cbfe394063"),
    4: ("V004__pipes.sql", "255e0e070649f3a78586ca423f27dab68349a4d37f6c4ce8bdde2bf0b2546dee"),
    5: ("V005__merge_into_core.sql", "341df1ee0c6f2c77bd84628c1194cc31bf873954ad3f579d2f2f8cb8d0de6b3b"),
    6: ("V006__reporting_views.sql", "cd1767142ffd38b63e97087546a159849b87f80ca75caf21f317c18de24e0816"),
    7: ("V007__upsert_keeps_latest_non_null.sql", "b78e9c5a741bf4ed7db7e4602f314f8f7bfe9f49627add4e89ee14e0b50d5bd0"),
    8: ("V008__emptied_playlist_snapshot.sql", "8ea09081117271db5bc7d3bd8c993ff7917355b0ca25028ccca945732388d9f4"),
}
_VARIABLE = re.compile(r"\$\{(?P<name>[A-Z][A-Z0-9_]*)\}")


@dataclass(frozen=True)
class Migration:
    version: int | None  # None for a repeatable script
    name: str
    path: Path
    text: str

    @property
    def repeatable(self) -> bool:
        return self.version is None

    @property
    def label(self) -> str:
        """`V001` or `R__reporting_views`: how logs, history and `apply()` name a script."""
        return f"R__{self.name}" if self.version is None else f"V{self.version:03d}"

    @property
    def filename(self) -> str:
        return self.path.name

    @property
    def checksum(self) -> str:
        """SHA-256 of the file with line endings normalised, so a checkout on Windows is not "drift"."""
        return _sha256(self.text)

    def rendered_checksum(self, variables: dict[str, str]) -> str:
        """SHA-256 of the text with its variables filled in: what a repeatable script's history records."""
        return _sha256(render(self.text, variables, self.filename))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).hexdigest()


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Every script in `directory`: the versioned ones by version, then the repeatable ones by name; any other
    file there is an error."""
    if not directory.is_dir():
        raise MigrationError(f"migrations folder {directory} is missing; restore snowflake_sql/migrations/ from git")
    migrations: dict[int, Migration] = {}
    repeatables: list[Migration] = []
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".") or path.name == "README.md":
            continue
        match = _FILE_NAME.match(path.name)
        if not match:
            raise MigrationError(
                f"{path.name} in {directory.name}/ is not named V<version>__<name>.sql or R__<name>.sql "
                "(e.g. V010__add_episode_table.sql, R__50_reporting_views.sql); rename it"
            )
        text = path.read_text(encoding="utf-8")
        if match["version"] is None:
            repeatables.append(Migration(None, match["name"], path, text))
            continue
        version = int(match["version"])
        if version in migrations:
            raise MigrationError(
                f"{path.name} and {migrations[version].filename} share version {version}; give the newer one "
                "the next free version"
            )
        migrations[version] = Migration(version, match["name"], path, text)
    if not migrations:
        raise MigrationError(f"no V<version>__<name>.sql files in {directory}; restore them from git")
    return [migrations[v] for v in sorted(migrations)] + sorted(repeatables, key=lambda m: m.name)


def migrations_fingerprint(migrations: list[Migration]) -> str:
    """One hash over every file's label and checksum: changes whenever a script is added or edited.

    The stack passes it as a custom-resource property so that CloudFormation sends an Update (and the applier
    runs) when a new or edited script ships; properties that never change would never trigger one. (A changed
    setting changes the `Variables` property, which triggers one as well.)
    """
    digest = hashlib.sha256()
    for migration in migrations:
        digest.update(f"{migration.label}:{migration.checksum}\n".encode())
    return digest.hexdigest()


def render(text: str, variables: dict[str, str], where: str) -> str:
    """Replace every `${NAME}` by its value; an unknown name is an error naming the file and line."""

    def value(match: re.Match[str]) -> str:
        name = match["name"]
        if name not in variables:
            line = text.count("\n", 0, match.start()) + 1
            raise TemplateError(
                f"{where} line {line} uses ${{{name}}}, which has no value; add it to "
                f"applier.warehouse_variables (known: {', '.join(sorted(variables))})"
            )
        return variables[name]

    return _VARIABLE.sub(value, text)


@dataclass(frozen=True)
class SqlText:
    """One statement as written, comments removed, with the line it starts on (for error messages)."""

    line: int
    text: str


def split_statements(sql: str) -> list[SqlText]:
    """Split on `;` outside quotes, `$$` blocks and comments; drop comments and empty statements."""
    statements: list[SqlText] = []
    current: list[str] = []
    start_line = line = 1
    i, n = 0, len(sql)
    while i < n:
        char, pair = sql[i], sql[i : i + 2]
        if pair == "--":
            end = sql.find("\n", i)
            i = n if end < 0 else end
            continue
        if pair == "/*":
            end = sql.find("*/", i + 2)
            if end < 0:
                raise MigrationError(f"a /* comment opened on line {line} is never closed; add */")
            line += sql.count("\n", i, end)
            current.append(" ")
            i = end + 2
            continue
        if char == ";":
            _finish(statements, current, start_line)
            current = []
            i += 1
            continue
        if not "".join(current).strip() and not char.isspace():
            start_line = line
        if char in "'\"" or pair == "$$":
            closing = "$$" if pair == "$$" else char
            end = _closing_quote(sql, i, closing, line)
            line += sql.count("\n", i, end)
            current.append(sql[i:end])
            i = end
            continue
        line += char == "\n"
        current.append(char)
        i += 1
    _finish(statements, current, start_line)
    return statements


def _closing_quote(sql: str, start: int, closing: str, line: int) -> int:
    """Index just past the quote that closes the one at `start` (`''` inside single quotes is an escape)."""
    end = start + len(closing)
    while True:
        end = sql.find(closing, end)
        if end < 0:
            raise MigrationError(f"a {closing} quote opened on line {line} is never closed; close it")
        if closing == "'" and sql[end : end + 2] == "''":
            end += 2
            continue
        return end + len(closing)


def _finish(statements: list[SqlText], current: list[str], start_line: int) -> None:
    text = "".join(current).strip()
    if text:
        statements.append(SqlText(start_line, text))
