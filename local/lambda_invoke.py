"""Invokes a Lambda handler the way the Lambda service does: its own process, its own environment, an event
and a context whose remaining time counts down from the function's timeout.

    python -m local.lambda_invoke extract.handler.handler EVENT_JSON_FILE RESULT_JSON_FILE TIMEOUT_SECONDS
    python -m local.lambda_invoke --warm extract.handler.handler TIMEOUT_SECONDS

The result file receives `{"ok": true, "result": ...}` or `{"ok": false, "error": "<type>: <message>"}`; the
handler's own logs go to this process's stdout, which the local runtime sends to its log file.

`--warm` is a warm execution environment, as Lambda keeps one between invocations: the handler is imported once,
then each line of stdin is one event, and each event's outcome is one line on stdout (the handler's logs go to
stderr). The local runtime sends the day's captures through one, on a simulated clock.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class LambdaContext:
    """The attributes of the Lambda context object that handlers and Powertools read."""

    function_name: str
    timeout_seconds: int
    memory_limit_in_mb: int = 512
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/local"
    log_stream_name: str = "local"
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_seconds
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _invoke(handler: Callable[[Any, Any], Any], function_name: str, event: Any, timeout: int) -> dict[str, Any]:
    context = LambdaContext(function_name=function_name, timeout_seconds=timeout)
    try:
        return {"ok": True, "result": handler(event, context)}
    except Exception as error:  # the Lambda service reports any failure as the invocation's error
        traceback.print_exc(file=sys.stdout)
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}


def _handler(handler_path: str) -> tuple[Callable[[Any, Any], Any], str]:
    module_name, _, function_name = handler_path.rpartition(".")
    return getattr(importlib.import_module(module_name), function_name), module_name.split(".")[0]


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--warm":
        return serve(*argv[1:])
    handler_path, event_file, result_file, timeout = argv
    event = json.loads(Path(event_file).read_text(encoding="utf-8"))
    handler, function_name = _handler(handler_path)
    outcome = _invoke(handler, function_name, event, int(timeout))
    Path(result_file).write_text(json.dumps(outcome, default=str), encoding="utf-8")
    return 0 if outcome["ok"] else 1


def serve(handler_path: str, timeout: str) -> int:
    protocol = sys.stdout
    sys.stdout = sys.stderr  # before the handler is imported: its loggers and metrics write to the log
    handler, function_name = _handler(handler_path)
    for line in sys.stdin:
        outcome = _invoke(handler, function_name, json.loads(line), int(timeout))
        protocol.write(json.dumps(outcome, default=str) + "\n")
        protocol.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
