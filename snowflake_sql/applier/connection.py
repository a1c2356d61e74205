"""Snowflake credentials from Secrets Manager, and the connection the applier uses.

The secret is JSON: `{"account": "<orgname-account>", "user": "...", "private_key": "<PEM>"}` for key-pair
authentication (optionally `"private_key_passphrase"`), or `"password"` instead of `"private_key"` as a
fallback; `"role"` is optional. The applier connects as the deploy role (`DEPLOY_ROLE`, config
`[snowflake] deploy_role`) that an administrator created once with snowflake_sql/bootstrap.sql, and refuses
to run as an administrator role: the secret is then never an account takeover.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from applier.errors import CredentialsError
from contracts.operator_secrets import SecretError, read_secret_string, require_keys, secret_object

SECRET_SHAPE = '{"account": "<orgname-account>", "user": "<user>", "private_key": "<PEM>"}'
# Roles that must never deploy: they can change any object, user or grant of the account.
ADMIN_ROLES = frozenset({"ACCOUNTADMIN", "SECURITYADMIN", "ORGADMIN", "GLOBALORGADMIN"})
_BOOTSTRAP = "create the deploy role and service user with `python -m applier.bootstrap` (snowflake_sql/README.md)"


@dataclass(frozen=True)
class SnowflakeCredentials:
    account: str
    user: str
    role: str | None = None
    # Kept out of repr so that a logged or raised credentials object never shows them.
    private_key_der: bytes | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)

    def connect_arguments(self) -> dict[str, Any]:
        arguments: dict[str, Any] = {"account": self.account, "user": self.user}
        if self.role:
            arguments["role"] = self.role
        if self.private_key_der is not None:
            arguments["private_key"] = self.private_key_der
        else:
            arguments["password"] = self.password
        return arguments


def how_to_set(secret_id: str) -> str:
    """The end of each message about the secret's value. The operator creates it (no stack does)."""
    return (
        f"set it to {SECRET_SHAPE} with: aws secretsmanager create-secret --name {secret_id} "
        f"--secret-string file://snowflake.json (put-secret-value --secret-id {secret_id} once it exists)"
    )


def credentials_from_secret(secret_text: str, secret_id: str) -> SnowflakeCredentials:
    """Parse and check the secret's JSON; CredentialsError says what is missing and the expected shape."""
    try:
        secret = secret_object(secret_text, secret_id, how_to_set(secret_id))
        require_keys(secret, ("account", "user"), secret_id, how_to_set(secret_id))
    except SecretError as error:
        raise CredentialsError(str(error)) from None
    private_key, password = secret.get("private_key"), secret.get("password")
    if not private_key and not password:
        raise CredentialsError(
            f"secret {secret_id!r} has neither 'private_key' (key-pair, preferred) nor 'password'; add one"
        )
    role = secret.get("role") or None
    if isinstance(role, str) and role.strip().upper() in ADMIN_ROLES:
        raise CredentialsError(
            f"secret {secret_id!r} names role {role.strip().upper()}; the applier never deploys as an administrator: "
            f"{_BOOTSTRAP}, then put that user and key in the secret and remove 'role'"
        )
    der = _private_key_der(private_key, secret.get("private_key_passphrase"), secret_id) if private_key else None
    return SnowflakeCredentials(
        account=secret["account"].strip(),
        user=secret["user"].strip(),
        role=role,
        private_key_der=der,
        password=None if der else password,
    )


def _private_key_der(pem: str, passphrase: str | None, secret_id: str) -> bytes:
    """The connector takes the key as unencrypted PKCS#8 DER bytes."""
    from cryptography.hazmat.primitives import serialization

    try:
        key = serialization.load_pem_private_key(
            pem.encode("utf-8"), password=passphrase.encode("utf-8") if passphrase else None
        )
    except (ValueError, TypeError) as error:
        raise CredentialsError(
            f"secret {secret_id!r}: 'private_key' is not a readable PEM private key ({error}); paste the whole "
            "-----BEGIN PRIVATE KEY----- block, and set 'private_key_passphrase' if it is encrypted"
        ) from None
    return key.private_bytes(
        encoding=serialization.Encoding.DER,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )


def read_secret(secret_id: str) -> str:
    """The secret's text from Secrets Manager; CredentialsError names the secret and the shape to set."""
    try:
        return read_secret_string(secret_id, how_to_set(secret_id))
    except SecretError as error:
        raise CredentialsError(str(error)) from None


def connect(credentials: SnowflakeCredentials, variables: dict[str, str]) -> Any:
    """A connection in UTC as the deploy role (`variables["DEPLOY_ROLE"]`, else the secret's role), on the
    pipeline's warehouse (once V009 has created it), tagged for query history."""
    import snowflake.connector

    arguments = credentials.connect_arguments()
    if variables.get("DEPLOY_ROLE"):
        arguments["role"] = variables["DEPLOY_ROLE"]
    try:
        return snowflake.connector.connect(
            **arguments,
            warehouse=variables["WAREHOUSE"],
            session_parameters={"TIMEZONE": "UTC", "QUERY_TAG": "spotify-pipeline-applier"},
            login_timeout=60,
        )
    except snowflake.connector.errors.Error as error:
        reason = str(error.msg or error).strip().splitlines()[0]
        raise CredentialsError(
            f"cannot connect to Snowflake account {credentials.account} as {credentials.user} ({reason}); "
            "check the secret's account identifier, user and key"
        ) from None


def require_deploy_role(connection: Any, variables: dict[str, str]) -> None:
    """CredentialsError unless the session runs as the deploy role (never an administrator role)."""
    cursor = connection.cursor()
    cursor.execute("SELECT CURRENT_ROLE()")
    row = cursor.fetchone()
    current = str(row[0] if row else "").upper()
    expected = variables["DEPLOY_ROLE"].upper()
    if current in ADMIN_ROLES or current != expected:
        raise CredentialsError(
            f"the session runs as role {current or '(none)'}, not the deploy role {expected}; {_BOOTSTRAP}, and "
            f"grant {expected} to the secret's user"
        )
