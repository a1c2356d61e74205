"""`make run`: daily runs of the whole pipeline on local emulators, with a progress display and a summary.

    python -m local.run [--days N] [--last-day YYYY-MM-DD] [--state-dir DIR] [--config FILE]

Runs the N consecutive days ending on `--last-day` (default: today, UTC). State persists in `.local/`
(buckets as plain files, secrets, the warehouse), so the next run continues where this one stopped;
`make clean` resets it. Full logs (handler, Spark, emulators) go to `.local/logs/`, not to the terminal.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
import traceback
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import NoReturn, TextIO

from config import CONFIG_FILE, ConfigError, load_config

REPO_ROOT = Path(__file__).resolve().parents[1]
MAX_DAYS = 366
_SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class Progress:
    """One line per finished stage; on a terminal, a live line for the stage that is working."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = stream.isatty()
        self.prefix = ""
        self._label = ""
        self._started = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _spin(self) -> None:
        frame = 0
        while not self._stop.wait(0.1):
            elapsed = time.perf_counter() - self._started
            self.stream.write(f"\r{_SPINNER[frame % len(_SPINNER)]} {self.prefix}{self._label:<10} {elapsed:5.1f}s")
            self.stream.flush()
            frame += 1

    def __call__(self, stage: str, detail: str) -> None:
        if detail == "start":
            self._label, self._started = stage, time.perf_counter()
            if self.live:
                self._stop.clear()
                self._thread = threading.Thread(target=self._spin, daemon=True)
                self._thread.start()
            return
        elapsed = time.perf_counter() - self._started
        if self._thread:
            self._stop.set()
            self._thread.join()
            self._thread = None
            self.stream.write("\r\033[K")
        self.stream.write(f"✓ {self.prefix}{stage:<10} {elapsed:5.1f}s  {detail}\n")
        self.stream.flush()


class _OneLineParser(argparse.ArgumentParser):
    """A mistyped option ends with one line saying what to type, not argparse's usage block."""

    def error(self, message: str) -> NoReturn:
        if message.startswith("unrecognized arguments"):
            message += " (`python -m local.run --help` lists the options)"
        self.exit(2, f"error: {message}\n")


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_DAYS:
        raise argparse.ArgumentTypeError(
            f"DAYS={text}; use a whole number of days from 1 to {MAX_DAYS}, e.g. `make run DAYS=7`"
        )
    return days


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day; write it as YYYY-MM-DD, e.g. 2026-11-24") from None


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = _OneLineParser(prog="make run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=_days, default=1, help="consecutive daily runs (default 1)")
    parser.add_argument("--last-day", type=_day, help="last day to run, YYYY-MM-DD (default today)")
    parser.add_argument("--state-dir", type=Path, help="where the emulators keep their state (default .local)")
    parser.add_argument("--config", type=Path, default=CONFIG_FILE, help="configuration file (default: the project's)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    try:
        config = load_config("local", config_file=args.config)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    state_dir = args.state_dir or REPO_ROOT / config.local.state_dir
    last_day = args.last_day or datetime.now(UTC).date()
    days = [last_day - timedelta(days=offset) for offset in reversed(range(args.days))]
    log_file = state_dir / "logs" / f"run-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.log"

    from local.dashboard import write_dashboard
    from local.pipeline import ExtractFailed, LocalPipeline
    from local.summary import render_summary

    progress = Progress(sys.stdout)
    started = time.perf_counter()
    print(f"Local pipeline: {len(days)} daily run(s), {days[0]} to {days[-1]} (logs: {_relative(log_file)})")
    try:
        with LocalPipeline(config, state_dir, log_file, first_day=days[0], on_stage=progress) as pipeline:
            emulators = "moto, fake Spotify, fake MusicBrainz, local warehouse"
            print(f"✓ emulators  {pipeline.startup_seconds:5.1f}s  {emulators}")
            results = []
            for day in days:
                progress.prefix = f"{day} " if len(days) > 1 else ""
                results.append(pipeline.run_day(day))
            report = write_dashboard(pipeline.warehouse, state_dir / "report.html", config)
            print(render_summary(pipeline, results, time.perf_counter() - started, _relative, report))
    except ExtractFailed as error:
        print(f"\nerror: {error}", file=sys.stderr)
        return 1
    except Exception as error:
        # Every stage failure names its cause and log; the traceback goes to the log, not to the terminal.
        log_file.parent.mkdir(parents=True, exist_ok=True)
        with log_file.open("a", encoding="utf-8") as log:
            traceback.print_exc(file=log)
        print(f"\nerror: {type(error).__name__}: {error} (full log: {_relative(log_file)})", file=sys.stderr)
        return 1
    return 0


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
