"""The versioned SQL files: finding them, their checksums, rendering `${NAME}` variables, splitting statements.

A migration is `migrations/V<version>__<name>.sql` (version: three or more digits, name: lower snake case).
Applied files are immutable: their checksum is recorded, and a changed file stops the applier. A change to
the warehouse is a new file with a higher version.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from applier.errors import MigrationError, TemplateError

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


_FILE_NAME = re.compile(r"^V(?P<version>[0-9]{3,})__(?P<name>[a-z0-9]+(?:_[a-z0-9]+)*)\.sql$")
_VARIABLE = re.compile(r"\$\{(?P<name>[A-Z][A-Z0-9_]*)\}")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path
    text: str

    @property
    def label(self) -> str:
        """`V001`: how logs, history and `apply()` name a version."""
        return f"V{self.version:03d}"

    @property
    def filename(self) -> str:
        return self.path.name

    @property
    def checksum(self) -> str:
        """SHA-256 of the file with line endings normalised, so a checkout on Windows is not "drift"."""
        return hashlib.sha256(self.text.replace("\r\n", "\n").encode("utf-8")).hexdigest()


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Every migration in `directory`, ordered by version; any other file there is an error."""
    if not directory.is_dir():
        raise MigrationError(f"migrations folder {directory} is missing; restore snowflake_sql/migrations/ from git")
    migrations: dict[int, Migration] = {}
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".") or path.name == "README.md":
            continue
        match = _FILE_NAME.match(path.name)
        if not match:
            raise MigrationError(
                f"{path.name} in {directory.name}/ is not named V<version>__<name>.sql "
                "(e.g. V007__add_episode_table.sql); rename it"
            )
        version = int(match["version"])
        if version in migrations:
            raise MigrationError(
                f"{path.name} and {migrations[version].filename} share version {version}; give the newer one "
                "the next free version"
            )
        migrations[version] = Migration(version, match["name"], path, path.read_text(encoding="utf-8"))
    if not migrations:
        raise MigrationError(f"no V<version>__<name>.sql files in {directory}; restore them from git")
    return [migrations[v] for v in sorted(migrations)]


def migrations_fingerprint(migrations: list[Migration]) -> str:
    """One hash over every file's version and checksum: changes whenever a migration is added or edited.

    The stack passes it as a custom-resource property so that CloudFormation sends an Update (and the applier
    runs) when a new migration ships; properties that never change would never trigger one.
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
