"""Shared fixtures of the engine tests: every test starts with the engine's switches at rest."""

import numpy as np
import pytest

from shenjing.autograd import graph


@pytest.fixture(autouse=True)
def _engine_switches_at_rest():
    """Start each test with gradients on and numerics unchecked; fail a test that leaves them changed."""
    def reset():
        graph._state.grad_enabled, graph._state.check_numerics = True, False

    reset()
    yield
    leaked = {"grad_enabled": graph._state.grad_enabled, "check_numerics": graph._state.check_numerics}
    reset()
    assert leaked == {"grad_enabled": True, "check_numerics": False}, f"switches leaked: {leaked}"


@pytest.fixture
def rng():
    return np.random.default_rng(0)
