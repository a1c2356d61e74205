"""The `fields` filter of the playlist endpoints: `description,uri`, `items(added_at,added_by.id)`,
`items(track(name,album(!name,href)))`.

A comma-separated list of field names; `a.b` is `a(b)`; parentheses select inside objects (and inside every
object of an array); a leading `!` excludes a field. A group with only exclusions keeps every other field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_NAME = re.compile(r"[A-Za-z0-9_]+")


class FieldsError(ValueError):
    """The `fields` value does not parse; the API answers 400."""


@dataclass
class _Node:
    excluded: bool = False
    children: dict[str, _Node] | None = None


@dataclass
class _Parser:
    text: str
    position: int = 0

    def parse(self) -> dict[str, _Node]:
        selection = self._list()
        if self.position != len(self.text):
            raise FieldsError(f"unexpected {self.text[self.position]!r} at position {self.position} in fields")
        return selection

    def _list(self) -> dict[str, _Node]:
        selection: dict[str, _Node] = {}
        while True:
            self._selector(selection)
            if self.position < len(self.text) and self.text[self.position] == ",":
                self.position += 1
                continue
            return selection

    def _selector(self, selection: dict[str, _Node]) -> None:
        excluded = self.text.startswith("!", self.position)
        if excluded:
            self.position += 1
        match = _NAME.match(self.text, self.position)
        if not match:
            raise FieldsError(f"expected a field name at position {self.position} in fields")
        self.position = match.end()
        node = selection.setdefault(match.group(), _Node())
        node.excluded = excluded
        following = self.text[self.position : self.position + 1]
        if following in (".", "("):
            if excluded:
                raise FieldsError(f"an excluded field ({match.group()}) cannot select inside itself")
            self.position += 1
            node.children = node.children or {}
            if following == ".":
                self._selector(node.children)
            else:
                node.children.update(self._list())
                if not self.text.startswith(")", self.position):
                    raise FieldsError(f"missing ')' at position {self.position} in fields")
                self.position += 1


def parse_fields(text: str) -> dict[str, _Node]:
    return _Parser(text.replace(" ", "")).parse()


def apply_fields(value: Any, selection: dict[str, _Node]) -> Any:
    if isinstance(value, list):
        return [apply_fields(item, selection) for item in value]
    if not isinstance(value, dict):
        return value
    included = {name: node for name, node in selection.items() if not node.excluded}
    excluded = {name for name, node in selection.items() if node.excluded}
    names = [name for name in (included or value) if name in value and name not in excluded]
    result = {}
    for name in names:
        node = included.get(name)
        result[name] = apply_fields(value[name], node.children) if node and node.children else value[name]
    return result
