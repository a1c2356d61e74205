-- UPSERT dimensions keep, per column, the latest non-null value instead of the whole latest row.
--
-- Why: the extraction fetches an artist's or album's details (genres, image, label, ...) only the first time
-- the id is seen; later runs still emit the entity, but from simplified objects nested in tracks and albums,
-- whose detail columns are null. With V005's "latest row wins", such a bare row replaced the enriched one and
-- erased what was known. Now each column is FIRST_VALUE(...) IGNORE NULLS over the same order V005 uses
-- (ingest_date, run_id, then the latest load), so a later run still updates every value it does carry, and a
-- value it does not carry keeps its latest known one. The lineage columns (run_id, ingest_date, source_file)
-- name the latest run that saw the entity.
--
-- Snowflake's default frame for FIRST_VALUE is the whole partition; the DuckDB translation spells it out.
-- Dynamic tables hold nothing that cannot be computed again, so OR REPLACE only recomputes them.

CREATE OR REPLACE DYNAMIC TABLE ${DATABASE}.${CORE_SCHEMA}.DIM_TRACK (
    track_id     VARCHAR,
    track_name   VARCHAR,
    duration_ms  NUMBER(19,0),
    explicit     BOOLEAN,
    isrc         VARCHAR,
    album_id     VARCHAR,
    disc_number  NUMBER(10,0),
    track_number NUMBER(10,0),
    popularity   NUMBER(10,0),
    run_id       VARCHAR,
    ingest_date  DATE,
    source_file  VARCHAR
)
    TARGET_LAG = '${TARGET_LAG}'
    WAREHOUSE = ${WAREHOUSE}
    REFRESH_MODE = AUTO
    COMMENT = 'UPSERT on (track_id): one row per key, each column its latest non-null value'
AS SELECT
        track_id,
        FIRST_VALUE(track_name) IGNORE NULLS OVER (
            PARTITION BY track_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS track_name,
        FIRST_VALUE(duration_ms) IGNORE NULLS OVER (
            PARTITION BY track_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS duration_ms,
        FIRST_VALUE(explicit) IGNORE NULLS OVER (
            PARTITION BY track_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS explicit,
        FIRST_VALUE(isrc) IGNORE NULLS OVER (
            PARTITION BY track_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS isrc,
        FIRST_VALUE(album_id) IGNORE NULLS OVER (
            PARTITION BY track_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS album_id,
        FIRST_VALUE(disc_number) IGNORE NULLS OVER (
            PARTITION BY track_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS disc_number,
        FIRST_VALUE(track_number) IGNORE NULLS OVER (
            PARTITION BY track_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS track_number,
        FIRST_VALUE(popularity) IGNORE NULLS OVER (
            PARTITION BY track_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS popularity,
        run_id,
        ingest_date,
        source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_TRACK_CHECKED
    WHERE reject_rule IS NULL
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY track_id
        ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
    ) = 1;

CREATE OR REPLACE DYNAMIC TABLE ${DATABASE}.${CORE_SCHEMA}.DIM_ALBUM (
    album_id               VARCHAR,
    album_name             VARCHAR,
    album_type             VARCHAR,
    release_date           VARCHAR,
    release_date_precision VARCHAR,
    release_year           NUMBER(10,0),
    total_tracks           NUMBER(10,0),
    label                  VARCHAR,
    image_url              VARCHAR,
    run_id                 VARCHAR,
    ingest_date            DATE,
    source_file            VARCHAR
)
    TARGET_LAG = '${TARGET_LAG}'
    WAREHOUSE = ${WAREHOUSE}
    REFRESH_MODE = AUTO
    COMMENT = 'UPSERT on (album_id): one row per key, each column its latest non-null value'
AS SELECT
        album_id,
        FIRST_VALUE(album_name) IGNORE NULLS OVER (
            PARTITION BY album_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS album_name,
        FIRST_VALUE(album_type) IGNORE NULLS OVER (
            PARTITION BY album_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS album_type,
        FIRST_VALUE(release_date) IGNORE NULLS OVER (
            PARTITION BY album_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS release_date,
        FIRST_VALUE(release_date_precision) IGNORE NULLS OVER (
            PARTITION BY album_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS release_date_precision,
        FIRST_VALUE(release_year) IGNORE NULLS OVER (
            PARTITION BY album_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS release_year,
        FIRST_VALUE(total_tracks) IGNORE NULLS OVER (
            PARTITION BY album_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS total_tracks,
        FIRST_VALUE(label) IGNORE NULLS OVER (
            PARTITION BY album_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS label,
        FIRST_VALUE(image_url) IGNORE NULLS OVER (
            PARTITION BY album_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS image_url,
        run_id,
        ingest_date,
        source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_ALBUM_CHECKED
    WHERE reject_rule IS NULL
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY album_id
        ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
    ) = 1;

CREATE OR REPLACE DYNAMIC TABLE ${DATABASE}.${CORE_SCHEMA}.DIM_ARTIST (
    artist_id   VARCHAR,
    artist_name VARCHAR,
    genres      ARRAY,
    followers   NUMBER(19,0),
    popularity  NUMBER(10,0),
    image_url   VARCHAR,
    run_id      VARCHAR,
    ingest_date DATE,
    source_file VARCHAR
)
    TARGET_LAG = '${TARGET_LAG}'
    WAREHOUSE = ${WAREHOUSE}
    REFRESH_MODE = AUTO
    COMMENT = 'UPSERT on (artist_id): one row per key, each column its latest non-null value'
AS SELECT
        artist_id,
        FIRST_VALUE(artist_name) IGNORE NULLS OVER (
            PARTITION BY artist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS artist_name,
        FIRST_VALUE(genres) IGNORE NULLS OVER (
            PARTITION BY artist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS genres,
        FIRST_VALUE(followers) IGNORE NULLS OVER (
            PARTITION BY artist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS followers,
        FIRST_VALUE(popularity) IGNORE NULLS OVER (
            PARTITION BY artist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS popularity,
        FIRST_VALUE(image_url) IGNORE NULLS OVER (
            PARTITION BY artist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS image_url,
        run_id,
        ingest_date,
        source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_ARTIST_CHECKED
    WHERE reject_rule IS NULL
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY artist_id
        ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
    ) = 1;

CREATE OR REPLACE DYNAMIC TABLE ${DATABASE}.${CORE_SCHEMA}.DIM_PLAYLIST (
    playlist_id      VARCHAR,
    playlist_name    VARCHAR,
    owner_id         VARCHAR,
    owner_name       VARCHAR,
    description      VARCHAR,
    is_public        BOOLEAN,
    is_collaborative BOOLEAN,
    snapshot_id      VARCHAR,
    total_items      NUMBER(10,0),
    run_id           VARCHAR,
    ingest_date      DATE,
    source_file      VARCHAR
)
    TARGET_LAG = '${TARGET_LAG}'
    WAREHOUSE = ${WAREHOUSE}
    REFRESH_MODE = AUTO
    COMMENT = 'UPSERT on (playlist_id): one row per key, each column its latest non-null value'
AS SELECT
        playlist_id,
        FIRST_VALUE(playlist_name) IGNORE NULLS OVER (
            PARTITION BY playlist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS playlist_name,
        FIRST_VALUE(owner_id) IGNORE NULLS OVER (
            PARTITION BY playlist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS owner_id,
        FIRST_VALUE(owner_name) IGNORE NULLS OVER (
            PARTITION BY playlist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS owner_name,
        FIRST_VALUE(description) IGNORE NULLS OVER (
            PARTITION BY playlist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS description,
        FIRST_VALUE(is_public) IGNORE NULLS OVER (
            PARTITION BY playlist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS is_public,
        FIRST_VALUE(is_collaborative) IGNORE NULLS OVER (
            PARTITION BY playlist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS is_collaborative,
        FIRST_VALUE(snapshot_id) IGNORE NULLS OVER (
            PARTITION BY playlist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS snapshot_id,
        FIRST_VALUE(total_items) IGNORE NULLS OVER (
            PARTITION BY playlist_id ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
        ) AS total_items,
        run_id,
        ingest_date,
        source_file
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_PLAYLIST_CHECKED
    WHERE reject_rule IS NULL
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY playlist_id
        ORDER BY ingest_date DESC, run_id DESC, loaded_at DESC, loaded_file DESC
    ) = 1;
