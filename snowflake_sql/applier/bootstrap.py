"""`python -m applier.bootstrap`: print the one-time set-up an administrator runs (snowflake_sql/bootstrap.sql).

    .venv/bin/python -m applier.bootstrap --env dev --public-key-file rsa_key.pub [--existing]

It prints SQL and runs nothing: the applier never holds an administrator's credentials. `--existing` adds the
hand-over of a warehouse deployed before the deploy role (its objects owned by ACCOUNTADMIN): ownership of each
object moves to the deploy role with its grants, the pipes paused for the move and resumed after it.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from applier.connection import ADMIN_ROLES
from applier.errors import WarehouseError
from applier.migrations import load_migrations, render
from applier.statements import PIPE

BOOTSTRAP_SQL = Path(__file__).resolve().parent.parent / "bootstrap.sql"
_PEM_BODY = re.compile(r"-----BEGIN PUBLIC KEY-----(?P<body>[A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----")


def public_key_body(pem: str) -> str:
    """The base64 body of a PEM public key, as RSA_PUBLIC_KEY takes it; WarehouseError for anything else."""
    match = _PEM_BODY.search(pem)
    if not match or "PRIVATE" in pem:
        raise WarehouseError(
            "the key file is not a PEM public key (-----BEGIN PUBLIC KEY-----); make one with "
            "`openssl rsa -in rsa_key.p8 -pubout -out rsa_key.pub` and pass rsa_key.pub"
        )
    return "".join(match["body"].split())


def bootstrap_sql(variables: dict[str, str], deploy_user: str, public_key: str) -> str:
    """The bootstrap script rendered for this environment's deploy role and service user."""
    if variables["DEPLOY_ROLE"].upper() in ADMIN_ROLES:
        raise WarehouseError(f"deploy_role = {variables['DEPLOY_ROLE']} is an administrator role; name a new role")
    values = {**variables, "DEPLOY_USER": deploy_user, "DEPLOY_PUBLIC_KEY": public_key}
    return render(BOOTSTRAP_SQL.read_text(encoding="utf-8"), values, BOOTSTRAP_SQL.name)


def handover_sql(variables: dict[str, str]) -> str:
    """Ownership of an existing warehouse's objects, from ACCOUNTADMIN to the deploy role (grants kept)."""
    from applier.apply import statements_of

    role, database = variables["DEPLOY_ROLE"], variables["DATABASE"]
    pipes = [s.name for m in load_migrations() if m.repeatable for s in statements_of(m, variables) if s.kind == PIPE]
    to_role = f"TO ROLE {role} COPY CURRENT GRANTS;"
    lines = [
        "-- A warehouse deployed before the deploy role: hand its objects to the role (run as ACCOUNTADMIN).",
        "-- A pipe must be paused to change owner, and is resumed with SYSTEM$PIPE_FORCE_RESUME afterwards.",
        *(f"ALTER PIPE IF EXISTS {pipe} SET PIPE_EXECUTION_PAUSED = TRUE;" for pipe in pipes),
        f"GRANT OWNERSHIP ON DATABASE {database} {to_role}",
        f"GRANT OWNERSHIP ON ALL SCHEMAS IN DATABASE {database} {to_role}",
        *(
            f"GRANT OWNERSHIP ON ALL {kind} IN DATABASE {database} {to_role}"
            for kind in ("TABLES", "VIEWS", "DYNAMIC TABLES", "STAGES", "FILE FORMATS", "PIPES")
        ),
        f"GRANT OWNERSHIP ON WAREHOUSE {variables['WAREHOUSE']} {to_role}",
        f"GRANT OWNERSHIP ON INTEGRATION {variables['STORAGE_INTEGRATION']} {to_role}",
        f"GRANT OWNERSHIP ON INTEGRATION {variables['ERROR_INTEGRATION']} {to_role}",
        f"GRANT OWNERSHIP ON ROLE {variables['LOADER_ROLE']} {to_role}",
        f"GRANT OWNERSHIP ON ROLE {variables['BI_ROLE']} {to_role}",
        *(f"SELECT SYSTEM$PIPE_FORCE_RESUME('{pipe}');" for pipe in pipes),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m applier.bootstrap", description=__doc__.splitlines()[0])
    parser.add_argument("--env", required=True, help="environment in config/pipeline.toml (dev, prod)")
    parser.add_argument("--public-key-file", type=Path, required=True, help="the service user's PEM public key")
    parser.add_argument("--existing", action="store_true", help="also hand an existing warehouse to the role")
    arguments = parser.parse_args(argv)
    from applier.variables import warehouse_variables
    from config import ConfigError, load_config

    try:
        config = load_config(arguments.env)
        if not arguments.public_key_file.is_file():
            raise WarehouseError(f"{arguments.public_key_file} does not exist; pass the public key's file")
        public_key = public_key_body(arguments.public_key_file.read_text(encoding="utf-8"))
        # Only names are rendered here; the bucket and ARNs are placeholders nothing in this script reads.
        arn = "arn:aws:iam::000000000000:role/unused"
        variables = warehouse_variables(config, "unused-bucket", arn, arn, arn)
        print(bootstrap_sql(variables, config.snowflake.deploy_user, public_key), end="")
        if arguments.existing:
            print("\n" + handover_sql(variables), end="")
    except (WarehouseError, ConfigError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
