"""What each rendered statement is, and the project's own rules for it, checked before anything runs.

Snowflake validates its own syntax when a statement runs; this module checks only what Snowflake would accept
but this project must not do, and tells the local emulation what kind of object each statement is:

- re-runnable: CREATE says `IF NOT EXISTS`, ALTER says `IF EXISTS`, because a script that fails halfway runs
  again from the top;
- `OR REPLACE` only on views and dynamic tables, which hold nothing that cannot be computed again. On a table
  or pipe it resets Snowpipe's load history (files load twice), on an integration it makes a new external id
  (the IAM trust breaks), on a stage, schema or database it drops what is in or behind it. The one exception,
  recreating a pipe whose COPY changed, is applier/pipes.py's procedure, not a statement in a script;
- a dynamic table names its TARGET_LAG, WAREHOUSE and an explicit REFRESH_MODE (INCREMENTAL or FULL: Snowflake
  advises against AUTO in production);
- a pipe loads with COPY INTO ... FROM (SELECT ... FROM @stage/...), says its ON_ERROR policy, and never calls
  CURRENT_TIMESTAMP and kin (Snowpipe evaluates them per file at an unpredictable time).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp

from applier.errors import StatementError

DATABASE = "database"
SCHEMA = "schema"
TABLE = "table"
DYNAMIC_TABLE = "dynamic_table"
VIEW = "view"
ALTER_TABLE = "alter_table"
FILE_FORMAT = "file_format"
STAGE = "stage"
STORAGE_INTEGRATION = "storage_integration"
NOTIFICATION_INTEGRATION = "notification_integration"
WAREHOUSE = "warehouse"
ROLE = "role"
GRANT = "grant"
PIPE = "pipe"
# ALTER ... SET of an object that exists: how a repeatable script applies a changed setting.
ALTER_WAREHOUSE = "alter_warehouse"
ALTER_STAGE = "alter_stage"
ALTER_INTEGRATION = "alter_integration"
ALTER_SCHEMA = "alter_schema"  # ENABLE MANAGED ACCESS only

_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_$]*"
_QUALIFIED = rf"{_IDENTIFIER}(?:\.{_IDENTIFIER}){{0,2}}"
_FLAGS = re.IGNORECASE | re.DOTALL

# CREATE <words> -> kind; OR REPLACE is allowed on the derived kinds only.
_CREATE_KINDS = {
    "DATABASE": DATABASE,
    "SCHEMA": SCHEMA,
    "TABLE": TABLE,
    "DYNAMIC TABLE": DYNAMIC_TABLE,
    "VIEW": VIEW,
    "FILE FORMAT": FILE_FORMAT,
    "STAGE": STAGE,
    "STORAGE INTEGRATION": STORAGE_INTEGRATION,
    "NOTIFICATION INTEGRATION": NOTIFICATION_INTEGRATION,
    "WAREHOUSE": WAREHOUSE,
    "ROLE": ROLE,
    "PIPE": PIPE,
}
_REPLACEABLE = {VIEW, DYNAMIC_TABLE}
_PROPERTY_KINDS = {WAREHOUSE, ROLE, FILE_FORMAT, STAGE, STORAGE_INTEGRATION, NOTIFICATION_INTEGRATION}
_ALTER_KINDS = {
    "SCHEMA": ALTER_SCHEMA,
    "TABLE": ALTER_TABLE,
    "WAREHOUSE": ALTER_WAREHOUSE,
    "STAGE": ALTER_STAGE,
    "STORAGE INTEGRATION": ALTER_INTEGRATION,
    "NOTIFICATION INTEGRATION": ALTER_INTEGRATION,
}
_REFRESH_MODES = ("INCREMENTAL", "FULL")


def _words(kinds: dict[str, str]) -> str:
    return "|".join(r"\s+".join(k.split()) for k in sorted(kinds, key=len, reverse=True))


_CREATE = re.compile(
    rf"^CREATE\s+(?P<replace>OR\s+REPLACE\s+)?(?P<kind>{_words(_CREATE_KINDS)})\s+"
    rf"(?P<exists>IF\s+NOT\s+EXISTS\s+)?(?P<name>{_QUALIFIED})(?P<rest>(?:\s.*)?)$",
    _FLAGS,
)
_ALTER = re.compile(
    rf"^ALTER\s+(?P<kind>{_words(_ALTER_KINDS)})\s+(?P<exists>IF\s+EXISTS\s+)?(?P<name>{_QUALIFIED})(?P<rest>\s.*)$",
    _FLAGS,
)
_GRANT = re.compile(rf"^GRANT\s.+\sTO\s+(?:ROLE|USER)\s+(?P<grantee>{_IDENTIFIER})$", _FLAGS)


@dataclass(frozen=True)
class Statement:
    kind: str
    name: str  # the object the statement creates, alters or grants to, as written
    text: str
    where: str  # "R__20_pipes.sql line 12"
    expression: exp.Expr | None = field(default=None, compare=False)  # sqlglot's parse, unless a Command
    copy: exp.Copy | None = field(default=None, compare=False)  # a pipe's COPY statement
    properties: dict[str, str] = field(default_factory=dict, compare=False)  # KEY = raw value, keys upper case


def classify(text: str, where: str) -> Statement:
    """The kind of `text` and its parts; StatementError (naming `where`) if it breaks one of the rules."""
    expression = _parse(text, where)
    parsed = None if isinstance(expression, exp.Command) else expression
    if match := _CREATE.match(text):
        kind = _CREATE_KINDS[" ".join(match["kind"].upper().split())]
        _require_rerunnable(kind, bool(match["replace"]), bool(match["exists"]), where)
        if kind == PIPE:
            return _pipe(match["name"], text, where)
        # The settings of the objects given as `KEY = value` (read by ops and the local emulation).
        properties = parse_properties(match["rest"], where) if kind in _PROPERTY_KINDS else {}
        statement = Statement(kind, match["name"], text, where, parsed, properties=properties)
        if kind == DYNAMIC_TABLE:
            _check_dynamic_table(statement)
        return statement
    if match := _ALTER.match(text):
        kind = _ALTER_KINDS[" ".join(match["kind"].upper().split())]
        if not match["exists"]:
            raise StatementError(f"{where}: ALTER {match['kind'].upper()} needs IF EXISTS so that re-running is safe")
        if kind == ALTER_TABLE:
            add = re.match(r"^\s*ADD\s+(?:COLUMN\s+)?IF\s+NOT\s+EXISTS\s", match["rest"], _FLAGS)
            if not add:
                raise StatementError(
                    f"{where}: ALTER TABLE may only ADD COLUMN IF NOT EXISTS (columns are never dropped)"
                )
            return Statement(kind, match["name"], text, where, parsed)
        if kind == ALTER_SCHEMA:
            if not re.fullmatch(r"\s*ENABLE\s+MANAGED\s+ACCESS\s*", match["rest"], _FLAGS):
                raise StatementError(f"{where}: ALTER SCHEMA may only ENABLE MANAGED ACCESS")
            return Statement(kind, match["name"], text, where, parsed)
        settings = re.match(r"^\s*SET\s+(?P<properties>.*)$", match["rest"], _FLAGS)
        if not settings:
            raise StatementError(f"{where}: ALTER {match['kind'].upper()} may only SET properties")
        return Statement(
            kind, match["name"], text, where, parsed, properties=parse_properties(settings["properties"], where)
        )
    if match := _GRANT.match(text):
        return Statement(GRANT, match["grantee"], text, where, parsed)
    raise StatementError(
        f"{where}: {_head(text)!r} is not a statement the applier knows how to re-run safely; use CREATE ... IF NOT "
        "EXISTS, CREATE OR REPLACE VIEW / DYNAMIC TABLE, ALTER ... IF EXISTS, or GRANT (or teach "
        "applier/statements.py the new kind and local/warehouse.py how to emulate it)"
    )


def _parse(text: str, where: str) -> exp.Expr:
    sqlglot_logger = logging.getLogger("sqlglot")
    level = sqlglot_logger.level
    # sqlglot warns on every statement it can only keep as a Command (pipes, roles, ALTER ... SET).
    sqlglot_logger.setLevel(logging.ERROR)
    try:
        expressions = sqlglot.parse(text, read="snowflake")
    except sqlglot.errors.ParseError as error:
        reason = str(error).splitlines()[0]
        raise StatementError(f"{where}: not valid Snowflake SQL ({reason}); fix the statement") from None
    finally:
        sqlglot_logger.setLevel(level)
    if len(expressions) != 1 or expressions[0] is None:
        raise StatementError(f"{where}: expected one statement, found {len(expressions)}; end each with ';'")
    return expressions[0]


def _head(text: str) -> str:
    return " ".join(text.split()[:4])


def _require_rerunnable(kind: str, replace: bool, exists: bool, where: str) -> None:
    label = kind.replace("_", " ").upper()
    if kind in _REPLACEABLE:
        if not (replace or exists):
            raise StatementError(f"{where}: CREATE {label} must say OR REPLACE or IF NOT EXISTS to be re-runnable")
        return
    if replace:
        raise StatementError(
            f"{where}: CREATE OR REPLACE {label} is not allowed (it resets a table's or pipe's load history, an "
            "integration's external id, or drops what a stage, schema or database holds); use CREATE ... IF NOT "
            "EXISTS, and ALTER ... IF EXISTS in a repeatable script for changes"
        )
    if not exists:
        raise StatementError(f"{where}: CREATE {label} needs IF NOT EXISTS so that re-running the file is safe")


def _check_dynamic_table(statement: Statement) -> None:
    where, name, create = statement.where, statement.name, statement.expression
    if not isinstance(create, exp.Create) or not isinstance(create.expression, exp.Query):
        raise StatementError(f"{where}: dynamic table {name} needs a column list and AS SELECT ...")
    properties = create.args.get("properties")
    for prop in properties.expressions if properties else []:
        if type(prop) is exp.Property and prop.this is not None:
            statement.properties[prop.this.name.upper()] = prop.args["value"].sql("snowflake")
    for required in ("TARGET_LAG", "WAREHOUSE", "REFRESH_MODE"):
        if required not in statement.properties:
            raise StatementError(f"{where}: dynamic table {name} has no {required}; add {required} = ...")
    if statement.properties["REFRESH_MODE"].upper() not in _REFRESH_MODES:
        raise StatementError(
            f"{where}: dynamic table {name} has REFRESH_MODE = {statement.properties['REFRESH_MODE']}; say "
            "INCREMENTAL or FULL (Snowflake advises against AUTO in production)"
        )


_VALUE = r"'(?:[^']|'')*'|\((?:[^()']|'(?:[^']|'')*')*\)|[A-Za-z0-9_.$-]+"
_PROPERTY = re.compile(rf"\s*(?P<key>{_IDENTIFIER})\s*=\s*(?P<value>{_VALUE})", _FLAGS)


def parse_properties(text: str, where: str) -> dict[str, str]:
    """`KEY = value KEY2 = (...)` -> {"KEY": "value", ...}; anything else left over is an error."""
    properties: dict[str, str] = {}
    text = text.rstrip()
    position = 0
    while position < len(text):
        match = _PROPERTY.match(text, position)
        if not match:
            rest = text[position:].strip()
            raise StatementError(f"{where}: cannot read {rest[:50]!r} as KEY = value; check spelling and quotes")
        key = match["key"].upper()
        if key in properties:
            raise StatementError(f"{where}: {key} is given twice; keep one")
        properties[key] = match["value"]
        position = match.end()
    return properties


# Functions a pipe must not call (Snowpipe evaluates them per file at an unpredictable time); METADATA$START_SCAN_TIME
# is the load time a pipe can use.
_PIPE_FORBIDDEN = (exp.CurrentTimestamp, exp.CurrentDate, exp.CurrentTime, exp.CurrentDatetime)


def _pipe(name: str, text: str, where: str) -> Statement:
    match = re.match(
        rf"^CREATE\s+PIPE\s+IF\s+NOT\s+EXISTS\s+{_QUALIFIED}(?P<properties>.*?)\s+AS\s+(?P<copy>COPY\s+INTO\b.*)$",
        text,
        _FLAGS,
    )
    if not match:
        raise StatementError(f"{where}: expected CREATE PIPE IF NOT EXISTS <name> <properties> AS COPY INTO ...")
    properties = parse_properties(match["properties"], where)
    copy = _parse(match["copy"], f"{where} (the pipe's COPY)")
    if not isinstance(copy, exp.Copy):
        raise StatementError(f"{where}: pipe {name} must load with COPY INTO ...")
    sources = copy.args.get("files") or []
    select = sources[0].this if len(sources) == 1 and isinstance(sources[0], exp.Subquery) else None
    stage = select.args.get("from_") if isinstance(select, exp.Select) else None
    if stage is None or not stage.this.sql("snowflake").startswith("@"):
        raise StatementError(f"{where}: pipe {name}'s COPY must read FROM (SELECT $1:col::TYPE, ... FROM @stage/path/)")
    options = {p.this.name.upper() for p in copy.args.get("params") or []}
    if "ON_ERROR" not in options:
        raise StatementError(f"{where}: pipe {name} needs an explicit ON_ERROR policy")
    forbidden = next(copy.find_all(*_PIPE_FORBIDDEN), None)
    if forbidden is not None:
        raise StatementError(
            f"{where}: pipe {name} uses {forbidden.sql('snowflake')}; pipes must use METADATA$START_SCAN_TIME "
            "for the load time"
        )
    return Statement(PIPE, name, text, where, copy=copy, properties=properties)
