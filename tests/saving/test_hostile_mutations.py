"""Finding 9's regression: seeded random damage to a valid ``.weights.h5``, ``.keras`` and
``.safetensors`` file; every load succeeds or raises ``FormatError`` (before the fix, about
one ``.weights.h5`` mutation in six raised h5py's RuntimeError or an OverflowError). The
loads run in one child per format, under ``RLIMIT_AS`` and a timeout. Set
``SHENJING_MUTATIONS`` for a longer run (the fuzz harness of the suite goes further)."""

import os

import pytest

from hostile_child import load_in_child

COUNT = int(os.environ.get("SHENJING_MUTATIONS", "200"))


@pytest.mark.parametrize("fmt, seed", [(".weights.h5", 10), (".keras", 11), (".safetensors", 12)])
def test_every_mutation_loads_or_raises_format_error(tmp_path, fmt, seed):
    result = load_in_child("mutate", tmp_path, fmt, COUNT, seed,
                           timeout=60 + COUNT // 10)
    outcomes = result["outcomes"]
    assert result["unexpected"] == [], result
    assert set(outcomes) <= {"ok", "FormatError"}, result
    assert sum(outcomes.values()) == COUNT
    assert outcomes.get("FormatError", 0) > COUNT // 10, result   # the damage is real
    assert result["maxrss_kib"] < 400 * 1024, result
