"""The extraction Lambda: Spotify Web API -> raw bucket, once a day.

handler (entry point) -> run (one run: state, phases, manifest, state) -> sources (what each source requests)
-> requester (status policy) -> transport (spotipy over HTTP) -> auth / credentials (tokens, Secrets Manager).
Beside them: settings (environment), endpoints (API facts per mode), pacing (time budget, Retry-After, backoff),
scheduler (worker threads), enrichment / entities (which details to fetch), raw_writer / raw_bucket (page files),
state (what the next run resumes), ledger (what the manifest reports).
"""
