"""Issue 10 ("Also"): the first compile of the fast loops on a machine says so on stderr, in one
line, when compiling (not loading from numba's disk cache) starts; nothing is said when the
loops load from the cache or are switched off (SHENJING_COMPILED=0)."""

import os
import subprocess
import sys
import types

import pytest

from shenjing.backend import kernels

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LINE = "shenjing: compiling the fast loops once"

# A child that imports the loops and uses one (compiling only that one keeps it short).
CHILD = """
import sys
import numpy as np
from shenjing.backend import kernels
if kernels._state["enabled"]:
    loops = kernels._import_loops()
    x = np.zeros(4, np.float32)
    loops.relu(x, x.copy())
else:
    kernels.relu(np.zeros(4, np.float32))
print("numba imported" if "numba" in sys.modules else "numba not imported")
"""


def _child(cache_dir, compiled="1"):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache_dir), SHENJING_COMPILED=compiled,
               PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout, done.stderr


def test_compiling_says_one_line_and_a_cache_load_says_nothing(tmp_path):
    pytest.importorskip("numba")
    out, err = _child(tmp_path)
    assert err.count(LINE) == 1, err
    assert f"cached in {tmp_path}" in err
    out, err = _child(tmp_path)  # the same cache: loaded, not compiled
    assert LINE not in err and "numba imported" in out, err


def test_switched_off_says_nothing_and_does_not_import_numba(tmp_path):
    out, err = _child(tmp_path, compiled="0")
    assert LINE not in err and out.strip() == "numba not imported", (out, err)


def _event(module, start=True):
    dispatcher = types.SimpleNamespace(py_func=types.SimpleNamespace(__module__=module))
    return types.SimpleNamespace(is_start=start, data={"dispatcher": dispatcher})


def test_the_decision_only_our_loops_only_the_start_only_once(monkeypatch):
    ours = "shenjing.backend.kernels.numba_kernels"
    monkeypatch.setitem(kernels._state, "announced", False)
    assert kernels.announces(_event(ours), ours)
    assert not kernels.announces(_event(ours, start=False), ours)
    assert not kernels.announces(_event("users_own_numba_code"), ours)
    assert not kernels.announces(types.SimpleNamespace(is_start=True, data=None), ours)
    monkeypatch.setitem(kernels._state, "announced", True)
    assert not kernels.announces(_event(ours), ours)


def test_the_message_names_the_cache_folder_or_says_there_is_none():
    assert kernels.compile_message("/home/u/.cache/numba").startswith(
        "shenjing: compiling the fast loops once (cached in /home/u/.cache/numba)")
    assert "not cached" in kernels.compile_message(None)
    assert "SHENJING_COMPILED=0" in kernels.compile_message(None)
