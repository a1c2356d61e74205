"""Word lists the synthetic catalog draws names from, and deterministic Spotify-style identifiers.

The lists put awkward text first (accents, Japanese, Cyrillic, Korean, Greek, Arabic, quotes, commas, emoji) so
that even the smallest catalog carries it: every stage downstream must keep such names intact.
"""

from __future__ import annotations

import hashlib

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ID_LENGTH = 22
# Spotify-owned editorial and algorithmic playlists ("Top 50 - Global", Daily Mix ...) have ids with this prefix;
# since 2024-11-27 they answer 404 to new apps.
EDITORIAL_PREFIX = "37i9dQZF1"

ANCHOR_ARTISTS = (
    "Beyoncé",
    "Sigur Rós",
    "宇多田ヒカル",
    "Кино",
    "아이유",
    "Björk",
    "Rosalía",
    "Mötley Crüe",
    "Ólafur Arnalds",
    "Ελευθερία Αρβανιτάκη",
    "فيروز",
    "Zoé",
    "Ñu Collective",
    "Les Rita Mitsouko",
)
ARTIST_WORDS_A = (
    "Velvet",
    "Neon",
    "Paper",
    "Silver",
    "Northern",
    "Hollow",
    "Electric",
    "Quiet",
    "Golden",
    "Midnight",
    "Crystal",
    "Wild",
    "Lunar",
    "Saffron",
    "Analog",
)
ARTIST_WORDS_B = (
    "Harbor",
    "Cartographers",
    "Lanterns",
    "Foxes",
    "Orchestra",
    "Choir",
    "Tides",
    "Satellites",
    "Gardens",
    "Machines",
    "Sparrows",
    "Collective",
    "Echoes",
    "Pilots",
    "Parade",
)
VARIOUS_ARTISTS = "Various Artists"

ANCHOR_TITLES = (
    "夜に駆ける",
    "Звезда по имени Солнце",
    "Hoppípolla",
    "Déjà Vu",
    "Señorita, Señorita",
    'Say "Hello" Again',
    "O'Brien's Lament",
    "Straße der Sehnsucht",
    "Ça plane pour moi",
    "봄날",
    "Ευτυχία",
    "🔥 Fire Walk 🔥",
    "Naïve Melody",
    "Кукушка",
)
TITLE_WORDS_A = (
    "Summer",
    "Broken",
    "Endless",
    "Paper",
    "Last",
    "Slow",
    "Northern",
    "Little",
    "Blue",
    "Hidden",
    "Falling",
    "Second",
    "Golden",
    "Electric",
    "Silent",
)
TITLE_WORDS_B = (
    "Lights",
    "Hearts",
    "Roads",
    "Rain",
    "Dance",
    "Letters",
    "Rivers",
    "Dreams",
    "Motion",
    "Static",
    "Morning",
    "Fever",
    "Window",
    "Signals",
    "Weather",
)
TITLE_SUFFIXES = ("", "", "", "", "", " - Remastered 2011", " - Live", " (Acoustic)", " - Radio Edit")
ALBUM_SUFFIXES = ("", "", "", "", " (Deluxe Edition)", " (Remastered)", " - EP")

GENRES = (
    "pop",
    "dance pop",
    "indie rock",
    "post-rock",
    "icelandic indie",
    "j-pop",
    "anime",
    "russian rock",
    "k-pop",
    "latin pop",
    "reggaeton",
    "flamenco",
    "hip hop",
    "trap",
    "jazz",
    "bossa nova",
    "neo-classical",
    "ambient",
    "glam metal",
    "r&b",
    "afrobeats",
    "chanson",
    "greek pop",
    "arabic pop",
)
LABELS = ("Fake Sound Records", "Nordlys Musik", "Sakura Tone", "Мелодия-2", "Independent", "Sonido Libre")
ISRC_COUNTRIES = ("US", "GB", "SE", "IS", "JP", "RU", "KR", "FR", "DE", "BR", "ES", "MX", "GR")
MARKETS = ("AR", "AT", "AU", "BR", "CA", "DE", "ES", "FR", "GB", "GR", "IS", "JP", "KR", "MX", "NL", "SE", "US")

USER_NAMES = ("Zoë Ångström", "Ana Lúcia", "山田 健二", "Оля К.", "dj_n0va")  # noqa: RUF001 - Cyrillic on purpose
SHOW_NAMES = ("Hörspiel am Abend", "The Data Engineering Pod")
EPISODE_WORDS = ("Pipelines", "Schemas", "Backfills", "Nachtzug", "Quellen", "Late Data")
PLAYLIST_NAMES = (
    "Läuft bei mir 🎧",
    "Road trip ’26",  # noqa: RUF001 - a typographic apostrophe on purpose
    "2008 Favourites",
    "Старое доброе",
    "Focus / Fokus",
    "Cooking & Chill",
    "Sunday Morning",
    "Gym, Loud",
    "Rainy Days",
    "Late Night Drive",
)
FOLLOWED_PLAYLIST_NAMES = ("Indie Finds", "Ambient für die Arbeit", "シティポップ", "Friends' Mix", "Vinyl Only")
EDITORIAL_PLAYLIST_NAMES = ("Top 50 - Global", "Daily Mix 1")
# Real descriptions arrive HTML-escaped; consumers must unescape, not store the entities.
PLAYLIST_DESCRIPTIONS = (
    "",
    "Songs for &quot;rainy&quot; days &amp; long drives",
    "Ce qu&#x27;on écoute en cuisine",
    "",
    "Updated whenever I feel like it",
)
LOCAL_FILES = (
    ("Ñu Collective", "Demo Tapes 2009", "Sketch #4 – Unmastered", 227),  # noqa: RUF001 - an en dash on purpose
    ("Unknown Artist", "Unknown Album", "Track 01", 185),
    ("Garage Band", "Probe: Raum 3", "Jam (Take 2)", 301),
)


def spotify_id(*parts: object) -> str:
    """A 22-character base-62 id derived only from `parts` (seed, entity kind, index)."""
    number = int.from_bytes(hashlib.sha256(":".join(map(str, parts)).encode()).digest(), "big")
    chars = []
    for _ in range(ID_LENGTH):
        number, remainder = divmod(number, 62)
        chars.append(BASE62[remainder])
    return "".join(chars)


def editorial_id(*parts: object) -> str:
    return EDITORIAL_PREFIX + spotify_id(*parts)[: ID_LENGTH - len(EDITORIAL_PREFIX)]


def user_id(*parts: object) -> str:
    """Newer Spotify user ids: 28 lowercase letters and digits."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()
    number = int(digest, 16)
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
    chars = []
    for _ in range(28):
        number, remainder = divmod(number, 36)
        chars.append(alphabet[remainder])
    return "".join(chars)


def hex_digest(*parts: object, length: int = 40) -> str:
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:length]


def is_spotify_id(text: str) -> bool:
    return len(text) == ID_LENGTH and all(char in BASE62 for char in text)
