"""The local runtime: the same handler, job and SQL on emulators (moto, a fake Spotify API, fakesnow, local Spark)."""
