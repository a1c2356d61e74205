"""A fake of the Snowflake connector at its boundary: an account that enforces ownership and privileges, so the
applier's role split can be tested without Snowflake (the warehouse tests' fixture `fake_snowflake` in
tests/warehouse/conftest.py sets it up)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import snowflake.connector.errors

ACCOUNT = "123456789012"


QUEUE_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:sf-snowpipe-AIDAFAKEFAKEFAKE-Q1w2E3r4T5y6"
ADMIN = "ACCOUNTADMIN"
_NAME = r"[A-Za-z_][A-Za-z0-9_$.]*"
_CREATE = re.compile(
    r"^CREATE\s+(?P<replace>OR\s+REPLACE\s+)?(?P<kind>DATABASE|SCHEMA|DYNAMIC\s+TABLE|TABLE|VIEW|FILE\s+FORMAT|STAGE|"
    r"STORAGE\s+INTEGRATION|NOTIFICATION\s+INTEGRATION|WAREHOUSE|ROLE|PIPE|USER)\s+(?P<exists>IF\s+NOT\s+EXISTS\s+)?"
    rf"(?P<name>{_NAME})",
    re.I,
)
# What creating each kind of object needs: a privilege on the account, or owning the database or schema it is in.
_ACCOUNT_PRIVILEGE = {
    "DATABASE": "CREATE DATABASE",
    "WAREHOUSE": "CREATE WAREHOUSE",
    "ROLE": "CREATE ROLE",
    "STORAGE INTEGRATION": "CREATE INTEGRATION",
    "NOTIFICATION INTEGRATION": "CREATE INTEGRATION",
    "USER": "CREATE USER",
}


_PLURAL_KINDS = {
    "SCHEMAS": "SCHEMA",
    "TABLES": "TABLE",
    "VIEWS": "VIEW",
    "DYNAMIC TABLES": "DYNAMIC TABLE",
    "STAGES": "STAGE",
    "FILE FORMATS": "FILE FORMAT",
    "PIPES": "PIPE",
}


class FakeSnowflake:
    """An account as the applier sees it through the connector: it records every statement, keeps the history
    tables, answers DESC INTEGRATION, SHOW PIPES and SYSTEM$PIPE_STATUS with rows in Snowflake's documented
    shape, and enforces ownership and the privileges a statement needs (ACCOUNTADMIN may do anything), so a
    deploy role missing a grant fails where Snowflake would."""

    queue_arn = QUEUE_ARN  # Snowflake gives every auto-ingest pipe of an account one shared queue

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.tables: set[str] = set()
        self.history: list[tuple[int, str, str]] = []
        self.repeatable_history: list[tuple[str, str]] = []
        self.integrations: dict[str, str] = {}  # name -> "storage" | "notification"
        self.pipes: dict[str, str] = {}  # qualified name -> the COPY it runs
        self.paused: set[str] = set()
        self.pending_files: dict[str, list[int]] = {}  # pipe -> pending counts SYSTEM$PIPE_STATUS answers in turn
        self.connect_arguments: dict[str, Any] = {}
        self.owners: dict[str, str] = {}  # "KIND NAME" -> owning role
        self.managed_schemas: set[str] = set()
        self.account_privileges: dict[str, set[str]] = {}  # role -> privileges ON ACCOUNT
        self.user_roles: dict[str, set[str]] = {}  # user -> roles granted
        self.users: dict[str, str] = {}  # user -> its CREATE USER statement
        self.role = ADMIN

    def connect(self, **arguments: Any) -> FakeConnection:
        self.connect_arguments = arguments
        role = str(arguments.get("role") or ADMIN).upper()
        user = str(arguments.get("user", "")).upper()
        if role != ADMIN and role not in self.user_roles.get(user, set()):
            raise snowflake.connector.errors.DatabaseError(
                msg=f"Role '{role}' specified in the connect string is not granted to this user.", errno=250001
            )
        self.role = role
        return FakeConnection(self)

    def run_as_admin(self, sql_script: str) -> None:
        """An administrator runs `sql_script` (statements split on ';') in a worksheet."""
        from applier.migrations import split_statements

        self.role = ADMIN
        cursor = FakeCursor(self)
        for statement in split_statements(sql_script):
            cursor.execute(statement.text)

    # -- privileges --

    def refuse(self, what: str) -> None:
        raise snowflake.connector.errors.ProgrammingError(
            msg=f"SQL access control error: Insufficient privileges to operate on {what}", errno=3001
        )

    def require_owner(self, kind: str, name: str) -> None:
        owner = self.owners.get(f"{kind} {name.upper()}")
        if self.role != ADMIN and owner != self.role:
            self.refuse(f"{kind.lower()} '{name}'")

    def container_owner(self, kind: str, name: str) -> None:
        """Creating `name` needs its database (for a schema) or its schema (for anything in one)."""
        parts = name.upper().split(".")
        if kind == "SCHEMA":
            self.require_owner("DATABASE", parts[0])
        else:
            self.require_owner("SCHEMA", ".".join(parts[:2]))


class FakeConnection:
    def __init__(self, account: FakeSnowflake) -> None:
        self.account = account
        self.closed = False

    def cursor(self) -> FakeCursor:
        return FakeCursor(self.account)

    def close(self) -> None:
        self.closed = True


class FakeCursor:
    def __init__(self, account: FakeSnowflake) -> None:
        self.account = account
        self.description: list[tuple[str, ...]] = []
        self._rows: list[tuple[Any, ...]] = []

    def execute(self, sql: str, params: tuple[Any, ...] | None = None) -> FakeCursor:
        account = self.account
        account.statements.append(sql)
        self.description, self._rows = [], []
        if created := _CREATE.match(sql):
            self._create(
                " ".join(created["kind"].upper().split()),
                created["name"],
                sql,
                bool(created["replace"]),
                bool(created["exists"]),
            )
        elif granted := re.match(
            rf"^GRANT\s+(?P<what>.+?)\s+ON\s+(?P<on>.+?)\s+TO\s+(?P<kind>ROLE|USER)\s+(?P<to>{_NAME})", sql, re.I | re.S
        ):
            self._grant(granted["what"], granted["on"], granted["kind"].upper(), granted["to"].upper())
        elif granted := re.match(
            rf"^GRANT\s+ROLE\s+(?P<role>{_NAME})\s+TO\s+(?P<kind>ROLE|USER)\s+(?P<to>{_NAME})", sql, re.I
        ):
            account.require_owner("ROLE", granted["role"])
            if granted["kind"].upper() == "USER":
                account.user_roles.setdefault(granted["to"].upper(), set()).add(granted["role"].upper())
        elif altered := re.match(
            rf"^ALTER\s+SCHEMA\s+IF\s+EXISTS\s+(?P<name>{_NAME})\s+ENABLE\s+MANAGED\s+ACCESS", sql, re.I
        ):
            account.require_owner("SCHEMA", altered["name"])
            account.managed_schemas.add(altered["name"].upper())
        elif altered := re.match(
            rf"^ALTER\s+(?P<kind>WAREHOUSE|STAGE|STORAGE\s+INTEGRATION|NOTIFICATION\s+INTEGRATION|TABLE)\s+IF\s+EXISTS\s+"
            rf"(?P<name>{_NAME})",
            sql,
            re.I,
        ):
            kind = " ".join(altered["kind"].upper().split())
            account.require_owner("INTEGRATION" if kind.endswith("INTEGRATION") else kind, altered["name"])
        elif altered := re.match(
            rf"^ALTER\s+PIPE\s+(?:IF\s+EXISTS\s+)?(?P<name>{_NAME})\s+(?P<rest>.*)$", sql, re.I | re.S
        ):
            account.require_owner("PIPE", altered["name"])
            name, rest = altered["name"].upper(), altered["rest"].upper()
            if "PIPE_EXECUTION_PAUSED = TRUE" in rest:
                account.paused.add(name)
            elif "PIPE_EXECUTION_PAUSED = FALSE" in rest:
                account.paused.discard(name)
        elif status := re.match(r"^SELECT SYSTEM\$PIPE_STATUS\('(?P<name>[^']+)'\)$", sql):
            name = status["name"].upper()
            counts = account.pending_files.get(name) or [0]
            pending = counts.pop(0) if len(counts) > 1 else counts[0]
            state = "PAUSED" if name in account.paused else "RUNNING"
            self._result(["STATUS"], [(f'{{"executionState":"{state}","pendingFileCount":{pending}}}',)])
        elif resumed := re.match(r"^SELECT SYSTEM\$PIPE_FORCE_RESUME\('(?P<name>[^']+)'\)$", sql):
            account.require_owner("PIPE", resumed["name"])
            account.paused.discard(resumed["name"].upper())
        elif sql == "SELECT CURRENT_ROLE()":
            self._result(["CURRENT_ROLE()"], [(account.role,)])
        elif sql == "SELECT CURRENT_TIMESTAMP()":
            self._result(["CURRENT_TIMESTAMP()"], [(datetime.datetime(2026, 12, 3, 20, 0, tzinfo=datetime.UTC),)])
        elif read := re.match(r"SELECT VERSION, SCRIPT, CHECKSUM FROM (\S+)", sql):
            self._require_table(read[1])
            self._result(["VERSION", "SCRIPT", "CHECKSUM"], account.history)
        elif read := re.match(r"SELECT SCRIPT, CHECKSUM FROM (\S+)", sql):
            self._require_table(read[1])
            latest = dict(account.repeatable_history)
            self._result(["SCRIPT", "CHECKSUM"], list(latest.items()))
        elif (inserted := re.match(r"INSERT INTO (\S+) \(VERSION, SCRIPT, CHECKSUM", sql)) and params:
            assert inserted[1] in account.tables, f"insert into {inserted[1]}, which was never created"
            account.require_owner("TABLE", inserted[1])
            account.history.append((int(params[0]), str(params[1]), str(params[2])))
        elif (inserted := re.match(r"INSERT INTO (\S+) \(SCRIPT, CHECKSUM", sql)) and params:
            assert inserted[1] in account.tables, f"insert into {inserted[1]}, which was never created"
            account.require_owner("TABLE", inserted[1])
            account.repeatable_history.append((str(params[0]), str(params[1])))
        elif described := re.match(r"DESC INTEGRATION (\w+)$", sql):
            account.require_owner("INTEGRATION", described[1])
            self._describe(described[1])
        elif shown := re.match(r"SHOW PIPES (?:LIKE '(?P<like>[^']+)' )?IN SCHEMA (?P<schema>\S+)$", sql):
            self._show_pipes(shown["schema"], shown["like"])
        return self

    def _require_table(self, name: str) -> None:
        if name not in self.account.tables:
            raise snowflake.connector.errors.ProgrammingError(
                msg=f"Object '{name}' does not exist or not authorized.", errno=2003
            )

    def _create(self, kind: str, name: str, sql: str, replace: bool, exists: bool) -> None:
        account = self.account
        owner_kind = "INTEGRATION" if kind.endswith("INTEGRATION") else kind
        key = f"{owner_kind} {name.upper()}"
        if key in account.owners and exists:
            return  # "already exists, statement succeeded": nothing checked, nothing changed
        if kind in _ACCOUNT_PRIVILEGE:
            if account.role != ADMIN and _ACCOUNT_PRIVILEGE[kind] not in account.account_privileges.get(
                account.role, ()
            ):
                account.refuse(f"account (needs {_ACCOUNT_PRIVILEGE[kind]})")
        elif key in account.owners:
            account.require_owner(owner_kind, name)  # OR REPLACE of an object another role owns
        else:
            account.container_owner(kind, name)
        account.owners[key] = account.role
        if kind == "TABLE":
            account.tables.add(name)
        elif kind.endswith("INTEGRATION"):
            account.integrations[name] = kind.split()[0].lower()
        elif kind == "PIPE":
            account.pipes[name] = re.match(r".*?\sAS\s+(COPY INTO .*)$", sql, re.S)[1]
        elif kind == "USER":
            account.users[name.upper()] = sql

    def _grant(self, what: str, on: str, grantee_kind: str, grantee: str) -> None:
        account = self.account
        on = " ".join(on.upper().split())
        if on == "ACCOUNT":
            if account.role != ADMIN:
                account.refuse("account")
            privileges = {" ".join(p.upper().split()) for p in what.split(",")}
            account.account_privileges.setdefault(grantee, set()).update(privileges)
            return
        if future := re.match(r"^FUTURE .+ IN SCHEMA (\S+)$", on):
            schema = future[1]
            owner = account.owners.get(f"SCHEMA {schema}")
            if account.role != ADMIN and not (schema in account.managed_schemas and owner == account.role):
                account.refuse(f"schema '{schema}' (future grants need MANAGE GRANTS, or owning a managed schema)")
            return
        if every := re.match(r"^ALL (?P<kinds>.+) IN DATABASE (?P<database>\S+)$", on):
            assert what.upper() == "OWNERSHIP", what
            kind = _PLURAL_KINDS[every["kinds"]]
            for key in [k for k in account.owners if k.startswith(f"{kind} {every['database']}.")]:
                name = key.removeprefix(f"{kind} ")
                if kind == "PIPE" and name not in account.paused:
                    raise snowflake.connector.errors.ProgrammingError(
                        msg=f"Pipe '{name}' must be paused before its ownership is transferred", errno=3038
                    )
                self._transfer(key, grantee)
            return
        target = re.match(r"^(?P<kind>FILE FORMAT|[A-Z]+) (?P<name>\S+)$", on)
        assert target, on
        account.require_owner(target["kind"], target["name"])
        if what.upper() == "OWNERSHIP":
            self._transfer(f"{target['kind']} {target['name']}", grantee)

    def _transfer(self, key: str, role: str) -> None:
        """GRANT OWNERSHIP: the owner (or ACCOUNTADMIN) hands the object `key` ("KIND NAME") to `role`."""
        if self.account.role != ADMIN and self.account.owners.get(key) != self.account.role:
            self.account.refuse(key.lower())
        self.account.owners[key] = role

    def _result(self, names: list[str], rows: list[tuple[Any, ...]]) -> None:
        self.description = [(name, None, None, None, None, None, None) for name in names]
        self._rows = list(rows)

    def _describe(self, name: str) -> None:
        kind = self.account.integrations.get(name)
        if kind is None:
            raise snowflake.connector.errors.ProgrammingError(
                msg=f"Integration '{name}' does not exist or not authorized.", errno=2003
            )
        if kind == "storage":
            properties = [
                ("ENABLED", "Boolean", "true", "false"),
                ("STORAGE_PROVIDER", "String", "S3", ""),
                ("STORAGE_AWS_IAM_USER_ARN", "String", f"arn:aws:iam::{ACCOUNT[::-1]}:user/abc1-b-self1234", ""),
                ("STORAGE_AWS_ROLE_ARN", "String", f"arn:aws:iam::{ACCOUNT}:role/storage", ""),
                ("STORAGE_AWS_EXTERNAL_ID", "String", "MYACCOUNT_SFCRole=2_a123456/s0aBCDEfGHIJklmNoPq=", ""),
                ("COMMENT", "String", "", ""),
            ]
        else:
            properties = [
                ("ENABLED", "Boolean", "true", "false"),
                ("TYPE", "String", "QUEUE", ""),
                ("DIRECTION", "String", "OUTBOUND", ""),
                ("NOTIFICATION_PROVIDER", "String", "AWS_SNS", ""),
                ("SF_AWS_IAM_USER_ARN", "String", f"arn:aws:iam::{ACCOUNT[::-1]}:user/c_myaccount", ""),
                ("SF_AWS_EXTERNAL_ID", "String", "MYACCOUNT_SFCRole=2_zyx987/tuVWxyz=", ""),
            ]
        self._result(["property", "property_type", "property_value", "property_default"], properties)

    def _show_pipes(self, schema: str, like: str | None) -> None:
        columns = [
            "created_on",
            "name",
            "database_name",
            "schema_name",
            "definition",
            "owner",
            "notification_channel",
            "comment",
            "integration",
            "pattern",
            "error_integration",
            "owner_role_type",
            "invalid",
            "invalid_reason",
        ]
        rows = []
        for qualified, definition in self.account.pipes.items():
            database, schema_name, name = qualified.split(".")
            if f"{database}.{schema_name}" != schema or (like and like.upper() != name.upper()):
                continue
            rows.append(
                (
                    datetime.datetime(2026, 11, 24, tzinfo=datetime.UTC),
                    name,
                    database,
                    schema_name,
                    definition,
                    self.account.owners.get(f"PIPE {qualified.upper()}"),
                    QUEUE_ARN,
                    "",
                    None,
                    None,
                    "SPOTIFY_PIPE_ERRORS",
                    "ROLE",
                    "false",
                    None,
                )
            )
        self._result(columns, rows)

    def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self._rows)

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows[0] if self._rows else None


DEPLOY_PUBLIC_KEY = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAfakefakefake"
