"""What each rendered statement is, and whether it is well formed, before anything runs.

sqlglot's Snowflake dialect parses most statements. Where it gives up and returns an opaque `Command` (pipes,
roles, grants on future objects, notification integrations), or accepts any `KEY = value` (warehouses, stages,
file formats, integrations), a small grammar of the text checks the statement instead: known keywords,
required properties, plausible values. So a typo in a pipe or a grant stops `make test` and the applier, not a
deployment halfway through.

Every statement must be re-runnable, because a migration that fails halfway is applied again from the top:
CREATE says `IF NOT EXISTS`, never `OR REPLACE` (on a table or pipe it resets Snowpipe's load history; on an
integration it generates a new external id and breaks the IAM trust); ALTER TABLE says `IF [NOT] EXISTS`.
Derived objects are the exception: views and dynamic tables hold nothing that cannot be computed again, so
`CREATE OR REPLACE` is how a later migration redefines one.
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

_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_$]*"
_QUALIFIED = rf"{_IDENTIFIER}(?:\.{_IDENTIFIER}){{0,2}}"
_FLAGS = re.IGNORECASE | re.DOTALL


@dataclass(frozen=True)
class Statement:
    kind: str
    name: str  # the object the statement creates or grants on, as written
    text: str
    where: str  # "V004__pipes.sql line 12"
    expression: exp.Expr | None = field(default=None, compare=False)  # sqlglot's parse, unless a Command
    copy: exp.Copy | None = field(default=None, compare=False)  # a pipe's COPY statement
    properties: dict[str, str] = field(default_factory=dict, compare=False)  # KEY = raw value, keys upper case


def classify(text: str, where: str) -> Statement:
    """The kind of `text` and its parts; StatementError (naming `where`) if it is malformed or unknown."""
    expression = _parse(text, where)
    if isinstance(expression, exp.Command):
        return _classify_command(text, where)
    if isinstance(expression, exp.Grant):
        # sqlglot accepts any word as a privilege ("GRANT USAG ON ..."); the grammar below does not.
        return _grant(text, where)
    if isinstance(expression, exp.Create):
        return _classify_create(expression, text, where)
    if isinstance(expression, exp.Alter) and str(expression.args.get("kind", "")).upper() == "TABLE":
        if not re.search(r"\bIF\s+(NOT\s+)?EXISTS\b", text, _FLAGS):
            raise StatementError(f"{where}: ALTER TABLE needs IF [NOT] EXISTS so that re-running the file is safe")
        return Statement(ALTER_TABLE, expression.this.sql("snowflake"), text, where, expression)
    raise StatementError(
        f"{where}: {_head(text)!r} is not a statement the applier can check (or re-run safely); use CREATE, "
        "ALTER TABLE or GRANT, or teach applier/statements.py the new kind"
    )


def _parse(text: str, where: str) -> exp.Expr:
    sqlglot_logger = logging.getLogger("sqlglot")
    level = sqlglot_logger.level
    # sqlglot warns on every statement it can only keep as a Command; those get the text checks below.
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


# -- CREATE statements sqlglot parses -----------------------------------------------------------------------------


def _classify_create(expression: exp.Create, text: str, where: str) -> Statement:
    kind = str(expression.args.get("kind") or "").upper()
    target = expression.this.this if isinstance(expression.this, exp.Schema) else expression.this
    name = target.sql("snowflake") if target is not None else ""
    properties = expression.args.get("properties")
    dynamic = properties is not None and any(isinstance(p, exp.DynamicProperty) for p in properties.expressions)
    replace, exists = bool(expression.args.get("replace")), bool(expression.args.get("exists"))
    _require_rerunnable("DYNAMIC TABLE" if dynamic else kind, replace, exists, where)
    if kind == "TABLE":
        if not dynamic:
            return Statement(TABLE, name, text, where, expression)
        given = {
            p.this.name.upper() for p in properties.expressions if isinstance(p, exp.Property) and p.this is not None
        }
        missing = sorted({"TARGET_LAG", "WAREHOUSE"} - given)
        if missing:
            raise StatementError(f"{where}: dynamic table {name} has no {missing[0]}; add {missing[0]} = ...")
        if not isinstance(expression.expression, exp.Query):
            raise StatementError(f"{where}: dynamic table {name} needs AS SELECT ...")
        return Statement(DYNAMIC_TABLE, name, text, where, expression)
    if kind in ("DATABASE", "SCHEMA", "VIEW"):
        return Statement(kind.lower(), name, text, where, expression)
    if kind in _OBJECT_KINDS:
        statement = _check_object(kind, text, where)
        return Statement(statement.kind, statement.name, text, where, expression, properties=statement.properties)
    raise StatementError(f"{where}: CREATE {kind} is not an object kind the applier can check")


def _require_rerunnable(kind: str, replace: bool, exists: bool, where: str) -> None:
    if kind in ("VIEW", "DYNAMIC TABLE"):
        if not (replace or exists):
            raise StatementError(f"{where}: CREATE {kind} must say OR REPLACE or IF NOT EXISTS to be re-runnable")
        return
    if replace:
        raise StatementError(
            f"{where}: CREATE OR REPLACE {kind} is not allowed (it resets a table's or pipe's load history and an "
            "integration's external id); use CREATE ... IF NOT EXISTS and a new migration for changes"
        )
    if not exists:
        raise StatementError(f"{where}: CREATE {kind} needs IF NOT EXISTS so that re-running the file is safe")


# -- Statements checked on their text ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Spec:
    kind: str
    required: frozenset[str]
    optional: frozenset[str]
    values: dict[str, str]  # property -> regular expression its raw value must match (whole value)


_BOOLEAN = r"TRUE|FALSE"
_STRING = r"'(?:[^']|'')*'"
_ARN = r"'arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{12}:[^']+'"
_S3_URL = r"'s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/[^']*'"
_SIZES = "XSMALL|X-SMALL|SMALL|MEDIUM|LARGE|XLARGE|X-LARGE|XXLARGE|X2LARGE|2X-LARGE|XXXLARGE|X3LARGE|3X-LARGE"

_OBJECT_KINDS: dict[str, _Spec] = {
    "WAREHOUSE": _Spec(
        WAREHOUSE,
        frozenset({"WAREHOUSE_SIZE"}),
        frozenset({"AUTO_SUSPEND", "AUTO_RESUME", "INITIALLY_SUSPENDED", "STATEMENT_TIMEOUT_IN_SECONDS", "COMMENT"}),
        {
            "WAREHOUSE_SIZE": rf"'(?:{_SIZES})'|(?:{_SIZES})",
            "AUTO_SUSPEND": r"[0-9]+",
            "AUTO_RESUME": _BOOLEAN,
            "INITIALLY_SUSPENDED": _BOOLEAN,
            "STATEMENT_TIMEOUT_IN_SECONDS": r"[0-9]+",
        },
    ),
    "ROLE": _Spec(ROLE, frozenset(), frozenset({"COMMENT"}), {}),
    "FILE FORMAT": _Spec(
        FILE_FORMAT,
        frozenset({"TYPE"}),
        frozenset(
            {"COMPRESSION", "BINARY_AS_TEXT", "USE_LOGICAL_TYPE", "TRIM_SPACE", "USE_VECTORIZED_SCANNER"}
            | {"REPLACE_INVALID_CHARACTERS", "NULL_IF", "COMMENT"}
        ),
        {
            "TYPE": r"PARQUET|CSV|JSON|AVRO|ORC|XML",
            "BINARY_AS_TEXT": _BOOLEAN,
            "USE_LOGICAL_TYPE": _BOOLEAN,
            "TRIM_SPACE": _BOOLEAN,
            "USE_VECTORIZED_SCANNER": _BOOLEAN,
            "REPLACE_INVALID_CHARACTERS": _BOOLEAN,
            "COMPRESSION": r"AUTO|SNAPPY|LZO|NONE",
        },
    ),
    "STORAGE INTEGRATION": _Spec(
        STORAGE_INTEGRATION,
        frozenset({"TYPE", "STORAGE_PROVIDER", "ENABLED", "STORAGE_AWS_ROLE_ARN", "STORAGE_ALLOWED_LOCATIONS"}),
        frozenset({"STORAGE_BLOCKED_LOCATIONS", "STORAGE_AWS_OBJECT_ACL", "COMMENT"}),
        {
            "TYPE": r"EXTERNAL_STAGE",
            "STORAGE_PROVIDER": r"'(?:S3|S3GOV|S3CHINA)'",
            "ENABLED": _BOOLEAN,
            "STORAGE_AWS_ROLE_ARN": _ARN,
            "STORAGE_ALLOWED_LOCATIONS": rf"\(\s*{_S3_URL}(?:\s*,\s*{_S3_URL})*\s*\)",
        },
    ),
    "NOTIFICATION INTEGRATION": _Spec(
        NOTIFICATION_INTEGRATION,
        frozenset({"ENABLED", "TYPE", "DIRECTION", "NOTIFICATION_PROVIDER", "AWS_SNS_TOPIC_ARN", "AWS_SNS_ROLE_ARN"}),
        frozenset({"COMMENT"}),
        {
            "ENABLED": _BOOLEAN,
            "TYPE": r"QUEUE",
            "DIRECTION": r"OUTBOUND",
            "NOTIFICATION_PROVIDER": r"AWS_SNS",
            "AWS_SNS_TOPIC_ARN": _ARN,
            "AWS_SNS_ROLE_ARN": _ARN,
        },
    ),
    "STAGE": _Spec(
        STAGE,
        frozenset({"URL"}),
        frozenset({"STORAGE_INTEGRATION", "FILE_FORMAT", "DIRECTORY", "COMMENT"}),
        {"URL": _S3_URL, "STORAGE_INTEGRATION": _IDENTIFIER, "FILE_FORMAT": r"\(.*\)"},
    ),
    "PIPE": _Spec(
        PIPE,
        frozenset({"AUTO_INGEST"}),
        frozenset({"ERROR_INTEGRATION", "AWS_SNS_TOPIC", "INTEGRATION", "COMMENT"}),
        {"AUTO_INGEST": _BOOLEAN, "ERROR_INTEGRATION": _IDENTIFIER, "INTEGRATION": _STRING},
    ),
}
for _spec in _OBJECT_KINDS.values():
    _spec.values.setdefault("COMMENT", _STRING)

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


def _check_object(kind: str, text: str, where: str, properties_text: str | None = None) -> Statement:
    spec = _OBJECT_KINDS[kind]
    words = r"\s+".join(kind.split())
    match = re.match(
        rf"^CREATE\s+(?P<replace>OR\s+REPLACE\s+)?{words}\s+(?P<exists>IF\s+NOT\s+EXISTS\s+)?"
        rf"(?P<name>{_QUALIFIED})(?P<properties>(?:\s.*)?)$",
        text,
        _FLAGS,
    )
    if not match:
        raise StatementError(f"{where}: expected CREATE {kind} IF NOT EXISTS <name> ...; check the statement")
    _require_rerunnable(kind, bool(match["replace"]), bool(match["exists"]), where)
    name = match["name"]
    properties = parse_properties(match["properties"] if properties_text is None else properties_text, where)
    unknown = sorted(set(properties) - spec.required - spec.optional)
    if unknown:
        known = ", ".join(sorted(spec.required | spec.optional))
        raise StatementError(f"{where}: {kind} {name} has unknown property {unknown[0]}; known: {known}")
    missing = sorted(spec.required - set(properties))
    if missing:
        raise StatementError(f"{where}: {kind} {name} needs {missing[0]} = ...")
    for key, value in properties.items():
        pattern = spec.values.get(key)
        if pattern and not re.fullmatch(pattern, value, _FLAGS):
            raise StatementError(f"{where}: {kind} {name} has {key} = {value[:60]}, which is not a valid value")
    return Statement(spec.kind, name, text, where, properties=properties)


def _classify_command(text: str, where: str) -> Statement:
    if re.match(r"^CREATE\s+(OR\s+REPLACE\s+)?PIPE\b", text, _FLAGS):
        return _pipe(text, where)
    if re.match(r"^CREATE\s+(OR\s+REPLACE\s+)?ROLE\b", text, _FLAGS):
        return _check_object("ROLE", text, where)
    if re.match(r"^CREATE\s+(OR\s+REPLACE\s+)?NOTIFICATION\s+INTEGRATION\b", text, _FLAGS):
        return _check_object("NOTIFICATION INTEGRATION", text, where)
    if re.match(r"^GRANT\b", text, _FLAGS):
        return _grant(text, where)
    raise StatementError(
        f"{where}: sqlglot cannot parse {_head(text)!r} and the applier has no text check for it; "
        "write it in a form sqlglot parses, or add a check to applier/statements.py"
    )


# Functions a pipe must not call: Snowpipe evaluates them per file at an unpredictable time (Snowflake's CREATE PIPE
# usage notes); METADATA$START_SCAN_TIME is the load time a pipe can use.
_PIPE_FORBIDDEN = (exp.CurrentTimestamp, exp.CurrentDate, exp.CurrentTime, exp.CurrentDatetime)


def _pipe(text: str, where: str) -> Statement:
    match = re.match(
        rf"^(?P<head>CREATE\s+(?:OR\s+REPLACE\s+)?PIPE\s+(?:IF\s+NOT\s+EXISTS\s+)?{_QUALIFIED})"
        r"(?P<properties>.*?)\s+AS\s+(?P<copy>COPY\s+INTO\b.*)$",
        text,
        _FLAGS,
    )
    if not match:
        raise StatementError(f"{where}: expected CREATE PIPE IF NOT EXISTS <name> <properties> AS COPY INTO ...")
    statement = _check_object("PIPE", match["head"], where, properties_text=match["properties"])
    copy = _parse(match["copy"], f"{where} (the pipe's COPY)")
    if not isinstance(copy, exp.Copy):
        raise StatementError(f"{where}: pipe {statement.name} must load with COPY INTO ...")
    _check_pipe_copy(copy, statement.name, where)
    forbidden = next(copy.find_all(*_PIPE_FORBIDDEN), None)
    if forbidden is not None:
        raise StatementError(
            f"{where}: pipe {statement.name} uses {forbidden.sql('snowflake')}; pipes must use "
            "METADATA$START_SCAN_TIME for the load time"
        )
    return Statement(PIPE, statement.name, text, where, copy=copy, properties=statement.properties)


# sqlglot keeps any `NAME = value` after COPY's FROM as a parameter, so the names and values are checked here.
_PIPE_COPY_OPTIONS = {
    "FILE_FORMAT": r"",
    "ON_ERROR": r"CONTINUE|SKIP_FILE|SKIP_FILE_[0-9]+|'SKIP_FILE_[0-9]+%'|ABORT_STATEMENT",
    "MATCH_BY_COLUMN_NAME": r"CASE_SENSITIVE|CASE_INSENSITIVE|NONE",
    "PATTERN": _STRING,
    "ENFORCE_LENGTH": _BOOLEAN,
    "TRUNCATECOLUMNS": _BOOLEAN,
}


def _check_pipe_copy(copy: exp.Copy, pipe: str, where: str) -> None:
    options = {}
    for parameter in copy.args.get("params") or []:
        name = parameter.this.name.upper()
        if name not in _PIPE_COPY_OPTIONS:
            raise StatementError(f"{where}: pipe {pipe}'s COPY has unknown option {name}")
        options[name] = parameter.expression.sql("snowflake") if parameter.expression else ""
        pattern = _PIPE_COPY_OPTIONS[name]
        if pattern and not re.fullmatch(pattern, options[name], _FLAGS):
            raise StatementError(f"{where}: pipe {pipe}'s COPY has {name} = {options[name]}, not a valid value")
    if "ON_ERROR" not in options:
        raise StatementError(f"{where}: pipe {pipe} needs an explicit ON_ERROR policy")
    if "FILE_FORMAT" not in options:
        raise StatementError(f"{where}: pipe {pipe} needs FILE_FORMAT = (FORMAT_NAME = ...)")
    sources = copy.args.get("files") or []
    select = sources[0].this if len(sources) == 1 and isinstance(sources[0], exp.Subquery) else None
    stage = select.args.get("from_") if isinstance(select, exp.Select) else None
    if stage is None or not stage.this.sql("snowflake").startswith("@"):
        raise StatementError(f"{where}: pipe {pipe}'s COPY must read FROM (SELECT $1:col::TYPE, ... FROM @stage/path/)")
    target = copy.this
    if isinstance(target, exp.Schema) and len(target.expressions) != len(select.expressions):
        raise StatementError(
            f"{where}: pipe {pipe} loads {len(target.expressions)} columns from {len(select.expressions)} values; "
            "list one value per target column"
        )


# What each privilege applies to; OWNERSHIP is left out on purpose: migrations never hand objects away.
_PRIVILEGES: dict[str, frozenset[str]] = {
    "DATABASE": frozenset({"USAGE", "MONITOR", "CREATE SCHEMA"}),
    "SCHEMA": frozenset(
        {"USAGE", "MONITOR", "CREATE TABLE", "CREATE VIEW", "CREATE STAGE", "CREATE FILE FORMAT"}
        | {"CREATE PIPE", "CREATE DYNAMIC TABLE"}
    ),
    "WAREHOUSE": frozenset({"USAGE", "OPERATE", "MONITOR"}),
    "INTEGRATION": frozenset({"USAGE"}),
    "STAGE": frozenset({"USAGE", "READ", "WRITE"}),
    "FILE FORMAT": frozenset({"USAGE"}),
    "PIPE": frozenset({"MONITOR", "OPERATE"}),
    "TABLE": frozenset({"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES"}),
    "VIEW": frozenset({"SELECT", "REFERENCES"}),
    "DYNAMIC TABLE": frozenset({"SELECT", "MONITOR", "OPERATE"}),
}
_PLURALS = {
    "TABLES": "TABLE",
    "VIEWS": "VIEW",
    "DYNAMIC TABLES": "DYNAMIC TABLE",
    "PIPES": "PIPE",
    "STAGES": "STAGE",
    "FILE FORMATS": "FILE FORMAT",
    "SCHEMAS": "SCHEMA",
}
_SINGLE = "|".join(r"\s+".join(k.split()) for k in sorted(_PRIVILEGES, key=len, reverse=True))
_PLURAL = "|".join(r"\s+".join(k.split()) for k in sorted(_PLURALS, key=len, reverse=True))


def _grant(text: str, where: str) -> Statement:
    role_grant = re.match(
        rf"^GRANT\s+ROLE\s+(?P<role>{_IDENTIFIER})\s+TO\s+(?:ROLE|USER)\s+(?P<grantee>{_IDENTIFIER})$", text, _FLAGS
    )
    if role_grant:
        return Statement(GRANT, role_grant["role"], text, where)
    match = re.match(
        rf"^GRANT\s+(?P<privileges>.+?)\s+ON\s+(?:(?P<scope>ALL|FUTURE)\s+(?P<plural>{_PLURAL})\s+IN\s+"
        rf"(?:SCHEMA|DATABASE)\s+(?P<container>{_QUALIFIED})|(?P<single>{_SINGLE})\s+(?P<name>{_QUALIFIED}))"
        rf"\s+TO\s+ROLE\s+(?P<grantee>{_IDENTIFIER})$",
        text,
        _FLAGS,
    )
    if not match:
        raise StatementError(
            f"{where}: expected GRANT <privileges> ON <object kind> <name> TO ROLE <role> "
            "(or ON ALL|FUTURE <kinds> IN SCHEMA <name>); check the statement"
        )
    if match["plural"]:
        object_kind = _PLURALS[" ".join(match["plural"].upper().split())]
        name = match["container"]
    else:
        object_kind = " ".join(match["single"].upper().split())
        name = match["name"]
    allowed = _PRIVILEGES[object_kind]
    for privilege in match["privileges"].split(","):
        privilege = " ".join(privilege.upper().split())
        if privilege not in allowed:
            known = ", ".join(sorted(allowed))
            raise StatementError(f"{where}: {privilege!r} is not a privilege on a {object_kind}; use one of: {known}")
    return Statement(GRANT, name, text, where)
