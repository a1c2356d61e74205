"""The secrets an operator sets: each one a JSON object in AWS Secrets Manager, read by its name or ARN.

The contract between the operator and the stage that reads a secret (the extraction's Spotify client and user
token, the applier's Snowflake credentials): the value is a JSON object, the keys a stage needs are non-empty
strings. Every way this can fail is one line that names the secret and says what to do (`how_to_set`, the
reader's own command or shape), and never shows the value. boto3 is imported when a secret is read: it comes with
every AWS runtime this package ships in, and the rest of `contracts` stays standard library only.
"""

from __future__ import annotations

import json
import logging
from typing import Any


class SecretError(Exception):
    """A secret is missing, unreadable, empty, not a JSON object or lacks a key; the message says how to fix it."""


def read_secret_object(secret_id: str, how_to_set: str) -> dict[str, Any]:
    """The secret's JSON object. `how_to_set` ends each error: e.g. "set it with: aws secretsmanager ..."."""
    return secret_object(read_secret_string(secret_id, how_to_set), secret_id, how_to_set)


def read_secret_string(secret_id: str, how_to_set: str) -> str:
    """The secret's text as stored, not blank (the client is created here, after any test set-up)."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    # botocore logs response bodies at DEBUG, secret values included: whatever level the caller runs at (a
    # Lambda's LOG_LEVEL, an operator's --debug), those records are never emitted.
    botocore_log = logging.getLogger("botocore")
    botocore_log.setLevel(max(logging.INFO, botocore_log.level))
    try:
        response = boto3.client("secretsmanager").get_secret_value(SecretId=secret_id)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        # Secrets Manager answers so both for a secret that does not exist and for one created without a value.
        if code == "ResourceNotFoundException":
            raise SecretError(f"secret {secret_id!r} has no value; {how_to_set}") from None
        raise SecretError(
            f"secret {secret_id!r} could not be read ({code}); check that the caller may read it "
            f"(secretsmanager:GetSecretValue, and kms:Decrypt when it has a key of its own), or {how_to_set}"
        ) from None
    except BotoCoreError as error:
        raise SecretError(
            f"Secrets Manager is unreachable reading {secret_id!r} ({error}); check the network and the AWS "
            "settings (AWS_ENDPOINT_URL, when it points at an emulator)"
        ) from None
    text = response.get("SecretString") or ""
    if not text.strip():
        raise SecretError(f"secret {secret_id!r} is empty; {how_to_set}")
    return text


def secret_object(text: str, secret_id: str, how_to_set: str) -> dict[str, Any]:
    """`text` parsed as the JSON object a secret must hold."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, dict):
        # No position or excerpt from the decoder: that would show part of the value.
        raise SecretError(f"secret {secret_id!r} is not a JSON object; {how_to_set}")
    return value


def require_keys(value: dict[str, Any], keys: tuple[str, ...], secret_id: str, how_to_set: str) -> None:
    """Each of `keys` is a non-empty string in the secret's object."""
    for key in keys:
        if not isinstance(value.get(key), str) or not value[key].strip():
            raise SecretError(f"secret {secret_id!r} has no {key!r}; {how_to_set}")
