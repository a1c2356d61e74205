"""DuckDB doing the Glue job's transform on one machine: the single-machine reference of the benchmark.

The same input (exactly the files one manifest lists, each parsed once with the job's own explicit schemas from
`transforms.schemas`), the same model tables and columns (contracts/model.py), and the job's rules as far as SQL
states them simply (transforms/quality.py): good pages only (2xx with a JSON body); every occurrence of a track,
album, artist and playlist wherever it appears, the most complete one kept per key; documented drops (local files,
removed items); quarantine for null keys, values out of range and references to dimension rows the run does not
output; one Parquet file per table. Left out on purpose: the sha256 and line-count checks of the raw files, the
quarantine's copy of the raw object, and the raw JSON as the last tie-breaker between equally complete candidates.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DataType,
    IntegerType,
    LongType,
    MapType,
    StringType,
    StructType,
)

from contracts.manifest import Manifest
from contracts.model import LINEAGE, TABLES, TABLES_BY_NAME, Table
from contracts.processed_zone import model_partition_prefix
from contracts.raw_zone import RAW_ROOT, RunLocation, Source
from transforms.schemas import ALBUM, ARTIST, SIMPLE_ALBUM, envelope

FULL, EMBEDDED, SIMPLIFIED = 2, 1, 0
_LINEAGE = "source_file, run_id, ingest_date, fetched_at"
_SCALARS = {StringType: "VARCHAR", IntegerType: "INTEGER", LongType: "BIGINT", BooleanType: "BOOLEAN"}
_MODEL_TYPES = {
    "string": "VARCHAR",
    "int": "INTEGER",
    "long": "BIGINT",
    "double": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMPTZ",
    "array<string>": "VARCHAR[]",
}
_LINEAGE_NAMES = {c.name for c in LINEAGE}


def duckdb_type(data_type: DataType) -> str:
    """A Spark schema type as DuckDB spells it, so both engines parse exactly the same fields."""
    if isinstance(data_type, StructType):
        return "STRUCT(" + ", ".join(f'"{f.name}" {duckdb_type(f.dataType)}' for f in data_type.fields) + ")"
    if isinstance(data_type, ArrayType):
        return f"{duckdb_type(data_type.elementType)}[]"
    if isinstance(data_type, MapType):
        return f"MAP({duckdb_type(data_type.keyType)}, {duckdb_type(data_type.valueType)})"
    return _SCALARS[type(data_type)]


@dataclass(frozen=True)
class DuckDbRun:
    seconds: float
    output_rows: dict[str, int]
    quarantined_rows: dict[str, int]
    threads: int


# Pages and record sets ---------------------------------------------------------------------------------------


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _pages_sql(source: str, paths: Sequence[str], run_id: str, ingest_date: str) -> str:
    """The good pages of one source, parsed once with the job's envelope schema for it."""
    schema = envelope(source)
    types = {f.name: duckdb_type(f.dataType) for f in schema.fields}
    if not paths:
        return (
            "SELECT NULL::VARCHAR AS source_file, NULL::VARCHAR AS run_id, NULL::DATE AS ingest_date, "
            f"NULL::TIMESTAMPTZ AS fetched_at, NULL::VARCHAR AS entity_id, NULL::{types['request']} AS request, "
            f"NULL::{types['response']} AS response LIMIT 0"
        )
    columns = "{" + ", ".join(f"{_quote(name)}: {_quote(t)}" for name, t in types.items()) + "}"
    files = "[" + ", ".join(_quote(p) for p in paths) + "]"
    return f"""
        SELECT regexp_extract(filename, '({RAW_ROOT}/ingest_date=[^/]+/run_id=[^/]+/.+)$', 1) AS source_file,
               {_quote(run_id)} AS run_id, DATE {_quote(ingest_date)} AS ingest_date,
               try_cast(fetched_at AS TIMESTAMPTZ) AS fetched_at, entity_id, request, response
        FROM read_json({files}, format = 'newline_delimited', columns = {columns}, filename = true)
        WHERE status BETWEEN 200 AND 299 AND response IS NOT NULL AND source = {_quote(source)}"""


def _one_or_many(batch_field: str, schema: StructType) -> str:
    """The objects of a body that is either a batch (`{"albums": [...]}`) or one object."""
    single = ", ".join(f'"{n}" := response."{n}"' for n in schema.fieldNames())
    return f"CASE WHEN response.{batch_field} IS NOT NULL THEN response.{batch_field} ELSE [struct_pack({single})] END"


def _image_url(images: str) -> str:
    widths = f"list_transform({images}, lambda i: coalesce(i.width, 0))"
    return f"{images}[list_position({widths}, list_max({widths}))].url"


def _track(t: str, detail: int, album_id: str | None = None, is_local: str | None = None) -> str:
    full = album_id is None
    return f"""{t}.id AS track_id, {t}.name AS track_name, {t}.duration_ms AS duration_ms,
        {t}."explicit" AS "explicit", {f"{t}.external_ids.isrc" if full else "NULL::VARCHAR"} AS isrc,
        {f"{t}.album.id" if full else album_id} AS album_id, {t}.disc_number AS disc_number,
        {t}.track_number AS track_number, {f"{t}.popularity" if full else "NULL::INTEGER"} AS popularity,
        {is_local or f"coalesce({t}.is_local, false)"} AS is_local, {t}.artists AS artists,
        {f"{t}.album" if full else f"NULL::{duckdb_type(SIMPLE_ALBUM)}"} AS album, {detail} AS detail"""


def _album(a: str, detail: int, is_local: str = "false") -> str:
    return f"""{a}.id AS album_id, {a}.name AS album_name, {a}.album_type AS album_type,
        {a}.release_date AS release_date, {a}.release_date_precision AS release_date_precision,
        CASE WHEN regexp_matches({a}.release_date, '^[0-9]{{4}}')
             THEN try_cast(substr({a}.release_date, 1, 4) AS INTEGER) END AS release_year,
        {a}.total_tracks AS total_tracks, {f"{a}.label" if detail == FULL else "NULL::VARCHAR"} AS label,
        {_image_url(f"{a}.images")} AS image_url, {a}.artists AS artists, {is_local} AS is_local, {detail} AS detail"""


def _artist(a: str, detail: int, is_local: str = "false") -> str:
    simplified = detail == SIMPLIFIED
    return f"""{a}.id AS artist_id, {a}.name AS artist_name,
        {"NULL::VARCHAR[]" if simplified else f"{a}.genres"} AS genres,
        {"NULL::BIGINT" if simplified else f"{a}.followers.total"} AS followers,
        {"NULL::INTEGER" if simplified else f"{a}.popularity"} AS popularity,
        {"NULL::VARCHAR" if simplified else _image_url(f"{a}.images")} AS image_url,
        {is_local} AS is_local, {detail} AS detail"""


def _playlist(p: str, detail: int) -> str:
    return f"""{p}.id AS playlist_id, {p}.name AS playlist_name, {p}.owner.id AS owner_id,
        {p}.owner.display_name AS owner_name, {p}.description AS description, {p}.public AS is_public,
        {p}.collaborative AS is_collaborative, {p}.snapshot_id AS snapshot_id,
        coalesce({p}.items.total, {p}.tracks.total) AS total_items, false AS is_local, {detail} AS detail"""


def _elements(source: str, array: str, *context: str) -> str:
    """One row per element (`item`, at `idx`) of `array` in each good page of `source`."""
    extra = "".join(f", {c}" for c in context)
    element = f"unnest({array}) AS item, generate_subscripts({array}, 1) - 1 AS idx"
    return f"(SELECT {_LINEAGE}{extra}, {element} FROM pages_{source})"


def _page_offset() -> str:
    return "coalesce(response.\"offset\", try_cast(request.params['offset'] AS INTEGER), 0)"


def _select(columns: str, relation: str, where: str | None = None) -> str:
    return f"SELECT {_LINEAGE}, {columns} FROM {relation}" + (f" WHERE {where}" if where else "")


def _union(*selects: str) -> str:
    return "\nUNION ALL BY NAME\n".join(selects)


def _credits(owners: str, owner_key: str) -> str:
    """Every artist credited on a track or album, with its position in the credits."""
    credit = "unnest(artists) AS artist, generate_subscripts(artists, 1) - 1 AS artist_position"
    return f"SELECT {_LINEAGE}, {owner_key}, is_local, {credit} FROM {owners}"


def _record_sets_sql() -> dict[str, str]:
    """The intermediate tables, in the order they are built: every occurrence of each kind of entity."""
    embedded = "coalesce(response.items, response.tracks)"
    playable = "coalesce(item.item, item.track)"
    embedded_offset = f'coalesce({embedded}."offset", 0) AS page_offset'
    paged = _elements(
        "playlist_items", "response.items", "entity_id AS playlist_id", f"{_page_offset()} AS page_offset"
    )
    first = _elements("playlists", f"{embedded}.items", "response.id AS playlist_id", embedded_offset)
    pages = _union(f"SELECT * FROM {paged}", f"SELECT * FROM {first}")
    not_null = "item IS NOT NULL"
    return {
        "entries": _select(
            f"playlist_id, page_offset + idx AS position, item AS entry, {playable} AS playable, "
            f"coalesce(item.is_local, false) OR coalesce({playable}.is_local, false) AS is_local",
            f"({pages})",
        ),
        "album_objects": _select("item AS album", _elements("albums", _one_or_many("albums", ALBUM)), not_null),
        "tracks": _union(
            _select(
                _track("item.track", EMBEDDED), _elements("recently_played", "response.items"), "item.track IS NOT NULL"
            ),
            _select(
                _track("item.track", EMBEDDED), _elements("saved_tracks", "response.items"), "item.track IS NOT NULL"
            ),
            _select(_track("item", EMBEDDED), _elements("top_tracks", "response.items"), not_null),
            _select(_track("item", EMBEDDED), _elements("search", "response.tracks.items"), not_null),
            _select(
                _track("playable", EMBEDDED, is_local="is_local"),
                "entries",
                "playable IS NOT NULL AND coalesce(playable.\"type\", 'track') = 'track'",
            ),
            _select(
                _track("item", SIMPLIFIED, album_id="album_id"),
                f"(SELECT {_LINEAGE}, album.id AS album_id, unnest(album.tracks.items) AS item FROM album_objects)",
                not_null,
            ),
            _select(
                _track("item", SIMPLIFIED, album_id="entity_id"),
                _elements("album_tracks", "response.items", "entity_id"),
                not_null,
            ),
        ),
        "albums": _union(
            _select(_album("album", FULL), "album_objects"),
            _select(_album("item", SIMPLIFIED), _elements("search", "response.albums.items"), not_null),
            _select(_album("album", SIMPLIFIED, is_local="is_local"), "tracks", "album IS NOT NULL"),
        ),
        "track_credits": _credits("tracks", "track_id"),
        "album_credits": _credits("albums", "album_id"),
        "artists": _union(
            _select(_artist("item", FULL), _elements("artists", _one_or_many("artists", ARTIST)), not_null),
            _select(_artist("item", EMBEDDED), _elements("top_artists", "response.items"), not_null),
            _select(_artist("item", EMBEDDED), _elements("search", "response.artists.items"), not_null),
            _select(_artist("artist", SIMPLIFIED, is_local="is_local"), "track_credits", "artist IS NOT NULL"),
            _select(_artist("artist", SIMPLIFIED, is_local="is_local"), "album_credits", "artist IS NOT NULL"),
        ),
        "playlists": _union(
            _select(_playlist("response", FULL), "pages_playlists"),
            _select(_playlist("item", SIMPLIFIED), _elements("user_playlists", "response.items"), not_null),
            _select(_playlist("item", SIMPLIFIED), _elements("search", "response.playlists.items"), not_null),
        ),
    }


# Candidates and classification -------------------------------------------------------------------------------

_LOCAL = "CASE WHEN is_local THEN 'local_file' END"
_REMOVED_OR_LOCAL = "CASE WHEN {t} IS NULL THEN 'removed_item' WHEN coalesce({t}.is_local, false) THEN 'local_file' END"

# /me/top/{type} without a time_range parameter answers for the medium term.
_TOP_CONTEXT = (
    f"{_page_offset()} AS page_offset",
    "coalesce(request.params['time_range'], 'medium_term') AS time_range",
)
# Per table: the candidate rows, with `drop_reason` and `preference`.
_CANDIDATES = {
    "dim_track": f"SELECT *, {_LOCAL} AS drop_reason, detail AS preference FROM tracks",
    "dim_album": f"SELECT *, {_LOCAL} AS drop_reason, detail AS preference FROM albums",
    "dim_artist": f"SELECT *, {_LOCAL} AS drop_reason, detail AS preference FROM artists",
    "dim_playlist": f"SELECT *, {_LOCAL} AS drop_reason, detail AS preference FROM playlists",
    "bridge_track_artist": f"""SELECT {_LINEAGE}, track_id, artist.id AS artist_id, artist_position,
        {_LOCAL} AS drop_reason, -artist_position AS preference FROM track_credits""",
    "bridge_album_artist": f"""SELECT {_LINEAGE}, album_id, artist.id AS artist_id, artist_position,
        {_LOCAL} AS drop_reason, -artist_position AS preference FROM album_credits""",
    "fact_playlist_item": f"""SELECT {_LINEAGE}, ingest_date AS snapshot_date, playlist_id, position,
        CASE WHEN playable IS NOT NULL THEN coalesce(playable."type", 'track') END AS item_type,
        CASE WHEN coalesce(playable."type", 'track') = 'track' THEN playable.id END AS track_id,
        CASE WHEN playable."type" = 'episode' THEN playable.id END AS episode_id,
        try_cast(entry.added_at AS TIMESTAMPTZ) AS added_at, entry.added_by.id AS added_by,
        CASE WHEN playable IS NULL THEN 'removed_item' WHEN is_local THEN 'local_file' END AS drop_reason,
        0 AS preference FROM entries""",
    "fact_play": f"""SELECT {_LINEAGE}, try_cast(item.played_at AS TIMESTAMPTZ) AS played_at, item.track.id AS track_id,
        item.context."type" AS context_type, item.context.uri AS context_uri,
        NULL::BIGINT AS ms_played, NULL::BOOLEAN AS skipped, NULL AS reason_start, NULL AS reason_end,
        NULL::BOOLEAN AS shuffle, NULL::BOOLEAN AS offline, NULL AS play_source,
        {_REMOVED_OR_LOCAL.format(t="item.track")} AS drop_reason, 0 AS preference
        FROM {_elements("recently_played", "response.items")}""",
    "fact_top_item": f"""SELECT {_LINEAGE}, ingest_date AS snapshot_date, time_range, item_type,
        page_offset + idx + 1 AS rank, item.id AS item_id,
        CASE WHEN item IS NULL THEN 'removed_item' END AS drop_reason, 0 AS preference
        FROM ({
        _union(
            *(
                f"SELECT *, '{kind}' AS item_type FROM {_elements(source, 'response.items', *_TOP_CONTEXT)}"
                for source, kind in (("top_tracks", "track"), ("top_artists", "artist"))
            )
        )
    })""",
    "fact_saved_track": f"""SELECT {_LINEAGE}, item.track.id AS track_id,
        try_cast(item.added_at AS TIMESTAMPTZ) AS saved_at,
        {_REMOVED_OR_LOCAL.format(t="item.track")} AS drop_reason, 0 AS preference
        FROM {_elements("saved_tracks", "response.items")}""",
}

_POPULARITY = ("popularity_in_range", "popularity < 0 OR popularity > 100")
_VALUE_RULES = {
    "dim_track": (("duration_ms_positive", "duration_ms <= 0"), _POPULARITY),
    "dim_album": (
        ("release_year_plausible", "release_year < 1900 OR release_year > year(ingest_date) + 1"),
        ("total_tracks_positive", "total_tracks <= 0"),
    ),
    "dim_artist": (_POPULARITY, ("followers_not_negative", "followers < 0")),
    "fact_playlist_item": (
        ("item_type_known", "item_type NOT IN ('track', 'episode')"),
        (
            "item_id_not_null",
            "(item_type = 'track' AND track_id IS NULL) OR (item_type = 'episode' AND episode_id IS NULL)",
        ),
    ),
    "fact_top_item": (
        ("item_type_known", "item_type NOT IN ('track', 'artist')"),
        ("rank_in_range", "rank < 1 OR rank > 50"),
    ),
}
# (column, dimension, condition on the row for the reference to apply)
_REFERENCES = {
    "bridge_track_artist": (("track_id", "dim_track", "true"), ("artist_id", "dim_artist", "true")),
    "bridge_album_artist": (("album_id", "dim_album", "true"), ("artist_id", "dim_artist", "true")),
    "fact_playlist_item": (("playlist_id", "dim_playlist", "true"), ("track_id", "dim_track", "true")),
    "fact_play": (("track_id", "dim_track", "true"),),
    "fact_top_item": (
        ("item_id", "dim_track", "item_type = 'track'"),
        ("item_id", "dim_artist", "item_type = 'artist'"),
    ),
    "fact_saved_track": (("track_id", "dim_track", "true"),),
}
_MERGED = {"dim_track", "dim_album", "dim_artist", "dim_playlist", "bridge_track_artist", "bridge_album_artist"}


def _no_candidates(table: Table) -> str:
    """A table whose source the benchmark's runs do not hold (MusicBrainz answers, history exports): no candidates."""
    columns = ", ".join(
        f'NULL::{_MODEL_TYPES[c.type]} AS "{c.name}"' for c in table.columns if c.name not in _LINEAGE_NAMES
    )
    return (
        "SELECT NULL::VARCHAR AS source_file, NULL::VARCHAR AS run_id, NULL::DATE AS ingest_date, "
        f"NULL::TIMESTAMPTZ AS fetched_at, {columns}, NULL AS drop_reason, 0 AS preference WHERE false"
    )


def _typed(table: Table, name: str) -> str:
    return f'try_cast("{name}" AS {_MODEL_TYPES[table.column(name).type]}) AS "{name}"'


def _classify_sql(table: Table) -> str:
    """The candidates of `table` with `outcome` and `reason`, as transforms/quality.classify decides them."""
    data = [c.name for c in table.columns if c.name not in _LINEAGE_NAMES]
    key = [c for c in table.key if c not in _LINEAGE_NAMES]
    described = [c for c in data if c not in table.key]
    joins, rules = [], []
    for index, (column, dimension, applies) in enumerate(_REFERENCES.get(table.name, ())):
        dim_key = TABLES_BY_NAME[dimension].key[0]
        joins.append(
            f"LEFT JOIN (SELECT DISTINCT run_id, {dim_key} AS _ref_{index}, true AS _found_{index} "
            f"FROM cls_{dimension} WHERE outcome = 'output') r{index} "
            f"ON r{index}.run_id = c.run_id AND r{index}._ref_{index} = c.{column}"
        )
        rules.append((f"references_{dimension}", f"c.{column} IS NOT NULL AND ({applies}) AND _found_{index} IS NULL"))
    key_rules = [
        (f"{c.name}_not_null", f'"{c.name}" IS NULL')
        for c in table.columns
        if not c.nullable and c.name not in _LINEAGE_NAMES
    ]
    all_rules = [*key_rules, *_VALUE_RULES.get(table.name, ()), *rules]
    broken = "coalesce(" + ", ".join(f"CASE WHEN {cond} THEN '{name}' END" for name, cond in all_rules) + ", NULL)"
    completeness = " + ".join(f'("{c}" IS NOT NULL)::INTEGER' for c in described) or "0"
    content = "struct_pack(" + ", ".join(f'"{c}" := "{c}"' for c in data) + ")"
    window = (
        f"PARTITION BY run_id, _eligible, {', '.join(key)} "
        f"ORDER BY preference DESC, {completeness} DESC, fetched_at DESC NULLS LAST, source_file"
    )
    merged = "true" if table.name in _MERGED else "false"
    typed = ", ".join(_typed(table, c.name) for c in table.columns)
    candidates = _CANDIDATES.get(table.name) or _no_candidates(table)
    return f"""CREATE TABLE cls_{table.name} AS
        WITH cand AS (SELECT {typed}, drop_reason, preference, fetched_at FROM ({candidates})),
        ruled AS (SELECT c.*, CASE WHEN drop_reason IS NULL THEN {broken} END AS _rule FROM cand c {" ".join(joins)}),
        ranked AS (
            SELECT *, drop_reason IS NULL AND _rule IS NULL AS _eligible FROM ruled
        ),
        ordered AS (
            SELECT *, row_number() OVER w AS _rank,
                first_value({content}) OVER w IS NOT DISTINCT FROM {content} AS _same
            FROM ranked WINDOW w AS ({window})
        )
        SELECT * EXCLUDE (_rank, _same, _eligible),
            CASE WHEN drop_reason IS NOT NULL THEN 'dropped' WHEN _rule IS NOT NULL THEN 'quarantined'
                 WHEN _rank = 1 THEN 'output' WHEN {merged} OR _same THEN 'dropped' ELSE 'quarantined' END AS outcome,
            CASE WHEN drop_reason IS NOT NULL THEN drop_reason WHEN _rule IS NOT NULL THEN _rule
                 WHEN _rank = 1 THEN NULL WHEN {merged} OR _same THEN 'duplicate_key' ELSE 'key_unique' END AS reason
        FROM ordered"""


def run(manifest_path: Path, out_dir: Path, threads: int) -> DuckDbRun:
    """Transform the run `manifest_path` describes into one Parquet file per model table under `out_dir`."""
    started = time.perf_counter()
    manifest = Manifest.from_json(manifest_path.read_text(encoding="utf-8"), where=str(manifest_path))
    location = RunLocation(date.fromisoformat(manifest.ingest_date), manifest.run_id)
    raw_root = str(manifest_path)[: -len(location.manifest_key)]
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    con.execute("SET preserve_insertion_order = false")
    for source in Source.ALL:
        paths = [raw_root + f.key for f in manifest.files if f.source == source]
        con.execute(
            f"CREATE TABLE pages_{source} AS {_pages_sql(source, paths, manifest.run_id, manifest.ingest_date)}"
        )
    for name, query in _record_sets_sql().items():
        con.execute(f"CREATE TABLE {name} AS {query}")
    output_rows, quarantined_rows = {}, {}
    for table in TABLES:  # dimensions first: the facts' references read their output
        con.execute(_classify_sql(table))
        target = out_dir / model_partition_prefix(table.name, manifest.ingest_date, manifest.run_id)
        target.mkdir(parents=True, exist_ok=True)
        columns = ", ".join(f'"{c.name}"' for c in table.columns)
        order = ", ".join(f'"{c}"' for c in table.key)
        con.execute(
            f"COPY (SELECT {columns} FROM cls_{table.name} WHERE outcome = 'output' ORDER BY {order}) "
            f"TO {_quote(str(target / 'part-00000.parquet'))} (FORMAT parquet)"
        )
        counts = dict(con.execute(f"SELECT outcome, count(*) FROM cls_{table.name} GROUP BY outcome").fetchall())
        output_rows[table.name] = counts.get("output", 0)
        quarantined_rows[table.name] = counts.get("quarantined", 0)
    con.close()
    return DuckDbRun(time.perf_counter() - started, output_rows, quarantined_rows, threads)
