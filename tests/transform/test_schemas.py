"""The raw pages' schemas: one per source, each wrapped in the envelope of contracts/raw_zone.py."""

from __future__ import annotations

import pytest

from contracts.raw_zone import ENVELOPE_FIELDS, Source
from transforms.schemas import envelope


@pytest.mark.parametrize("source", Source.ALL)
def test_every_source_has_an_envelope_schema_with_the_contracts_fields(source):
    schema = envelope(source)

    assert tuple(schema.fieldNames()) == ENVELOPE_FIELDS
    assert schema["response"].dataType.fields, f"{source} reads no field of its body"


def test_playlist_entries_read_both_api_shapes():
    entry = envelope(Source.PLAYLIST_ITEMS)["response"].dataType["items"].dataType.elementType

    # `item` since February 2026, `track` before; the same object either way
    assert entry["item"].dataType == entry["track"].dataType


def test_an_unknown_source_is_named():
    with pytest.raises(ValueError, match="no schema for raw source 'podcasts'"):
        envelope("podcasts")
