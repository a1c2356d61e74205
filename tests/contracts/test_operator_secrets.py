"""contracts.operator_secrets: the one reader of the operator's secrets. Each way a secret can be wrong is one line
that names it and ends with the reader's fix, and never shows the value."""

from __future__ import annotations

import logging
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from contracts import operator_secrets
from contracts.operator_secrets import SecretError, read_secret_object, require_keys

SECRET = "spotify-pipeline/test/some-secret"
FIX = "set it with: the command"
VALUE = "v4lue-n0t-t0-sh0w"


def put(value: str) -> None:
    boto3.client("secretsmanager").create_secret(Name=SECRET, SecretString=value)


def problem(exc_info: pytest.ExceptionInfo[SecretError]) -> str:
    message = str(exc_info.value)
    assert "\n" not in message
    assert VALUE not in message
    return message


def test_a_secret_holding_a_json_object_is_read_and_its_keys_checked(aws: str) -> None:
    put(f'{{"client_id": "id-1", "client_secret": "{VALUE}"}}')

    value = read_secret_object(SECRET, FIX)

    assert value == {"client_id": "id-1", "client_secret": VALUE}
    require_keys(value, ("client_id", "client_secret"), SECRET, FIX)


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (None, f"secret {SECRET!r} has no value; {FIX}"),  # never created
        ("<no version>", f"secret {SECRET!r} has no value; {FIX}"),  # created empty, as a stack does
        ("  \n ", f"secret {SECRET!r} is empty; {FIX}"),
        (f"{VALUE} is not json", f"secret {SECRET!r} is not a JSON object; {FIX}"),
        (f'["{VALUE}"]', f"secret {SECRET!r} is not a JSON object; {FIX}"),
    ],
)
def test_a_secret_without_a_json_object_is_one_line_naming_it_and_the_fix(
    aws: str, stored: str | None, expected: str
) -> None:
    if stored == "<no version>":
        boto3.client("secretsmanager").create_secret(Name=SECRET)
    elif stored is not None:
        put(stored)

    with pytest.raises(SecretError) as error:
        read_secret_object(SECRET, FIX)

    assert problem(error) == expected


@pytest.mark.parametrize("value", [{"client_id": "id-1"}, {"client_id": "id-1", "client_secret": "  "}, {"x": 1}])
def test_a_missing_or_blank_key_is_named(value: dict[str, Any]) -> None:
    with pytest.raises(SecretError) as error:
        require_keys(value, ("client_id", "client_secret"), SECRET, FIX)

    missing = "client_id" if "client_id" not in value else "client_secret"
    assert problem(error) == f"secret {SECRET!r} has no {missing!r}; {FIX}"


def test_a_refused_read_says_which_permission_to_check(monkeypatch: pytest.MonkeyPatch) -> None:
    client = boto3.client("secretsmanager", region_name="us-east-1")
    stubber = Stubber(client)
    stubber.add_client_error("get_secret_value", service_error_code="AccessDeniedException", http_status_code=400)
    stubber.activate()
    monkeypatch.setattr(boto3, "client", lambda *_args, **_kwargs: client)

    with pytest.raises(SecretError) as error:
        read_secret_object(SECRET, FIX)

    assert problem(error) == (
        f"secret {SECRET!r} could not be read (AccessDeniedException); check that the caller may read it "
        f"(secretsmanager:GetSecretValue, and kms:Decrypt when it has a key of its own), or {FIX}"
    )


def test_an_unreachable_secrets_manager_names_the_endpoint_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    # Nothing listens on the discard port: the connection is refused at once, and one attempt is enough.
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")

    with pytest.raises(SecretError) as error:
        read_secret_object(SECRET, FIX)

    message = problem(error)
    assert message.startswith(f"Secrets Manager is unreachable reading {SECRET!r} (")
    assert "AWS_ENDPOINT_URL" in message


def test_botocore_never_logs_the_value_even_at_debug(aws: str, caplog: pytest.LogCaptureFixture) -> None:
    put(f'{{"client_secret": "{VALUE}"}}')
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="botocore")

    operator_secrets.read_secret_object(SECRET, FIX)

    assert VALUE not in caplog.text
