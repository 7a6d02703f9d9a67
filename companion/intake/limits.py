"""How much the app accepts from outside: one table of limits, each with its reason.

Every file another program or person can hand us (scorecard exchange files, question
packs, the settings file, later the team store's rows) is checked against these
before anything else reads it, so whatever passes renders, shows and exports in
bounded time. The limits sit far above what a real round produces (a 75-minute
round of fast typing is about 45,000 characters of notes in all) and far below
what would make a PDF take longer than a few seconds (see bench/fuzz_inputs.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

# -- whole files: read at most this many bytes, whatever the file claims its size is
SCORECARD_FILE_BYTES = 4 * 1024 * 1024
PACK_FILE_BYTES = 1024 * 1024
PACK_FILES = 200  # TOML files in one pack folder
SETTINGS_FILE_BYTES = 64 * 1024
TEAM_FILE_BYTES = 16 * 1024  # team.json: one connection string and a time

# -- structure: nesting is refused before any recursive parser or encoder sees it
JSON_DEPTH = 16  # a scorecard file is 6 deep; ``extra`` may add a few levels
TOML_DEPTH = 12  # [[questions]] + [questions.cues] + an inline list is 4
NUMBER_DIGITS = 18  # digits in one number; Python refuses 4,301 (and is slow long before)

# -- counts in one scorecard (a round asks about ten items, each with a few probes; PDF
#    time grows with each row, and 50 x 50 probe rows take a few seconds)
ITEMS = 50
PROBES_PER_ITEM = 50
FLAGS = 50
EVENTS_PER_FLAG = 200
SECTIONS = 50
AMENDMENTS = 2000
EXTRA_BYTES = 64 * 1024  # the ``extra`` object, as compact JSON

# -- text, in characters
ID_CHARS = 100
NAME_CHARS = 200  # names, titles, pack versions: one line in a table cell
REASON_CHARS = 2000
NOTE_CHARS = 200_000  # one notes field, a summary, a probe answer, flag evidence
TEXT_CHARS = 1_000_000  # every text of one scorecard together, amendments included
# Lines too: 190,000 line breaks fit in the characters above and make a PDF of
# thousands of pages. A note of 2,000 lines is already forty pages.
NOTE_LINES = 2_000
TEXT_LINES = 10_000

# -- numbers and dates
SECONDS = 1_000_000.0  # a duration or section length (11.5 days; a round is hours)
FORMAT_VERSION = 1_000
YEAR_MIN = 2000
YEAR_MAX = 2200
EARLIEST = datetime(YEAR_MIN, 1, 1, tzinfo=UTC)
LATEST = datetime(YEAR_MAX, 12, 31, 23, 59, 59, tzinfo=UTC)

# -- packs, in characters and counts
PACK_TEXT_CHARS = 4_000  # one prompt, cue or guidance text: at most about a page
PACK_ITEMS = 2_000  # questions, scenarios, red flags, templates ... of one kind
PACK_LIST = 200  # entries of one list (probes of an item, sections of a template)
PACK_NUMBER = 10_000_000  # minutes, weights, pay in dollars

# -- settings
RETENTION_DAYS = 36_500  # a hundred years; beyond that "off" is what is meant
