"""Reading the fake Spotify's request log (`FakeSpotify.requests`, in the order the requests arrived)."""

from __future__ import annotations

from collections.abc import Sequence

from local.fake_spotify import LoggedRequest


def refused_and_not_asked_again(
    requests: Sequence[LoggedRequest], refused: int = 401, answered: tuple[int, ...] = (200, 403)
) -> list[LoggedRequest]:
    """The requests answered `refused` that no later request of the same path and query got an `answered` status
    for: requests the client dropped after the refusal (a 403 is a removed endpoint's final answer)."""
    dropped = []
    for index, request in enumerate(requests):
        if request.status != refused:
            continue
        again = [r.status for r in requests[index + 1 :] if (r.path, r.query) == (request.path, request.query)]
        if not again or again[-1] not in answered:
            dropped.append(request)
    return dropped
