"""`local.lambda_invoke --warm`: a warm execution environment, one event per line in, one outcome per line out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

PROBE = """
invocations = 0

def handler(event, context):
    global invocations
    invocations += 1
    print(f"log line of invocation {invocations}")
    if event.get("fail"):
        raise ValueError("asked to fail")
    return {"invocation": invocations, "event": event, "remaining_ms": context.get_remaining_time_in_millis()}
"""


def test_a_warm_function_keeps_its_module_between_invocations_and_keeps_logs_off_the_outcomes(tmp_path: Path) -> None:
    (tmp_path / "warm_probe.py").write_text(PROBE, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    events = [{"n": 1}, {"fail": True}, {"n": 3}]
    process = subprocess.run(
        [sys.executable, "-m", "local.lambda_invoke", "--warm", "warm_probe.handler", "60"],
        input="".join(json.dumps(event) + "\n" for event in events),
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    outcomes = [json.loads(line) for line in process.stdout.splitlines()]
    # One outcome per event, in order; a failing invocation is reported and the environment lives on
    assert [o["ok"] for o in outcomes] == [True, False, True]
    assert outcomes[1]["error"] == "ValueError: asked to fail"
    assert [outcomes[0]["result"]["invocation"], outcomes[2]["result"]["invocation"]] == [1, 3]
    assert outcomes[2]["result"]["event"] == {"n": 3}
    assert 0 < outcomes[2]["result"]["remaining_ms"] <= 60_000
    # and what the handler printed went to the log (stderr), not into the outcomes
    assert "log line of invocation 2" in process.stderr and "Traceback" in process.stderr
    assert process.returncode == 0
