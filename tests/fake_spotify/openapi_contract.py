"""The public OpenAPI description of the Spotify Web API as a response validator for the fake server's tests.

OpenAPI 3.0 schemas become JSON Schema 2020-12 faithfully: `nullable: true` adds null to the type (or to the
enum), nothing else is loosened. On top of the description, a short list of deviations states what the real
API does that the description does not say; each names its source, and each is as narrow as the fact:

- REAL_NULLS: fields the real API sends as null though not declared nullable (removed tracks, old playlists
  without `added_at`/`added_by`; the description's own prose for `added_at`, `added_by` and cursor `next`);
- local files in playlists (the real API gives them null ids, links and album dates): validated against
  `LocalFileTrackObject`, a copy of `TrackObject` that only matches `is_local: true`;
- search results for playlists can hold null items (Spotify-owned playlists since 2024-11), in search only;
- an error object can lack `message` (Spotify's edge sends some 5xx with `status` only);
- development mode: fields the February 2026 changelog removed may be absent even where listed as required.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference" / "spotify-web-api.openapi.yml"
_URN = "urn:spotify-web-api"
_ANNOTATIONS_TO_DROP = ("nullable", "example", "discriminator", "xml", "externalDocs")

REAL_NULLS = (
    ("PlaylistTrackObject", "added_at"),  # "some very old playlists may return null" (its own description)
    ("PlaylistTrackObject", "added_by"),  # idem
    ("PlaylistTrackObject", "item"),  # a track removed from Spotify
    ("PlaylistTrackObject", "track"),  # idem, under the deprecated name
    ("PlayHistoryObject", "context"),  # a play without context
    ("CursorPagingObject", "cursors"),  # an empty page of play history
    ("CursorPagingObject", "next"),  # "null if none" (its own description)
)
REMOVED_IN_DEVELOPMENT_MODE = (
    ("AlbumBase", "available_markets"),
    ("AlbumObject", "label"),
    ("AlbumObject", "popularity"),
    ("ShowBase", "available_markets"),
    ("ShowBase", "publisher"),
)
_LOCAL_NULLS = {
    "LocalFileTrackObject": ("href", "id"),
    "LocalFileAlbumObject": ("album_type", "href", "id", "release_date", "release_date_precision", "uri"),
    "LocalFileArtistObject": ("href", "id", "uri"),
}


def _ref(name: str, section: str = "schemas") -> dict[str, str]:
    return {"$ref": f"{_URN}#/components/{section}/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if "type" in schema:
        schema = {**schema, "type": [schema["type"], "null"]}
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
        return schema
    return {"anyOf": [schema, {"type": "null"}]}


def _convert(schema: Any) -> Any:
    """One OpenAPI 3.0 schema object as JSON Schema 2020-12."""
    if not isinstance(schema, dict):
        return schema
    converted: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _ANNOTATIONS_TO_DROP or key.startswith("x-"):
            continue
        if key == "$ref":
            converted[key] = value.replace("#/", f"{_URN}#/", 1)
        elif key == "properties":
            converted[key] = {name: _convert(sub) for name, sub in value.items()}
        elif key in ("items", "not", "additionalProperties") and isinstance(value, dict):
            converted[key] = _convert(value)
        elif key in ("allOf", "oneOf", "anyOf"):
            converted[key] = [_convert(sub) for sub in value]
        else:
            converted[key] = value
    return _nullable(converted) if schema.get("nullable") is True else converted


def _properties(schemas: dict[str, Any], name: str) -> dict[str, Any]:
    """The properties of a schema, looking inside `allOf` for schemas that compose (AlbumObject, paging ...)."""
    schema = schemas[name]
    if "properties" in schema:
        return schema["properties"]
    for part in schema.get("allOf", []):
        if "properties" in part:
            return part["properties"]
    raise KeyError(f"schema {name} has no properties")


def _validator_class() -> type[Draft202012Validator]:
    """Draft 2020-12 whose `oneOf` remembers instances that passed: a playlist page repeats the same track
    objects (under `item` and `track`, page after page), and `oneOf` tries every alternative each time."""
    passed: set[tuple[int, str]] = set()
    one_of = Draft202012Validator.VALIDATORS["oneOf"]

    def remembering_one_of(validator: Any, alternatives: Any, instance: Any, schema: Any) -> Any:
        key = (id(alternatives), json.dumps(instance, sort_keys=True))
        if key in passed:
            return
        errors = list(one_of(validator, alternatives, instance, schema))
        if not errors:
            passed.add(key)
        yield from errors

    return validators.extend(Draft202012Validator, {"oneOf": remembering_one_of})


class OpenApiContract:
    def __init__(self, spec_path: Path = SPEC_PATH) -> None:
        with spec_path.open(encoding="utf-8") as handle:
            # The C safe loader when PyYAML has it (10x faster); both build plain data only.
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            self.spec = yaml.load(handle, Loader=loader)  # noqa: S506 - a safe loader
        self._registries = {mode: self._registry(mode) for mode in ("development", "extended")}
        self._validator = _validator_class()

    # -- building ----------------------------------------------------------------------------------------------
    def _registry(self, mode: str) -> Registry:
        components = copy.deepcopy(self.spec["components"])  # each mode changes its own copy
        schemas = {name: _convert(schema) for name, schema in components["schemas"].items()}
        responses = components["responses"]
        for response in responses.values():
            for media in response.get("content", {}).values():
                media["schema"] = _convert(media["schema"])
        for schema_name, field in REAL_NULLS:
            properties = _properties(schemas, schema_name)
            properties[field] = _nullable(properties[field])
        schemas["ErrorObject"]["required"] = ["status"]
        self._add_local_file_schemas(schemas)
        search_playlists = copy.deepcopy(schemas["PagingPlaylistObject"])
        items = search_playlists["allOf"][1]["properties"]["items"]
        items["items"] = _nullable(items["items"])
        schemas["SearchPagingPlaylistObject"] = search_playlists
        search = responses["SearchItems"]["content"]["application/json"]["schema"]
        search["properties"]["playlists"] = _ref("SearchPagingPlaylistObject")
        if mode == "development":
            for schema_name, field in REMOVED_IN_DEVELOPMENT_MODE:
                schemas[schema_name]["required"].remove(field)
        document = {"components": {"schemas": schemas, "responses": responses}}
        return Registry().with_resource(_URN, Resource.from_contents(document, default_specification=DRAFT202012))

    @staticmethod
    def _add_local_file_schemas(schemas: dict[str, Any]) -> None:
        artist = copy.deepcopy(schemas["SimplifiedArtistObject"])
        album = {
            "type": "object",
            "required": ["name", "type", "artists", "images"],
            "properties": {
                **copy.deepcopy(schemas["AlbumBase"]["properties"]),
                "artists": {"type": "array", "items": _ref("LocalFileArtistObject")},
            },
        }
        track = copy.deepcopy(schemas["TrackObject"])
        track["required"] = ["is_local", "name", "type", "uri"]
        track["properties"]["is_local"] = {"type": "boolean", "enum": [True]}
        track["properties"]["album"] = _ref("LocalFileAlbumObject")
        track["properties"]["artists"] = {"type": "array", "items": _ref("LocalFileArtistObject")}
        schemas.update(LocalFileTrackObject=track, LocalFileAlbumObject=album, LocalFileArtistObject=artist)
        for name, fields in _LOCAL_NULLS.items():
            for field in fields:
                schemas[name]["properties"][field] = _nullable(schemas[name]["properties"][field])
        for field in ("item", "track"):
            entry = schemas["PlaylistTrackObject"]["properties"][field]
            one_of = entry["anyOf"][0] if "anyOf" in entry else entry
            one_of["oneOf"].append(_ref("LocalFileTrackObject"))

    # -- checking ------------------------------------------------------------------------------------------------
    def response_schema(self, path: str, status: int, method: str = "get") -> dict[str, Any]:
        """The schema the description gives for `status` of `method path` (`/playlists/{playlist_id}`).

        An error status the operation does not list gets the description's generic error response (all of
        them are the same error object).
        """
        response = self.spec["paths"][path][method]["responses"].get(str(status))
        if response is not None:
            name = response["$ref"].rsplit("/", 1)[-1]
        elif status >= 400:
            name = {400: "BadRequest", 404: "NotFound"}.get(status, "TooManyRequests")
        else:
            raise KeyError(f"{method.upper()} {path} declares no {status} response")
        return {"$ref": f"{_URN}#/components/responses/{name}/content/application~1json/schema"}

    def errors(self, mode: str, path: str, status: int, body: Any) -> list[str]:
        """Every way `body` breaks the description, one line each; empty when it conforms."""
        validator = self._validator(
            self.response_schema(path, status), registry=self._registries[mode], format_checker=FormatChecker()
        )
        found = sorted(validator.iter_errors(body), key=lambda e: list(map(str, e.absolute_path)))
        return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message[:300]}" for e in found]
