"""applier.connection: Snowflake credentials from the Secrets Manager secret, key-pair first."""

from __future__ import annotations

import json

import boto3
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from applier.connection import connect, credentials_from_secret, read_secret, require_deploy_role
from applier.errors import CredentialsError


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key: rsa.RSAPrivateKey, passphrase: bytes | None = None) -> str:
    encryption = serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption).decode()


def der(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def test_a_key_pair_secret_gives_the_connector_the_key_as_der(rsa_key) -> None:
    secret = {"account": "myorg-myaccount", "user": "PIPELINE", "private_key": pem(rsa_key), "role": "SPOTIFY_DEPLOYER"}

    arguments = credentials_from_secret(json.dumps(secret), "sf").connect_arguments()

    assert arguments == {
        "account": "myorg-myaccount",
        "user": "PIPELINE",
        "role": "SPOTIFY_DEPLOYER",
        "private_key": der(rsa_key),
    }


def test_an_encrypted_key_is_read_with_its_passphrase(rsa_key) -> None:
    secret = {"account": "a", "user": "u", "private_key": pem(rsa_key, b"s3cret"), "private_key_passphrase": "s3cret"}

    assert credentials_from_secret(json.dumps(secret), "sf").private_key_der == der(rsa_key)


def test_a_password_is_the_fallback_and_never_shown_in_repr() -> None:
    credentials = credentials_from_secret(json.dumps({"account": "a", "user": "u", "password": "hunter2"}), "sf")

    assert credentials.connect_arguments() == {"account": "a", "user": "u", "password": "hunter2"}
    assert "hunter2" not in repr(credentials)


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        ("not json", "secret 'sf' is not a JSON object; set it to "),
        (json.dumps({"user": "u", "password": "p"}), "secret 'sf' has no 'account'; set it to "),
        (json.dumps({"account": "a", "user": "u"}), "neither 'private_key' .* nor 'password'"),
        (json.dumps({"account": "a", "user": "u", "private_key": "-----BEGIN nonsense"}), "not a readable PEM"),
    ],
)
def test_an_incomplete_secret_says_what_is_missing(secret, message) -> None:
    with pytest.raises(CredentialsError, match=message):
        credentials_from_secret(secret, "sf")


def test_the_secret_is_read_from_secrets_manager(aws) -> None:
    boto3.client("secretsmanager").create_secret(Name="spotify-pipeline/dev/snowflake", SecretString='{"a": 1}')

    assert read_secret("spotify-pipeline/dev/snowflake") == '{"a": 1}'


def test_a_missing_secret_is_a_clear_error(aws) -> None:
    with pytest.raises(
        CredentialsError, match="secret 'spotify-pipeline/dev/snowflake' has no value; set it to .* create-secret"
    ):
        read_secret("spotify-pipeline/dev/snowflake")


def test_the_connection_runs_as_the_deploy_role_in_utc_on_the_pipeline_warehouse(
    fake_snowflake, local_config, variables
) -> None:
    user = local_config.snowflake.deploy_user
    credentials = credentials_from_secret(json.dumps({"account": "a", "user": user, "password": "p"}), "sf")

    connection = connect(credentials, variables)
    require_deploy_role(connection, variables)

    assert fake_snowflake.connect_arguments["role"] == variables["DEPLOY_ROLE"]
    assert fake_snowflake.connect_arguments["warehouse"] == variables["WAREHOUSE"]
    assert fake_snowflake.connect_arguments["session_parameters"]["TIMEZONE"] == "UTC"


@pytest.mark.parametrize("role", ["ACCOUNTADMIN", "securityadmin", "ORGADMIN"])
def test_an_administrator_role_in_the_secret_is_refused(role: str) -> None:
    secret = {"account": "a", "user": "u", "password": "p", "role": role}

    with pytest.raises(CredentialsError, match=f"names role {role.upper()}; the applier never deploys as an admin"):
        credentials_from_secret(json.dumps(secret), "sf")


def test_a_session_that_ends_up_in_another_role_is_refused(fake_snowflake, variables) -> None:
    connection = fake_snowflake.connect(account="a", user="u")  # no role given: the user's default, an admin's

    with pytest.raises(CredentialsError, match="runs as role ACCOUNTADMIN, not the deploy role SPOTIFY_DEPLOYER"):
        require_deploy_role(connection, variables)
