"""Invokes a Lambda handler the way the Lambda service does: its own process, its own environment, an event
and a context whose remaining time counts down from the function's timeout.

    python -m local.lambda_invoke extract.handler.handler EVENT_JSON_FILE RESULT_JSON_FILE TIMEOUT_SECONDS

The result file receives `{"ok": true, "result": ...}` or `{"ok": false, "error": "<type>: <message>"}`; the
handler's own logs go to this process's stdout, which the local runtime sends to its log file.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
import traceback
import uuid
from dataclasses import dataclass, field
from pathlib import Path


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


def main(argv: list[str]) -> int:
    handler_path, event_file, result_file, timeout = argv
    module_name, _, function_name = handler_path.rpartition(".")
    event = json.loads(Path(event_file).read_text(encoding="utf-8"))
    context = LambdaContext(function_name=module_name.split(".")[0], timeout_seconds=int(timeout))
    handler = getattr(importlib.import_module(module_name), function_name)
    try:
        outcome = {"ok": True, "result": handler(event, context)}
    except Exception as error:  # the Lambda service reports any failure as the invocation's error
        traceback.print_exc(file=sys.stdout)
        outcome = {"ok": False, "error": f"{type(error).__name__}: {error}"}
    Path(result_file).write_text(json.dumps(outcome, default=str), encoding="utf-8")
    return 0 if outcome["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
