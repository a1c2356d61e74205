"""The fake listener's "Extended streaming history": the ZIP Spotify sends when a user asks for their whole history.

Deterministic, a pure function of the catalog (seed, size) and the period, and faithful to the real export
(`../shared/reference/NOTES.md` section 8): a ZIP of a folder `Spotify Extended Streaming History/` holding
`Streaming_History_Audio_<years>_<n>.json` files (one JSON array each, at most `rows_per_file` rows), a video
file and a PDF describing the fields. One row per stream, `ts` the UTC second the stream **ended**:

- every play the fake serves through recently played (`activity.plays_on`) is a row of the same track whose `ts`
  is the play's `played_at` seen through the client's clock (`CLOCK_SKEW_MS`, up to 3 s either way) and cut to
  the second: the import and the API overlap as they do in real life, and match within `PLAY_MATCH_TOLERANCE_MS`;
- partial plays the API never shows (skipped after a few hundred ms up to 29 s, `reason_end` `fwdbtn`), never
  within a minute of a play of the same track;
- podcast episodes (track fields null, episode fields set);
- the older field set (`username`, `ip_addr_decrypted`, `user_agent_decrypted`, no audiobook fields) before
  `CURRENT_FIELDS_FROM`, the current one after; `reason_end` missing altogether in `NO_REASON_END_YEARS`.

`export_streams` is the ground truth a test compares the warehouse with; `write_export` writes the ZIP.

    python -m local.fake_spotify.history_export --years 5 --last-day 2026-11-30 --out my_spotify_data.zip
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from contracts.model import PLAY_MATCH_TOLERANCE_MS
from local.fake_spotify.activity import Play, plays_on
from local.fake_spotify.catalog import Catalog

EXPORT_FOLDER = "Spotify Extended Streaming History"
# About 12 MB of JSON per file in the real export.
ROWS_PER_FILE = 16_000
# The export's `ts` is written by the client and the API's `played_at` by the server: their clocks differ by up to
# this much, before the export cuts `ts` to the second (and moves a second on, rarely, past another end of the
# same track in the same second).
CLOCK_SKEW_MS = 3_000
CURRENT_FIELDS_FROM = date(2023, 1, 1)
NO_REASON_END_YEARS = frozenset({2022})
# Recently played lists a track played for at least this long; shorter streams are in the export only.
API_MIN_MS_PLAYED = 30_000

if CLOCK_SKEW_MS + 2_000 > PLAY_MATCH_TOLERANCE_MS:
    raise AssertionError("the fake's clock skew must fit in the matching tolerance of contracts.model")


@dataclass(frozen=True)
class Stream:
    """One row of the export as the fake generates it: `api_played_at` is set for the streams recently played
    also serves (the same play), None for those only the export has."""

    ts: datetime  # the end of the stream, cut to the second
    track_id: str | None
    episode_id: str | None
    ms_played: int
    reason_start: str
    reason_end: str
    shuffle: bool
    skipped: bool
    offline: bool
    api_played_at: datetime | None


def _skewed_end(play: Play, rng: random.Random) -> datetime:
    skewed = play.played_at + timedelta(milliseconds=rng.randint(-CLOCK_SKEW_MS, CLOCK_SKEW_MS))
    return skewed.replace(microsecond=0)


def streams_on(catalog: Catalog, day: date) -> tuple[Stream, ...]:
    """Every row of `day` in the export, oldest first: the API's plays, the partial plays, the podcasts."""
    rng = random.Random(f"fake-spotify:{catalog.seed}:history:{day.isoformat()}")
    plays = plays_on(catalog, day)
    streams: list[Stream] = []
    ends: set[tuple[str, datetime]] = set()
    for play in plays:
        track = catalog.tracks[play.track_id]
        end = _skewed_end(play, rng)
        # The fake plays the same track again within seconds now and then; the client logs each end once.
        while (play.track_id, end) in ends:
            end += timedelta(seconds=1)
        ends.add((play.track_id, end))
        done = rng.random() < 0.8
        ms_played = (
            track.duration_ms if done else rng.randint(API_MIN_MS_PLAYED, max(API_MIN_MS_PLAYED, track.duration_ms))
        )
        streams.append(
            Stream(
                ts=end,
                track_id=play.track_id,
                episode_id=None,
                ms_played=ms_played,
                reason_start=rng.choice(("trackdone", "trackdone", "clickrow", "playbtn", "fwdbtn")),
                reason_end="trackdone" if done else rng.choice(("fwdbtn", "endplay", "logout")),
                shuffle=rng.random() < 0.3,
                skipped=not done and rng.random() < 0.5,
                offline=rng.random() < 0.05,
                api_played_at=play.played_at,
            )
        )
    midnight = datetime.combine(day, time(), UTC)
    taken = {(p.track_id, p.played_at) for p in plays}
    for _ in range(rng.randint(0, max(1, len(plays) // 4))):
        track_id = rng.choice(catalog.track_ids)
        end = midnight + timedelta(seconds=rng.randrange(86_400))
        # Never near a play of the same track: a partial play and a full one of the same song within the
        # matching tolerance would be one play to the warehouse, as it is to anyone reading the history.
        if any(t == track_id and abs((at - end).total_seconds()) < 60 for t, at in taken):
            continue
        taken.add((track_id, end))
        streams.append(
            Stream(
                end,
                track_id,
                None,
                rng.randint(200, API_MIN_MS_PLAYED - 1),
                "fwdbtn",
                "fwdbtn",
                rng.random() < 0.3,
                True,
                False,
                None,
            )
        )
    if catalog.episodes and rng.random() < 0.3:
        episode = catalog.episodes[rng.choice(sorted(catalog.episodes))]
        end = midnight + timedelta(seconds=rng.randrange(86_400))
        streams.append(
            Stream(
                end,
                None,
                episode.id,
                rng.randint(60_000, max(60_000, episode.duration_ms)),
                "playbtn",
                "endplay",
                False,
                False,
                False,
                None,
            )
        )
    return tuple(sorted(streams, key=lambda s: (s.ts, s.track_id or "", s.episode_id or "")))


def history_days(first_day: date, last_day: date, sparse_before: date | None = None, every: int = 1) -> list[date]:
    """The days of the export: every day from `sparse_before` on, only every `every`-th day before it (a long but
    light history for tests)."""
    days, day = [], first_day
    while day <= last_day:
        if sparse_before is None or day >= sparse_before or day.toordinal() % every == 0:
            days.append(day)
        day += timedelta(days=1)
    return days


def export_streams(catalog: Catalog, days: list[date], until: datetime | None = None) -> list[Stream]:
    """The export's rows over `days` ending at `until` (the moment the export was requested), oldest first."""
    return [s for day in days for s in streams_on(catalog, day) if until is None or s.ts <= until]


def export_row(catalog: Catalog, stream: Stream) -> dict[str, Any]:
    """The stream as the export writes it, in the field set of its year."""
    rng = random.Random(f"fake-spotify:{catalog.seed}:row:{stream.ts.isoformat()}:{stream.track_id}")
    track = catalog.tracks[stream.track_id] if stream.track_id else None
    album = catalog.albums[track.album_id] if track else None
    episode = catalog.episodes[stream.episode_id] if stream.episode_id else None
    current = stream.ts.date() >= CURRENT_FIELDS_FROM
    ip = f"203.0.113.{rng.randrange(1, 255)}"
    row: dict[str, Any] = {"ts": stream.ts.strftime("%Y-%m-%dT%H:%M:%SZ")}
    if not current:
        row["username"] = catalog.user.id
    row["platform"] = "android" if current else "Android OS 13 API 33 (Google, Pixel 7)"
    row["ms_played"] = stream.ms_played
    row["conn_country"] = "SE"
    if current:
        row["ip_addr"] = ip
    else:
        row["ip_addr_decrypted"] = ip
        row["user_agent_decrypted"] = "unknown"
    row.update(
        {
            "master_metadata_track_name": track.name if track else None,
            "master_metadata_album_artist_name": catalog.artists[track.artist_ids[0]].name if track else None,
            "master_metadata_album_album_name": album.name if album else None,
            "spotify_track_uri": f"spotify:track:{track.id}" if track else None,
            "episode_name": episode.name if episode else None,
            "episode_show_name": catalog.shows[episode.show_id].name if episode else None,
            "spotify_episode_uri": f"spotify:episode:{episode.id}" if episode else None,
        }
    )
    if current:
        row.update(
            {
                "audiobook_title": None,
                "audiobook_uri": None,
                "audiobook_chapter_uri": None,
                "audiobook_chapter_title": None,
            }
        )
    row["reason_start"] = stream.reason_start
    if stream.ts.year not in NO_REASON_END_YEARS:
        row["reason_end"] = stream.reason_end
    row.update(
        {
            "shuffle": stream.shuffle,
            "skipped": stream.skipped,
            "offline": stream.offline,
            "offline_timestamp": int(stream.ts.timestamp()) if stream.offline else None,
            "incognito_mode": False,
        }
    )
    return row


def _files(rows: list[dict[str, Any]], rows_per_file: int) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    for index, start in enumerate(range(0, len(rows), rows_per_file)):
        chunk = rows[start : start + rows_per_file]
        first, last = chunk[0]["ts"][:4], chunk[-1]["ts"][:4]
        years = first if first == last else f"{first}-{last}"
        yield f"{EXPORT_FOLDER}/Streaming_History_Audio_{years}_{index}.json", chunk


def export_members(catalog: Catalog, streams: list[Stream], rows_per_file: int = ROWS_PER_FILE) -> dict[str, bytes]:
    """{member name: bytes} of the ZIP: the audio files, the (empty) video file and the PDF."""
    rows = [export_row(catalog, s) for s in streams]
    members = {
        name: json.dumps(chunk, indent=2, ensure_ascii=False).encode() for name, chunk in _files(rows, rows_per_file)
    }
    years = f"{streams[0].ts.year}-{streams[-1].ts.year}" if streams else "0000"
    members[f"{EXPORT_FOLDER}/Streaming_History_Video_{years}.json"] = b"[]"
    members[f"{EXPORT_FOLDER}/ReadMeFirst_ExtendedStreamingHistory.pdf"] = (
        b"%PDF-1.4\n% Extended streaming history: what each field means (fake)\n%%EOF\n"
    )
    return members


def write_export(path: Path, catalog: Catalog, streams: list[Stream], rows_per_file: int = ROWS_PER_FILE) -> Path:
    """The ZIP as Spotify ships it (`my_spotify_data.zip`), at `path`; fixed member times: same input, same bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, body in export_members(catalog, streams, rows_per_file).items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), body, zipfile.ZIP_DEFLATED)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m local.fake_spotify.history_export", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--years", type=int, default=5, help="years of history up to --last-day (default 5)")
    parser.add_argument("--last-day", type=date.fromisoformat, help="the export's last day (default yesterday, UTC)")
    parser.add_argument("--seed", type=int, default=42, help="the fake catalog's seed ([local] of the config)")
    parser.add_argument("--size", type=int, default=300, help="the fake catalog's size ([local] of the config)")
    parser.add_argument("--out", type=Path, default=Path("my_spotify_data.zip"))
    args = parser.parse_args(argv)
    last_day = args.last_day or datetime.now(UTC).date() - timedelta(days=1)
    first_day = last_day - timedelta(days=round(365.25 * args.years) - 1)
    catalog = Catalog(args.seed, args.size)
    streams = export_streams(catalog, history_days(first_day, last_day))
    write_export(args.out, catalog, streams)
    print(f"{args.out}: {len(streams)} streams from {first_day} to {last_day}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
