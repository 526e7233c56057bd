"""Every function that ``shenjing.ops`` (``keras.ops``) exports has a gradient check, or is listed
as having no gradient by design.

Each gradient-check module (``tests/**/test_*gradients.py``) defines ``COVERED`` (the op names
its cases check) and may define ``NO_GRADIENT`` (integer-valued or piecewise-constant ops, with
their values tested elsewhere); this test takes the union of all of them.
"""

import importlib.util
import sys
from pathlib import Path

from shenjing import ops

TESTS = Path(__file__).resolve().parents[1]


def _sets():
    covered, no_gradient = set(), set()
    if str(TESTS) not in sys.path:  # the harness modules import tests/op_harness.py
        sys.path.insert(0, str(TESTS))
    for path in sorted(TESTS.rglob("test_*gradients.py")):
        spec = importlib.util.spec_from_file_location(f"_coverage_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        covered |= set(getattr(module, "COVERED", ()))
        no_gradient |= set(getattr(module, "NO_GRADIENT", ()))
    return covered, no_gradient


def test_every_exported_op_is_covered():
    exported = {name for name in dir(ops) if not name.startswith("_")
                and callable(getattr(ops, name)) and not isinstance(getattr(ops, name), type)}
    exported -= {"keras_op"}
    covered, no_gradient = _sets()
    missing = exported - covered - no_gradient
    assert not missing, f"ops exported by shenjing.ops with no gradcheck case: {sorted(missing)}"
