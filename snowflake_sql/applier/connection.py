"""Snowflake credentials from Secrets Manager, and the connection the applier uses.

The secret is JSON: `{"account": "<orgname-account>", "user": "...", "private_key": "<PEM>"}` for key-pair
authentication (optionally `"private_key_passphrase"`), or `"password"` instead of `"private_key"` as a
fallback; `"role"` is optional. The applier connects as the deploy role (`DEPLOY_ROLE`, config
`[snowflake] deploy_role`) that an administrator created once with snowflake_sql/bootstrap.sql, and refuses
to run as an administrator role: the secret is then never an account takeover.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from applier.errors import CredentialsError

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


def credentials_from_secret(secret_text: str, secret_id: str) -> SnowflakeCredentials:
    """Parse and check the secret's JSON; CredentialsError says what is missing and the expected shape."""
    try:
        secret = json.loads(secret_text)
    except json.JSONDecodeError:
        raise CredentialsError(f"secret {secret_id} is not JSON; set it to {SECRET_SHAPE}") from None
    if not isinstance(secret, dict):
        raise CredentialsError(f"secret {secret_id} is not a JSON object; set it to {SECRET_SHAPE}")
    for key in ("account", "user"):
        if not isinstance(secret.get(key), str) or not secret[key].strip():
            raise CredentialsError(f"secret {secret_id} has no {key!r}; set it to {SECRET_SHAPE}")
    private_key, password = secret.get("private_key"), secret.get("password")
    if not private_key and not password:
        raise CredentialsError(
            f"secret {secret_id} has neither 'private_key' (key-pair, preferred) nor 'password'; add one"
        )
    role = secret.get("role") or None
    if isinstance(role, str) and role.strip().upper() in ADMIN_ROLES:
        raise CredentialsError(
            f"secret {secret_id} names role {role.strip().upper()}; the applier never deploys as an administrator: "
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
            f"secret {secret_id}: 'private_key' is not a readable PEM private key ({error}); paste the whole "
            "-----BEGIN PRIVATE KEY----- block, and set 'private_key_passphrase' if it is encrypted"
        ) from None
    return key.private_bytes(
        encoding=serialization.Encoding.DER,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )


def read_secret(secret_id: str) -> str:
    """The secret's string from Secrets Manager (the client is created here, after any test set-up)."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    # botocore logs response bodies at DEBUG, this secret's value included: whatever level the caller runs at (the
    # custom resource, an operator's --debug), those records are never emitted.
    botocore_log = logging.getLogger("botocore")
    botocore_log.setLevel(max(logging.INFO, botocore_log.level))
    try:
        response = boto3.client("secretsmanager").get_secret_value(SecretId=secret_id)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code == "ResourceNotFoundException":
            raise CredentialsError(f"secret {secret_id} does not exist; create it with {SECRET_SHAPE}") from None
        raise CredentialsError(f"cannot read secret {secret_id} ({code}); check the caller's IAM permissions") from None
    except BotoCoreError as error:
        raise CredentialsError(f"cannot reach Secrets Manager for {secret_id} ({error})") from None
    if not response.get("SecretString"):
        raise CredentialsError(f"secret {secret_id} has no value yet; set it to {SECRET_SHAPE}")
    return response["SecretString"]


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
