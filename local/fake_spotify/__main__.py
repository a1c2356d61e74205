"""Run the fake Spotify on its own: `python -m local.fake_spotify --port 8765 --mode development`.

Prints the base URL and working credentials, then serves until Ctrl-C (or SIGTERM). A bad option prints one
line naming it and exits with status 2.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from datetime import UTC, date, datetime
from types import FrameType
from typing import NoReturn

from contracts.raw_zone import ApiMode
from local.fake_spotify.faults import FaultPlan
from local.fake_spotify.server import FakeSpotify

PROG = "python -m local.fake_spotify"
FAULTS_HELP = """fault kinds (options after the path, each key=value; times=N or times=always):
  429:PATH[:retry_after=S][:quota=true]   rate limit; quota=true gives reason QUOTA_EXCEEDED
  500|502|503:PATH[:times=N]              a burst of server errors (3 by default)
  slow:PATH:ms=N                          answer N ms late
  drop:PATH                               close the connection without a response
  malformed:PATH                          200 with the JSON body cut in half
  expire:PATH:after=N                     every access token expires after N more calls
  remove:PATH[:status=403|404]            the endpoint is gone
  delete-playlist:PLAYLIST_ID             the playlist answers 404
PATH is a regular expression searched in the request path (no ':' in it)."""


class _OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: error: {message} (see --help)\n")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-24") from None


def _fault(text: str) -> str:
    try:
        FaultPlan().add(text)
    except ValueError as problem:
        raise argparse.ArgumentTypeError(str(problem)) from None
    return text


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} must be 0 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(
        prog=PROG,
        description="A fake Spotify Web API with a synthetic catalog.",
        epilog=FAULTS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=_non_negative, default=8765, help="port; 0 picks a free one (default 8765)")
    parser.add_argument(
        "--mode", choices=ApiMode.ALL, default=ApiMode.DEVELOPMENT, help="API mode (default development)"
    )
    parser.add_argument("--seed", type=int, default=42, help="catalog seed (default 42)")
    parser.add_argument("--size", type=_non_negative, default=300, help="number of tracks (default 300)")
    parser.add_argument("--day", type=_day, default=None, help="the catalog's day, YYYY-MM-DD (default today, UTC)")
    parser.add_argument("--latency-ms", type=_non_negative, default=0, help="delay added to every request")
    parser.add_argument("--token-ttl-seconds", type=_non_negative, default=3600, help="access token lifetime")
    parser.add_argument("--rotate-refresh-token", action="store_true", help="refreshes return a new refresh token")
    parser.add_argument(
        "--fault",
        action="append",
        type=_fault,
        default=[],
        metavar="SPEC",
        help="KIND:PATH_REGEX[:key=value...], e.g. 429:/v1/me/tracks:retry_after=2:times=1 (repeatable)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        server = FakeSpotify(
            seed=args.seed,
            size=args.size,
            mode=args.mode,
            day=args.day or datetime.now(UTC).date(),
            latency_ms=args.latency_ms,
            token_ttl_seconds=args.token_ttl_seconds,
            rotate_refresh_token=args.rotate_refresh_token,
            host=args.host,
            port=args.port,
        )
        for spec in args.fault:
            server.faults.add(spec)
        server.start()
    except (ValueError, OSError) as problem:
        parser.error(str(problem))
    stopping = threading.Event()

    def on_terminate(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    # Ctrl-C too ends the wait through the event: a KeyboardInterrupt raised wherever the main thread happens to be
    # (inside the event's own lock, say) could leave it stuck instead of stopping.
    signal.signal(signal.SIGTERM, on_terminate)
    signal.signal(signal.SIGINT, on_terminate)
    print(
        f"Fake Spotify ({server.mode} mode, seed {args.seed}, size {args.size}, day {server.day})"
        f" on {server.base_url}\n"
        f"api_url={server.api_url}\n"
        f"token_url={server.token_url}\n"
        f"client_id={server.client_id}\n"
        f"client_secret={server.client_secret}\n"
        f"refresh_token={server.refresh_token}\n"
        f"scope={server.user_scope}\n"
        "Ctrl-C stops it.",
        flush=True,
    )
    try:
        while not stopping.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    print("stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
