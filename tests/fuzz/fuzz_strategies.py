"""Inputs for the fuzz tests: raw text that looks a little like each format, and well-formed
transcripts generated with the turns they must read back as."""

from __future__ import annotations

from hypothesis import strategies as st

# Words of turn text: letters (accents too), apostrophes and closing punctuation, never a
# colon or a digit, so no generated text can read as a turn header, a cue timing or markup.
LOWER = "abcdefghijklmnopqrstuvwxyzàéïöüß'’"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZÀÉÖ"
WORD = st.builds(
    lambda first, rest, end: first + rest + end,
    st.sampled_from(UPPER + LOWER[:26]),
    st.text(LOWER, max_size=8),
    st.sampled_from(["", "", "", ".", ",", "!", "?"]),
)
SENTENCE = st.lists(WORD, min_size=1, max_size=8).map(" ".join)
# Speaker names as transcripts write them: one or two capitalised words.
NAME_WORD = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(UPPER[:26]),
    st.text(LOWER[:26], min_size=1, max_size=7),
)
NAME = (
    st.lists(NAME_WORD, min_size=1, max_size=2)
    .map(" ".join)
    .filter(
        lambda name: name.split()[0].lower() not in {"note", "so", "yes", "no", "well", "ok", "now"}
    )
)
TURNS = st.lists(
    st.tuples(NAME, st.lists(SENTENCE, min_size=1, max_size=3)), min_size=1, max_size=8
)


def mixed_text(fragments: list[str]) -> st.SearchStrategy[str]:
    """Text built from format fragments, arbitrary characters and line breaks, in any order."""
    pieces = st.one_of(
        st.sampled_from(fragments),
        st.text(max_size=20),
        st.sampled_from(["\n", "\n\n", "\r\n", " ", ":", "-->", "<", ">", "\ufeff", "\x00"]),
    )
    return st.lists(pieces, max_size=40).map("".join)


MARKDOWN_FRAGMENTS = [
    "---\n",
    "---\ntitle: T\n---\n",
    "episode_title: x\n",
    "### Section\n",
    "#\n",
    "Transcript\n",
    "Ann 00:00:01:",
    "Bob 1:02:",
    "Sam (00:01:00): ",
    "[00:01] ",
    "Zoë 99:99:99:",
    "a 12:30:",
    "host_name: [1, 2]\n",
    "date: 2025-13-45\n",
    "guest_name: {a: b}\n",
    ": x\n",
]
VTT_FRAGMENTS = [
    "WEBVTT\n\n",
    "00:00:01.000 --> 00:00:02.000\n",
    "00:01.000 --> 00:02.000 align:start\n",
    "<v Ann>",
    "</v>",
    "<c.x>",
    "<00:00:01.500>",
    "&amp;",
    "NOTE x\n\n",
    "STYLE\n::cue{}\n\n",
    "00:00:03.000 -> 00:00:04.000\n",
    "99:99:99.999 --> 00:00:00.000\n",
    "1\n",
    "<v>",
    "<b><i>",
]
SRT_FRAGMENTS = [
    "1\n",
    "00:00:01,000 --> 00:00:02,000\n",
    ">> ",
    "ANN: ",
    "Dr. Bo Li: ",
    "[laughs] ",
    "00:00:05,000 --> 00:00:03,000\n",
    "{\\an8}",
    "<i>",
    "2\n00:00:02,000 --> 00:00:03,500\n",
    "00:00:0x,000 --> 00:00:01,000\n",
    "0\n",
    "-1\n",
]
JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=10)
)
JSON_KEYS = st.sampled_from(
    ["segments", "chapters", "speaker", "startTime", "endTime", "body", "title", "toc"]
) | st.text(max_size=5)


def _json_containers(children: st.SearchStrategy) -> st.SearchStrategy:
    # A named function: hypothesis reads a lambda's source to check that it recurses.
    return st.lists(children, max_size=4) | st.dictionaries(JSON_KEYS, children, max_size=5)


JSON_VALUES = st.recursive(JSON_SCALARS, _json_containers, max_leaves=20)
