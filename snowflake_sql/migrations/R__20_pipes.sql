-- Generated from contracts/model.py by `make warehouse-sql` (snowflake_sql/model_sql); do not edit.
-- One auto-ingest pipe per landing table, notified of each new .parquet object under model/<table>/; it
-- loads exactly that file, each column read by name and cast to the model's type, plus the file name and
-- load time (a pipe must not call CURRENT_TIMESTAMP). ON_ERROR = SKIP_FILE: a file with a row that cannot
-- load is skipped whole and reported to the error integration's SNS topic; re-run the transform for it.
-- A pipe whose COPY changes here is recreated by the documented procedure (applier/pipes.py).

CREATE PIPE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.DIM_TRACK_PIPE
    AUTO_INGEST = TRUE
    ERROR_INTEGRATION = ${ERROR_INTEGRATION}
    COMMENT = 'Loads each Parquet file notified under model/dim_track/'
AS COPY INTO ${DATABASE}.${LANDING_SCHEMA}.DIM_TRACK (
        track_id,
        track_name,
        duration_ms,
        explicit,
        isrc,
        album_id,
        disc_number,
        track_number,
        popularity,
        run_id,
        ingest_date,
        source_file,
        loaded_file,
        loaded_at
    )
    FROM (
        SELECT
            $1:track_id::VARCHAR,
            $1:track_name::VARCHAR,
            $1:duration_ms::NUMBER(19,0),
            $1:explicit::BOOLEAN,
            $1:isrc::VARCHAR,
            $1:album_id::VARCHAR,
            $1:disc_number::NUMBER(10,0),
            $1:track_number::NUMBER(10,0),
            $1:popularity::NUMBER(10,0),
            $1:run_id::VARCHAR,
            $1:ingest_date::DATE,
            $1:source_file::VARCHAR,
            METADATA$FILENAME,
            METADATA$START_SCAN_TIME
        FROM @${DATABASE}.${LANDING_SCHEMA}.${STAGE}/dim_track/
    )
    FILE_FORMAT = (FORMAT_NAME = '${DATABASE}.${LANDING_SCHEMA}.${FILE_FORMAT}')
    ON_ERROR = SKIP_FILE;

CREATE PIPE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.DIM_ALBUM_PIPE
    AUTO_INGEST = TRUE
    ERROR_INTEGRATION = ${ERROR_INTEGRATION}
    COMMENT = 'Loads each Parquet file notified under model/dim_album/'
AS COPY INTO ${DATABASE}.${LANDING_SCHEMA}.DIM_ALBUM (
        album_id,
        album_name,
        album_type,
        release_date,
        release_date_precision,
        release_year,
        total_tracks,
        label,
        image_url,
        run_id,
        ingest_date,
        source_file,
        loaded_file,
        loaded_at
    )
    FROM (
        SELECT
            $1:album_id::VARCHAR,
            $1:album_name::VARCHAR,
            $1:album_type::VARCHAR,
            $1:release_date::VARCHAR,
            $1:release_date_precision::VARCHAR,
            $1:release_year::NUMBER(10,0),
            $1:total_tracks::NUMBER(10,0),
            $1:label::VARCHAR,
            $1:image_url::VARCHAR,
            $1:run_id::VARCHAR,
            $1:ingest_date::DATE,
            $1:source_file::VARCHAR,
            METADATA$FILENAME,
            METADATA$START_SCAN_TIME
        FROM @${DATABASE}.${LANDING_SCHEMA}.${STAGE}/dim_album/
    )
    FILE_FORMAT = (FORMAT_NAME = '${DATABASE}.${LANDING_SCHEMA}.${FILE_FORMAT}')
    ON_ERROR = SKIP_FILE;

CREATE PIPE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.DIM_ARTIST_PIPE
    AUTO_INGEST = TRUE
    ERROR_INTEGRATION = ${ERROR_INTEGRATION}
    COMMENT = 'Loads each Parquet file notified under model/dim_artist/'
AS COPY INTO ${DATABASE}.${LANDING_SCHEMA}.DIM_ARTIST (
        artist_id,
        artist_name,
        genres,
        followers,
        popularity,
        image_url,
        run_id,
        ingest_date,
        source_file,
        loaded_file,
        loaded_at
    )
    FROM (
        SELECT
            $1:artist_id::VARCHAR,
            $1:artist_name::VARCHAR,
            $1:genres::ARRAY,
            $1:followers::NUMBER(19,0),
            $1:popularity::NUMBER(10,0),
            $1:image_url::VARCHAR,
            $1:run_id::VARCHAR,
            $1:ingest_date::DATE,
            $1:source_file::VARCHAR,
            METADATA$FILENAME,
            METADATA$START_SCAN_TIME
        FROM @${DATABASE}.${LANDING_SCHEMA}.${STAGE}/dim_artist/
    )
    FILE_FORMAT = (FORMAT_NAME = '${DATABASE}.${LANDING_SCHEMA}.${FILE_FORMAT}')
    ON_ERROR = SKIP_FILE;

CREATE PIPE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.BRIDGE_TRACK_ARTIST_PIPE
    AUTO_INGEST = TRUE
    ERROR_INTEGRATION = ${ERROR_INTEGRATION}
    COMMENT = 'Loads each Parquet file notified under model/bridge_track_artist/'
AS COPY INTO ${DATABASE}.${LANDING_SCHEMA}.BRIDGE_TRACK_ARTIST (
        track_id,
        artist_id,
        artist_position,
        run_id,
        ingest_date,
        source_file,
        loaded_file,
        loaded_at
    )
    FROM (
        SELECT
            $1:track_id::VARCHAR,
            $1:artist_id::VARCHAR,
            $1:artist_position::NUMBER(10,0),
            $1:run_id::VARCHAR,
            $1:ingest_date::DATE,
            $1:source_file::VARCHAR,
            METADATA$FILENAME,
            METADATA$START_SCAN_TIME
        FROM @${DATABASE}.${LANDING_SCHEMA}.${STAGE}/bridge_track_artist/
    )
    FILE_FORMAT = (FORMAT_NAME = '${DATABASE}.${LANDING_SCHEMA}.${FILE_FORMAT}')
    ON_ERROR = SKIP_FILE;

CREATE PIPE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.BRIDGE_ALBUM_ARTIST_PIPE
    AUTO_INGEST = TRUE
    ERROR_INTEGRATION = ${ERROR_INTEGRATION}
    COMMENT = 'Loads each Parquet file notified under model/bridge_album_artist/'
AS COPY INTO ${DATABASE}.${LANDING_SCHEMA}.BRIDGE_ALBUM_ARTIST (
        album_id,
        artist_id,
        artist_position,
        run_id,
        ingest_date,
        source_file,
        loaded_file,
        loaded_at
    )
    FROM (
        SELECT
            $1:album_id::VARCHAR,
            $1:artist_id::VARCHAR,
            $1:artist_position::NUMBER(10,0),
            $1:run_id::VARCHAR,
            $1:ingest_date::DATE,
            $1:source_file::VARCHAR,
            METADATA$FILENAME,
            METADATA$START_SCAN_TIME
        FROM @${DATABASE}.${LANDING_SCHEMA}.${STAGE}/bridge_album_artist/
    )
    FILE_FORMAT = (FORMAT_NAME = '${DATABASE}.${LANDING_SCHEMA}.${FILE_FORMAT}')
    ON_ERROR = SKIP_FILE;

CREATE PIPE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.DIM_PLAYLIST_PIPE
    AUTO_INGEST = TRUE
    ERROR_INTEGRATION = ${ERROR_INTEGRATION}
    COMMENT = 'Loads each Parquet file notified under model/dim_playlist/'
AS COPY INTO ${DATABASE}.${LANDING_SCHEMA}.DIM_PLAYLIST (
        playlist_id,
        playlist_name,
        owner_id,
        owner_name,
        description,
        is_public,
        is_collaborative,
        snapshot_id,
        total_items,
        run_id,
        ingest_date,
        source_file,
        loaded_file,
        loaded_at
    )
    FROM (
        SELECT
            $1:playlist_id::VARCHAR,
            $1:playlist_name::VARCHAR,
            $1:owner_id::VARCHAR,
            $1:owner_name::VARCHAR,
            $1:description::VARCHAR,
            $1:is_public::BOOLEAN,
            $1:is_collaborative::BOOLEAN,
            $1:snapshot_id::VARCHAR,
            $1:total_items::NUMBER(10,0),
            $1:run_id::VARCHAR,
            $1:ingest_date::DATE,
            $1:source_file::VARCHAR,
            METADATA$FILENAME,
            METADATA$START_SCAN_TIME
        FROM @${DATABASE}.${LANDING_SCHEMA}.${STAGE}/dim_playlist/
    )
    FILE_FORMAT = (FORMAT_NAME = '${DATABASE}.${LANDING_SCHEMA}.${FILE_FORMAT}')
    ON_ERROR = SKIP_FILE;

CREATE PIPE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.FACT_PLAYLIST_ITEM_PIPE
    AUTO_INGEST = TRUE
    ERROR_INTEGRATION = ${ERROR_INTEGRATION}
    COMMENT = 'Loads each Parquet file notified under model/fact_playlist_item/'
AS COPY INTO ${DATABASE}.${LANDING_SCHEMA}.FACT_PLAYLIST_ITEM (
        snapshot_date,
        playlist_id,
        position,
        item_type,
        track_id,
        episode_id,
        added_at,
        added_by,
        run_id,
        ingest_date,
        source_file,
        loaded_file,
        loaded_at
    )
    FROM (
        SELECT
            $1:snapshot_date::DATE,
            $1:playlist_id::VARCHAR,
            $1:position::NUMBER(10,0),
            $1:item_type::VARCHAR,
            $1:track_id::VARCHAR,
            $1:episode_id::VARCHAR,
            CONVERT_TIMEZONE('UTC', $1:added_at::TIMESTAMP_TZ)::TIMESTAMP_NTZ,
            $1:added_by::VARCHAR,
            $1:run_id::VARCHAR,
            $1:ingest_date::DATE,
            $1:source_file::VARCHAR,
            METADATA$FILENAME,
            METADATA$START_SCAN_TIME
        FROM @${DATABASE}.${LANDING_SCHEMA}.${STAGE}/fact_playlist_item/
    )
    FILE_FORMAT = (FORMAT_NAME = '${DATABASE}.${LANDING_SCHEMA}.${FILE_FORMAT}')
    ON_ERROR = SKIP_FILE;

CREATE PIPE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.FACT_PLAY_PIPE
    AUTO_INGEST = TRUE
    ERROR_INTEGRATION = ${ERROR_INTEGRATION}
    COMMENT = 'Loads each Parquet file notified under model/fact_play/'
AS COPY INTO ${DATABASE}.${LANDING_SCHEMA}.FACT_PLAY (
        played_at,
        track_id,
        context_type,
        context_uri,
        run_id,
        ingest_date,
        source_file,
        ms_played,
        skipped,
        reason_start,
        reason_end,
        shuffle,
        offline,
        play_source,
        loaded_file,
        loaded_at
    )
    FROM (
        SELECT
            CONVERT_TIMEZONE('UTC', $1:played_at::TIMESTAMP_TZ)::TIMESTAMP_NTZ,
            $1:track_id::VARCHAR,
            $1:context_type::VARCHAR,
            $1:context_uri::VARCHAR,
            $1:run_id::VARCHAR,
            $1:ingest_date::DATE,
            $1:source_file::VARCHAR,
            $1:ms_played::NUMBER(19,0),
            $1:skipped::BOOLEAN,
            $1:reason_start::VARCHAR,
            $1:reason_end::VARCHAR,
            $1:shuffle::BOOLEAN,
            $1:offline::BOOLEAN,
            $1:play_source::VARCHAR,
            METADATA$FILENAME,
            METADATA$START_SCAN_TIME
        FROM @${DATABASE}.${LANDING_SCHEMA}.${STAGE}/fact_play/
    )
    FILE_FORMAT = (FORMAT_NAME = '${DATABASE}.${LANDING_SCHEMA}.${FILE_FORMAT}')
    ON_ERROR = SKIP_FILE;

CREATE PIPE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.FACT_TOP_ITEM_PIPE
    AUTO_INGEST = TRUE
    ERROR_INTEGRATION = ${ERROR_INTEGRATION}
    COMMENT = 'Loads each Parquet file notified under model/fact_top_item/'
AS COPY INTO ${DATABASE}.${LANDING_SCHEMA}.FACT_TOP_ITEM (
        snapshot_date,
        time_range,
        item_type,
        rank,
        item_id,
        run_id,
        ingest_date,
        source_file,
        loaded_file,
        loaded_at
    )
    FROM (
        SELECT
            $1:snapshot_date::DATE,
            $1:time_range::VARCHAR,
            $1:item_type::VARCHAR,
            $1:rank::NUMBER(10,0),
            $1:item_id::VARCHAR,
            $1:run_id::VARCHAR,
            $1:ingest_date::DATE,
            $1:source_file::VARCHAR,
            METADATA$FILENAME,
            METADATA$START_SCAN_TIME
        FROM @${DATABASE}.${LANDING_SCHEMA}.${STAGE}/fact_top_item/
    )
    FILE_FORMAT = (FORMAT_NAME = '${DATABASE}.${LANDING_SCHEMA}.${FILE_FORMAT}')
    ON_ERROR = SKIP_FILE;

CREATE PIPE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.FACT_SAVED_TRACK_PIPE
    AUTO_INGEST = TRUE
    ERROR_INTEGRATION = ${ERROR_INTEGRATION}
    COMMENT = 'Loads each Parquet file notified under model/fact_saved_track/'
AS COPY INTO ${DATABASE}.${LANDING_SCHEMA}.FACT_SAVED_TRACK (
        track_id,
        saved_at,
        run_id,
        ingest_date,
        source_file,
        loaded_file,
        loaded_at
    )
    FROM (
        SELECT
            $1:track_id::VARCHAR,
            CONVERT_TIMEZONE('UTC', $1:saved_at::TIMESTAMP_TZ)::TIMESTAMP_NTZ,
            $1:run_id::VARCHAR,
            $1:ingest_date::DATE,
            $1:source_file::VARCHAR,
            METADATA$FILENAME,
            METADATA$START_SCAN_TIME
        FROM @${DATABASE}.${LANDING_SCHEMA}.${STAGE}/fact_saved_track/
    )
    FILE_FORMAT = (FORMAT_NAME = '${DATABASE}.${LANDING_SCHEMA}.${FILE_FORMAT}')
    ON_ERROR = SKIP_FILE;

CREATE PIPE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.MUSICBRAINZ_RECORDING_PIPE
    AUTO_INGEST = TRUE
    ERROR_INTEGRATION = ${ERROR_INTEGRATION}
    COMMENT = 'Loads each Parquet file notified under model/musicbrainz_recording/'
AS COPY INTO ${DATABASE}.${LANDING_SCHEMA}.MUSICBRAINZ_RECORDING (
        isrc,
        musicbrainz_recording_id,
        recording_title,
        recordings_found,
        genres,
        run_id,
        ingest_date,
        source_file,
        loaded_file,
        loaded_at
    )
    FROM (
        SELECT
            $1:isrc::VARCHAR,
            $1:musicbrainz_recording_id::VARCHAR,
            $1:recording_title::VARCHAR,
            $1:recordings_found::NUMBER(10,0),
            $1:genres::ARRAY,
            $1:run_id::VARCHAR,
            $1:ingest_date::DATE,
            $1:source_file::VARCHAR,
            METADATA$FILENAME,
            METADATA$START_SCAN_TIME
        FROM @${DATABASE}.${LANDING_SCHEMA}.${STAGE}/musicbrainz_recording/
    )
    FILE_FORMAT = (FORMAT_NAME = '${DATABASE}.${LANDING_SCHEMA}.${FILE_FORMAT}')
    ON_ERROR = SKIP_FILE;

CREATE PIPE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.MUSICBRAINZ_RELEASE_PIPE
    AUTO_INGEST = TRUE
    ERROR_INTEGRATION = ${ERROR_INTEGRATION}
    COMMENT = 'Loads each Parquet file notified under model/musicbrainz_release/'
AS COPY INTO ${DATABASE}.${LANDING_SCHEMA}.MUSICBRAINZ_RELEASE (
        isrc,
        musicbrainz_release_id,
        release_title,
        release_date,
        release_country,
        label_name,
        musicbrainz_label_id,
        run_id,
        ingest_date,
        source_file,
        loaded_file,
        loaded_at
    )
    FROM (
        SELECT
            $1:isrc::VARCHAR,
            $1:musicbrainz_release_id::VARCHAR,
            $1:release_title::VARCHAR,
            $1:release_date::VARCHAR,
            $1:release_country::VARCHAR,
            $1:label_name::VARCHAR,
            $1:musicbrainz_label_id::VARCHAR,
            $1:run_id::VARCHAR,
            $1:ingest_date::DATE,
            $1:source_file::VARCHAR,
            METADATA$FILENAME,
            METADATA$START_SCAN_TIME
        FROM @${DATABASE}.${LANDING_SCHEMA}.${STAGE}/musicbrainz_release/
    )
    FILE_FORMAT = (FORMAT_NAME = '${DATABASE}.${LANDING_SCHEMA}.${FILE_FORMAT}')
    ON_ERROR = SKIP_FILE;

CREATE PIPE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.MUSICBRAINZ_ARTIST_CREDIT_PIPE
    AUTO_INGEST = TRUE
    ERROR_INTEGRATION = ${ERROR_INTEGRATION}
    COMMENT = 'Loads each Parquet file notified under model/musicbrainz_artist_credit/'
AS COPY INTO ${DATABASE}.${LANDING_SCHEMA}.MUSICBRAINZ_ARTIST_CREDIT (
        isrc,
        artist_position,
        musicbrainz_artist_id,
        artist_name,
        genres,
        run_id,
        ingest_date,
        source_file,
        loaded_file,
        loaded_at
    )
    FROM (
        SELECT
            $1:isrc::VARCHAR,
            $1:artist_position::NUMBER(10,0),
            $1:musicbrainz_artist_id::VARCHAR,
            $1:artist_name::VARCHAR,
            $1:genres::ARRAY,
            $1:run_id::VARCHAR,
            $1:ingest_date::DATE,
            $1:source_file::VARCHAR,
            METADATA$FILENAME,
            METADATA$START_SCAN_TIME
        FROM @${DATABASE}.${LANDING_SCHEMA}.${STAGE}/musicbrainz_artist_credit/
    )
    FILE_FORMAT = (FORMAT_NAME = '${DATABASE}.${LANDING_SCHEMA}.${FILE_FORMAT}')
    ON_ERROR = SKIP_FILE;

CREATE PIPE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.RUN_TABLE_OUTCOME_PIPE
    AUTO_INGEST = TRUE
    ERROR_INTEGRATION = ${ERROR_INTEGRATION}
    COMMENT = 'Loads each Parquet file notified under model/run_table_outcome/'
AS COPY INTO ${DATABASE}.${LANDING_SCHEMA}.RUN_TABLE_OUTCOME (
        table_name,
        outcome,
        reason,
        row_count,
        transformed_at,
        run_id,
        ingest_date,
        source_file,
        loaded_file,
        loaded_at
    )
    FROM (
        SELECT
            $1:table_name::VARCHAR,
            $1:outcome::VARCHAR,
            $1:reason::VARCHAR,
            $1:row_count::NUMBER(19,0),
            CONVERT_TIMEZONE('UTC', $1:transformed_at::TIMESTAMP_TZ)::TIMESTAMP_NTZ,
            $1:run_id::VARCHAR,
            $1:ingest_date::DATE,
            $1:source_file::VARCHAR,
            METADATA$FILENAME,
            METADATA$START_SCAN_TIME
        FROM @${DATABASE}.${LANDING_SCHEMA}.${STAGE}/run_table_outcome/
    )
    FILE_FORMAT = (FORMAT_NAME = '${DATABASE}.${LANDING_SCHEMA}.${FILE_FORMAT}')
    ON_ERROR = SKIP_FILE;

CREATE PIPE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.RUN_EXTRACTION_PIPE
    AUTO_INGEST = TRUE
    ERROR_INTEGRATION = ${ERROR_INTEGRATION}
    COMMENT = 'Loads each Parquet file notified under model/run_extraction/'
AS COPY INTO ${DATABASE}.${LANDING_SCHEMA}.RUN_EXTRACTION (
        extraction_status,
        api_mode,
        started_at,
        finished_at,
        raw_files,
        api_calls,
        min_api_calls,
        captures,
        entity_errors,
        fallbacks,
        pending_items,
        play_gaps,
        not_found,
        transformed_at,
        run_id,
        ingest_date,
        source_file,
        loaded_file,
        loaded_at
    )
    FROM (
        SELECT
            $1:extraction_status::VARCHAR,
            $1:api_mode::VARCHAR,
            CONVERT_TIMEZONE('UTC', $1:started_at::TIMESTAMP_TZ)::TIMESTAMP_NTZ,
            CONVERT_TIMEZONE('UTC', $1:finished_at::TIMESTAMP_TZ)::TIMESTAMP_NTZ,
            $1:raw_files::NUMBER(10,0),
            $1:api_calls::NUMBER(19,0),
            $1:min_api_calls::NUMBER(19,0),
            $1:captures::NUMBER(10,0),
            $1:entity_errors::NUMBER(10,0),
            $1:fallbacks::NUMBER(10,0),
            $1:pending_items::NUMBER(10,0),
            $1:play_gaps::NUMBER(10,0),
            $1:not_found::NUMBER(10,0),
            CONVERT_TIMEZONE('UTC', $1:transformed_at::TIMESTAMP_TZ)::TIMESTAMP_NTZ,
            $1:run_id::VARCHAR,
            $1:ingest_date::DATE,
            $1:source_file::VARCHAR,
            METADATA$FILENAME,
            METADATA$START_SCAN_TIME
        FROM @${DATABASE}.${LANDING_SCHEMA}.${STAGE}/run_extraction/
    )
    FILE_FORMAT = (FORMAT_NAME = '${DATABASE}.${LANDING_SCHEMA}.${FILE_FORMAT}')
    ON_ERROR = SKIP_FILE;

CREATE PIPE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.RUN_EXTRACTION_ISSUE_PIPE
    AUTO_INGEST = TRUE
    ERROR_INTEGRATION = ${ERROR_INTEGRATION}
    COMMENT = 'Loads each Parquet file notified under model/run_extraction_issue/'
AS COPY INTO ${DATABASE}.${LANDING_SCHEMA}.RUN_EXTRACTION_ISSUE (
        issue_type,
        issue_number,
        source,
        entity_id,
        http_status,
        detail,
        gap_from,
        gap_to,
        transformed_at,
        run_id,
        ingest_date,
        source_file,
        loaded_file,
        loaded_at
    )
    FROM (
        SELECT
            $1:issue_type::VARCHAR,
            $1:issue_number::NUMBER(10,0),
            $1:source::VARCHAR,
            $1:entity_id::VARCHAR,
            $1:http_status::NUMBER(10,0),
            $1:detail::VARCHAR,
            CONVERT_TIMEZONE('UTC', $1:gap_from::TIMESTAMP_TZ)::TIMESTAMP_NTZ,
            CONVERT_TIMEZONE('UTC', $1:gap_to::TIMESTAMP_TZ)::TIMESTAMP_NTZ,
            CONVERT_TIMEZONE('UTC', $1:transformed_at::TIMESTAMP_TZ)::TIMESTAMP_NTZ,
            $1:run_id::VARCHAR,
            $1:ingest_date::DATE,
            $1:source_file::VARCHAR,
            METADATA$FILENAME,
            METADATA$START_SCAN_TIME
        FROM @${DATABASE}.${LANDING_SCHEMA}.${STAGE}/run_extraction_issue/
    )
    FILE_FORMAT = (FORMAT_NAME = '${DATABASE}.${LANDING_SCHEMA}.${FILE_FORMAT}')
    ON_ERROR = SKIP_FILE;
