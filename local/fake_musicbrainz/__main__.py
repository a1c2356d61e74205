"""Run the fake MusicBrainz on its own: `python -m local.fake_musicbrainz --port 8766 --seed 42 --size 300`.

Prints the web service's URL, then serves until Ctrl-C (or SIGTERM). A bad option prints one line naming it and
exits with status 2.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType
from typing import NoReturn

from local.fake_musicbrainz.server import MIN_INTERVAL_SECONDS, FakeMusicBrainz
from local.fake_spotify.catalog import MAX_SIZE, MIN_SIZE, Catalog
from local.fake_spotify.faults import FaultPlan

PROG = "python -m local.fake_musicbrainz"
FAULTS_HELP = """fault kinds (options after the path, each key=value; times=N or times=always):
  429:PATH[:retry_after=S]      rate limited with Retry-After
  500|502|503:PATH[:times=N]    a burst of server errors (3 by default)
  slow:PATH:ms=N                answer N ms late
  drop:PATH                     close the connection without a response
  malformed:PATH                200 with the JSON body cut in half
PATH is a regular expression searched in the request path (no ':' in it), e.g. 503:^/ws/2/isrc/:times=2."""


class _OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: error: {message} (see --help)\n")


def _fault(text: str) -> str:
    try:
        FaultPlan().add(text)
    except ValueError as problem:
        raise argparse.ArgumentTypeError(str(problem)) from None
    return text


def _size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not MIN_SIZE <= value <= MAX_SIZE:
        raise argparse.ArgumentTypeError(f"{value} is out of range; use {MIN_SIZE} to {MAX_SIZE} tracks")
    return value


def _interval(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} must be 0 or more")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = _OneLineParser(
        prog=PROG,
        description="A fake MusicBrainz web service serving the fake Spotify catalog's ISRCs.",
        epilog=FAULTS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=42, help="the fake Spotify catalog's seed")
    parser.add_argument("--size", type=_size, default=300, help="the fake Spotify catalog's tracks")
    parser.add_argument(
        "--min-interval", type=_interval, default=MIN_INTERVAL_SECONDS, help="seconds between requests (503 sooner)"
    )
    parser.add_argument("--fault", type=_fault, action="append", default=[], help="a fault rule (see below)")
    options = parser.parse_args(argv)
    server = FakeMusicBrainz(
        Catalog(seed=options.seed, size=options.size), options.min_interval, host=options.host, port=options.port
    )
    for spec in options.fault:
        server.faults.add(spec)
    try:
        server.start()
    except OSError as problem:
        print(f"{PROG}: error: {problem}", file=sys.stderr)
        return 2
    stopped = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopped.set()

    # Ctrl-C ends the wait through the event too, as in local.fake_spotify: no KeyboardInterrupt inside its lock.
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print(f"fake MusicBrainz at {server.ws_url} (one request per {options.min_interval:g} s)", flush=True)
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
