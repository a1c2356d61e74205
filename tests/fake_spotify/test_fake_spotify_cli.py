"""`python -m local.fake_spotify`: serve until interrupted, print what a client needs, refuse bad options in a line."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from local.fake_spotify.__main__ import main

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_it_prints_the_address_and_credentials_serves_them_and_stops_cleanly_on_ctrl_c() -> None:
    # Given the command started with a free port, a day and a fault
    fault = "429:/v1/me/tracks:retry_after=2:times=1"
    command = [sys.executable, "-m", "local.fake_spotify", "--port", "0", "--day", "2026-11-24", "--size", "60"]
    command += ["--fault", fault]
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(8)]
        printed = dict(line.strip().split("=", 1) for line in lines if "=" in line)
        assert lines[0].startswith(
            "Fake Spotify (development mode, seed 42, size 60, day 2026-11-24) on http://127.0.0.1:"
        )
        # When a client uses what was printed
        token = requests.post(
            printed["token_url"],
            data={"grant_type": "refresh_token", "refresh_token": printed["refresh_token"]},
            auth=(printed["client_id"], printed["client_secret"]),
            timeout=5,
        ).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        limited = requests.get(printed["api_url"] + "me/tracks", headers=headers, timeout=5)
        # Then the credentials work, the fault applies, and Ctrl-C ends it without a traceback
        assert token["scope"].split() == sorted(printed["scope"].split())
        assert (limited.status_code, limited.headers["Retry-After"]) == (429, "2")
        assert requests.get(printed["api_url"] + "me/tracks", headers=headers, timeout=5).ok
    finally:
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "Traceback" not in errors
    assert errors.strip() == "stopped"


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["--mode", "premium"], "argument --mode: invalid choice: 'premium'"),
        (["--day", "2026-13-01"], "argument --day: '2026-13-01' is not a date like 2026-11-24"),
        (["--fault", "teapot:/v1/"], "unknown kind 'teapot'"),
        (["--port", "-1"], "argument --port: -1 must be 0 or more"),
        (["--size", "5"], "catalog size 5 is out of range; use 30 to 200000 tracks"),
        (["--colour", "red"], "unrecognized arguments: --colour red"),
    ],
)
def test_a_bad_option_prints_one_line_and_exits_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], complaint: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("python -m local.fake_spotify: error: ")
    assert complaint in captured.err
