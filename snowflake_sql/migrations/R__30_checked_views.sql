-- Generated from contracts/model.py by `make warehouse-sql` (snowflake_sql/model_sql); do not edit.
-- Every landing row with REJECT_RULE: the first rule it breaks (a column the model declares required is
-- null, or one with allowed values holds another), or null. One definition of the rules per table, read
-- by the final tables and the rejects view.

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.DIM_TRACK_CHECKED
    COMMENT = 'Landing DIM_TRACK with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
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
        loaded_at,
        CASE
            WHEN track_id IS NULL THEN 'track_id is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_TRACK;

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.DIM_ALBUM_CHECKED
    COMMENT = 'Landing DIM_ALBUM with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
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
        loaded_at,
        CASE
            WHEN album_id IS NULL THEN 'album_id is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_ALBUM;

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.DIM_ARTIST_CHECKED
    COMMENT = 'Landing DIM_ARTIST with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
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
        loaded_at,
        CASE
            WHEN artist_id IS NULL THEN 'artist_id is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_ARTIST;

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.BRIDGE_TRACK_ARTIST_CHECKED
    COMMENT = 'Landing BRIDGE_TRACK_ARTIST with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
        track_id,
        artist_id,
        artist_position,
        run_id,
        ingest_date,
        source_file,
        loaded_file,
        loaded_at,
        CASE
            WHEN track_id IS NULL THEN 'track_id is null'
            WHEN artist_id IS NULL THEN 'artist_id is null'
            WHEN artist_position IS NULL THEN 'artist_position is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.BRIDGE_TRACK_ARTIST;

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.BRIDGE_ALBUM_ARTIST_CHECKED
    COMMENT = 'Landing BRIDGE_ALBUM_ARTIST with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
        album_id,
        artist_id,
        artist_position,
        run_id,
        ingest_date,
        source_file,
        loaded_file,
        loaded_at,
        CASE
            WHEN album_id IS NULL THEN 'album_id is null'
            WHEN artist_id IS NULL THEN 'artist_id is null'
            WHEN artist_position IS NULL THEN 'artist_position is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.BRIDGE_ALBUM_ARTIST;

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.DIM_PLAYLIST_CHECKED
    COMMENT = 'Landing DIM_PLAYLIST with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
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
        loaded_at,
        CASE
            WHEN playlist_id IS NULL THEN 'playlist_id is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.DIM_PLAYLIST;

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.FACT_PLAYLIST_ITEM_CHECKED
    COMMENT = 'Landing FACT_PLAYLIST_ITEM with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
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
        loaded_at,
        CASE
            WHEN snapshot_date IS NULL THEN 'snapshot_date is null'
            WHEN playlist_id IS NULL THEN 'playlist_id is null'
            WHEN position IS NULL THEN 'position is null'
            WHEN item_type IS NULL THEN 'item_type is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.FACT_PLAYLIST_ITEM;

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.FACT_PLAY_CHECKED
    COMMENT = 'Landing FACT_PLAY with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
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
        loaded_at,
        CASE
            WHEN played_at IS NULL THEN 'played_at is null'
            WHEN track_id IS NULL THEN 'track_id is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
            WHEN play_source NOT IN ('api', 'export') THEN 'play_source is not api or export'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.FACT_PLAY;

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.FACT_TOP_ITEM_CHECKED
    COMMENT = 'Landing FACT_TOP_ITEM with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
        snapshot_date,
        time_range,
        item_type,
        rank,
        item_id,
        run_id,
        ingest_date,
        source_file,
        loaded_file,
        loaded_at,
        CASE
            WHEN snapshot_date IS NULL THEN 'snapshot_date is null'
            WHEN time_range IS NULL THEN 'time_range is null'
            WHEN item_type IS NULL THEN 'item_type is null'
            WHEN rank IS NULL THEN 'rank is null'
            WHEN item_id IS NULL THEN 'item_id is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.FACT_TOP_ITEM;

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.FACT_SAVED_TRACK_CHECKED
    COMMENT = 'Landing FACT_SAVED_TRACK with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
        track_id,
        saved_at,
        run_id,
        ingest_date,
        source_file,
        loaded_file,
        loaded_at,
        CASE
            WHEN track_id IS NULL THEN 'track_id is null'
            WHEN saved_at IS NULL THEN 'saved_at is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.FACT_SAVED_TRACK;

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.MUSICBRAINZ_RECORDING_CHECKED
    COMMENT = 'Landing MUSICBRAINZ_RECORDING with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
        isrc,
        musicbrainz_recording_id,
        recording_title,
        recordings_found,
        genres,
        run_id,
        ingest_date,
        source_file,
        loaded_file,
        loaded_at,
        CASE
            WHEN isrc IS NULL THEN 'isrc is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.MUSICBRAINZ_RECORDING;

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.MUSICBRAINZ_RELEASE_CHECKED
    COMMENT = 'Landing MUSICBRAINZ_RELEASE with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
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
        loaded_at,
        CASE
            WHEN isrc IS NULL THEN 'isrc is null'
            WHEN musicbrainz_release_id IS NULL THEN 'musicbrainz_release_id is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.MUSICBRAINZ_RELEASE;

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.MUSICBRAINZ_ARTIST_CREDIT_CHECKED
    COMMENT = 'Landing MUSICBRAINZ_ARTIST_CREDIT with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
        isrc,
        artist_position,
        musicbrainz_artist_id,
        artist_name,
        genres,
        run_id,
        ingest_date,
        source_file,
        loaded_file,
        loaded_at,
        CASE
            WHEN isrc IS NULL THEN 'isrc is null'
            WHEN artist_position IS NULL THEN 'artist_position is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.MUSICBRAINZ_ARTIST_CREDIT;

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.RUN_TABLE_OUTCOME_CHECKED
    COMMENT = 'Landing RUN_TABLE_OUTCOME with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
        table_name,
        outcome,
        reason,
        row_count,
        transformed_at,
        run_id,
        ingest_date,
        source_file,
        loaded_file,
        loaded_at,
        CASE
            WHEN table_name IS NULL THEN 'table_name is null'
            WHEN outcome IS NULL THEN 'outcome is null'
            WHEN reason IS NULL THEN 'reason is null'
            WHEN row_count IS NULL THEN 'row_count is null'
            WHEN transformed_at IS NULL THEN 'transformed_at is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.RUN_TABLE_OUTCOME;

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.RUN_EXTRACTION_CHECKED
    COMMENT = 'Landing RUN_EXTRACTION with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
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
        loaded_at,
        CASE
            WHEN extraction_status IS NULL THEN 'extraction_status is null'
            WHEN transformed_at IS NULL THEN 'transformed_at is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.RUN_EXTRACTION;

CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.RUN_EXTRACTION_ISSUE_CHECKED
    COMMENT = 'Landing RUN_EXTRACTION_ISSUE with REJECT_RULE: the first rule a row breaks, null when it breaks none'
AS SELECT
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
        loaded_at,
        CASE
            WHEN issue_type IS NULL THEN 'issue_type is null'
            WHEN issue_number IS NULL THEN 'issue_number is null'
            WHEN transformed_at IS NULL THEN 'transformed_at is null'
            WHEN run_id IS NULL THEN 'run_id is null'
            WHEN ingest_date IS NULL THEN 'ingest_date is null'
            WHEN source_file IS NULL THEN 'source_file is null'
        END AS reject_rule
    FROM ${DATABASE}.${LANDING_SCHEMA}.RUN_EXTRACTION_ISSUE;
