"""Errors the applier raises for problems an operator can fix; each message names the thing and the next step."""

from __future__ import annotations


class WarehouseError(Exception):
    """Base class: the CLI prints the message as one line, the custom resource reports it to CloudFormation."""


class MigrationError(WarehouseError):
    """The migration files disagree with the history recorded in the warehouse, or are badly named."""


class TemplateError(WarehouseError):
    """A `${NAME}` in a migration has no value, or a value could break the SQL it is put into."""


class StatementError(WarehouseError):
    """A statement is malformed, not re-runnable, or of a kind the applier does not know how to check."""


class CredentialsError(WarehouseError):
    """The Snowflake secret is missing, unreadable or incomplete."""


class ReadBackError(WarehouseError):
    """Snowflake did not return a value AWS needs (integration identity, pipe notification channel)."""
