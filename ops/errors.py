"""The one error an operator sees: a single line saying what is wrong and what to do next."""

from __future__ import annotations


class OpsError(Exception):
    """A mistake or a missing prerequisite the operator can fix; printed as one line, never a traceback."""
