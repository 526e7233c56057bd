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
