"""Plays around the 2026 daylight-saving switches, and where the reporting views must put them in Berlin time."""

# Plays around the switches to and from summer time in Berlin (UTC+1 in winter, UTC+2 in summer): on 2026-03-29
# the clocks go from 02:00 to 03:00 (no local hour 2), on 2026-10-25 from 03:00 back to 02:00 (local hour 2 twice).
BERLIN = "Europe/Berlin"
DST_PLAYS = {
    # UTC instant          local (Berlin) day and hour
    "2026-03-28T23:30": ("2026-03-29", 0),  # the day before in UTC
    "2026-03-29T00:30": ("2026-03-29", 1),
    "2026-03-29T01:30": ("2026-03-29", 3),  # an hour after the last play, two on the clock
    "2026-10-24T22:30": ("2026-10-25", 0),
    "2026-10-25T00:30": ("2026-10-25", 2),
    "2026-10-25T01:30": ("2026-10-25", 2),  # an hour later, the same hour on the clock
}
