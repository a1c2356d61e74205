"""The threaded HTTP server under the local fakes (the fake Spotify, the fake MusicBrainz): it keeps track of its open
connections so that stopping it also ends the kept-alive ones a client still holds."""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from http.server import ThreadingHTTPServer
from typing import Any


class TrackedHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (timed out, closed) is routine here; anything else is still reported."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


def listen(server_class: type[TrackedHTTPServer], host: str, port: int, handler: type) -> Any:
    """A server of `server_class` bound to host:port (port 0: any free one); a taken port says what to do."""
    try:
        return server_class((host, port), handler)
    except OSError as problem:
        raise OSError(f"cannot listen on {host}:{port} ({problem.strerror}); choose another port") from None


def serve_in_background(httpd: TrackedHTTPServer, name: str) -> threading.Thread:
    """Serve on a daemon thread. A short poll interval: `shut_down` returns within it (tests start and stop many
    servers)."""
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), name=name, daemon=True)
    thread.start()
    return thread


def shut_down(httpd: TrackedHTTPServer, thread: threading.Thread | None) -> None:
    """Stop serving, end the kept-alive connections, release the port."""
    httpd.shutdown()
    httpd.close_connections()
    httpd.server_close()
    if thread is not None:
        thread.join(timeout=5)
