"""docs/limits.md lists every row of shenjing.safety.limits.LIMITS, and nothing else.

Each table row ``| `name` | `SHENJING_NAME` | `default` ... | what it bounds |`` must
match the limit of that name: the environment variable, the default (the first code
span of its cell) and the text of what it bounds.
"""

import os
import re

from shenjing.safety import LIMITS, LoadBudget, get_limit, override_limits

DOC = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                   "docs", "limits.md")


def doc_rows():
    rows = {}
    with open(DOC, encoding="utf-8") as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 4 and re.fullmatch(r"`[a-z0-9_]+`", cells[0]):
                name = cells[0].strip("`")
                assert name not in rows, f"docs/limits.md lists {name} twice"
                rows[name] = cells
    return rows


def test_every_limit_is_documented_and_no_other():
    rows = doc_rows()
    assert sorted(rows) == sorted(LIMITS), (
        f"docs/limits.md lists {sorted(rows)}; shenjing.safety.limits.LIMITS has {sorted(LIMITS)}")


def test_each_row_matches_its_limit():
    for name, (_, env, default, bounds) in doc_rows().items():
        row = LIMITS[name]
        assert env == f"`{row.env}`", f"{name}: docs say {env}, the variable is {row.env}"
        first = re.match(r"`([^`]*)`", default)
        assert first and first.group(1) == repr(row.default), (
            f"{name}: docs give the default {default}, LIMITS has {row.default!r}")
        assert bounds == row.bounds, f"{name}: docs say it bounds {bounds!r}, LIMITS says {row.bounds!r}"


def test_the_budget_formula_is_documented():
    with open(DOC, encoding="utf-8") as f:
        text = f.read()
    assert "allowed = max(min_load_bytes, max_expansion × size of the file on disk)" in text


def test_the_documented_formula_is_the_one_the_budget_uses():
    for file_bytes in (0, 1000, 10 ** 6, 10 ** 9):
        expected = max(get_limit("min_load_bytes"), get_limit("max_expansion") * file_bytes)
        assert LoadBudget(None, file_bytes).allowed == expected
    with override_limits(max_expansion=3, min_load_bytes=10):
        assert LoadBudget(None, 2).allowed == 10
        assert LoadBudget(None, 100).allowed == 300
