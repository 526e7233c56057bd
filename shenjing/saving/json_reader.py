"""JSON from a file, read strictly: the one parser for config.json and safetensors headers.

``json.loads`` would take the last of two equal keys (other readers take the first) and
raise RecursionError on deep nesting (``[`` x 100000); here both are a ``FormatError``
naming the file, as are bad UTF-8 and bad JSON. Inside a load, parsing is charged to the
budget first at ``JSON_EXPANSION`` bytes per byte of text: the Python objects ``json``
builds take up to about 26 (``[[],[],...]``: a 56-byte list and an 8-byte pointer per 3
bytes).
"""

import json

from ..safety import FormatError, charge

JSON_EXPANSION = 32


def strict_json_object(pairs):
    """``object_pairs_hook`` for ``json.loads`` that refuses a key given twice (which
    ``json`` would silently resolve to the last, other readers to the first)."""
    out = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} appears twice in one object")
        out[key] = value
    return out


def parse_json(raw, path, what):
    """The JSON value in ``raw`` (bytes): FormatError for bad UTF-8, bad JSON, a duplicated
    key or nesting too deep for the parser."""
    charge(JSON_EXPANSION * len(raw), f"parsing {what} ({len(raw)} bytes of JSON)")
    try:
        return json.loads(raw.decode("utf-8"), object_pairs_hook=strict_json_object)
    except RecursionError:
        raise FormatError(path, f"{what} is nested too deeply to parse") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise FormatError(path, f"{what} is not valid JSON: {error}") from None
