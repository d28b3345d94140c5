"""Reading JSON files (Podcasting 2.0 transcripts and chapters) with line numbers for errors.

`json` does not say where a value stood in the file. The fast C parser reads the file; only
when a value turns out to be wrong is the text parsed again, by the pure-Python scanner with
its object and array parsers wrapped to note where each one starts.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
from collections.abc import Sequence
from typing import Any

from ..errors import TranscriptError

# The pure-Python parser's hooks (JSONObject, JSONArray, py_make_scanner and the decoder's
# parse_* attributes) are undocumented, so the stubs do not declare them: reach them untyped.
_DECODER: Any = json.decoder
_SCANNER: Any = json.scanner


def load_json(text: str, source: str) -> Any:
    """The parsed file, or a TranscriptError at the line where the JSON breaks."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise TranscriptError(source, exc.lineno, f"not valid JSON: {exc.msg}") from None


def line_of(text: str, path: Sequence[str | int]) -> int:
    """The line where the value at `path` (keys and list indexes) starts, e.g. a segment.

    A scalar gives the line of the object or list holding it; 0 when nothing is found.
    """
    starts: dict[int, int] = {}

    def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
        value, end = _DECODER.JSONObject(s_and_end, *args)
        starts[id(value)] = s_and_end[1] - 1
        return value, end

    def parse_array(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
        value, end = _DECODER.JSONArray(s_and_end, *args)
        starts[id(value)] = s_and_end[1] - 1
        return value, end

    decoder: Any = json.JSONDecoder()
    decoder.parse_object = parse_object
    decoder.parse_array = parse_array
    decoder.scan_once = _SCANNER.py_make_scanner(decoder)
    try:
        node = decoder.decode(text)
    except ValueError:
        return 0
    position = starts.get(id(node))
    for key in path:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        position = starts.get(id(node), position)
    return 0 if position is None else text.count("\n", 0, position) + 1
