"""Differential tests against real Keras 3 (the ``keras`` extra, JAX backend).

Skipped where Keras is not installed. The backend is chosen before Keras is first imported;
JAX computes gradients for the comparisons. ``keras_module`` is the imported ``keras``.
"""

import os

import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

keras = pytest.importorskip("keras")


@pytest.fixture(scope="session")
def keras_module():
    return keras


# -- the sample CI runs ------------------------------------------------------------------
# Each comparison is cheap to write and slow to run (JAX compiles every new shape), so by
# default every parametrized test runs an evenly spaced quarter of its configurations (at
# least one); SHENJING_KERAS_DIFF=full runs them all (the counts in the notes are from full
# runs). The sample is deterministic: the same items every run.
FRACTION = 4


def pytest_collection_modifyitems(config, items):
    if os.environ.get("SHENJING_KERAS_DIFF") == "full":
        return
    groups = {}
    for item in items:
        if "keras_diff" in str(item.fspath) and getattr(item, "callspec", None) is not None:
            groups.setdefault((str(item.fspath), item.originalname), []).append(item)
    deselected = []
    for group in groups.values():
        keep = set(group[::FRACTION]) | {group[-1]}
        deselected += [item for item in group if item not in keep]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        chosen = set(map(id, deselected))
        items[:] = [item for item in items if id(item) not in chosen]
