"""Floor 1: floatx, seeding and the allocator setting."""

import subprocess
import sys

import numpy as np
import pytest

from shenjing import backend


def test_floatx_is_float32_and_rejects_unknown_values():
    assert backend.floatx() == "float32"
    with pytest.raises(ValueError, match="float16"):
        backend.set_floatx("int8")


def test_same_seed_same_numbers():
    backend.set_seed(3)
    a = backend.rng().random(4)
    backend.set_seed(3)
    np.testing.assert_array_equal(a, backend.rng().random(4))


def _tuned(env):
    code = "from shenjing import backend; print(backend.tune_allocator())"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_allocator_tuning_can_be_turned_off_and_yields_to_glibc_variables():
    import os

    base = {k: v for k, v in os.environ.items() if not k.startswith(("MALLOC_", "SHENJING_MALLOC"))}
    assert _tuned({**base, "SHENJING_MALLOC_TUNING": "0"}) == "False"
    assert _tuned({**base, "MALLOC_TRIM_THRESHOLD_": "1000000"}) == "False"
    assert _tuned(base) in ("True", "False")  # False only on a libc without mallopt


def test_array_module_switch_and_lookup():
    assert backend.xp is np and backend.get_array_module(np.ones(2)) is np
    with pytest.raises(TypeError, match=r"Expected an array module.*module=42"):
        backend.set_array_module(42)
    assert backend.xp is np

    class Fake:  # an array module in all but name: its own array type, NumPy's asarray
        class ndarray(np.ndarray):
            pass
        asarray = staticmethod(np.asarray)

    previous = backend.set_array_module(Fake)
    try:
        assert previous is np and backend.xp is Fake
        mine = np.ones(2).view(Fake.ndarray)
        assert backend.get_array_module(np.ones(2), mine) is Fake
        assert backend.get_array_module(np.ones(2)) is np  # host arrays follow NumPy
    finally:
        backend.set_array_module(previous)
    assert backend.xp is np
