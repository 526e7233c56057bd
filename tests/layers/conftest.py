"""Every layer test starts with fresh layer names and a seeded generator."""

import pytest

import shenjing
from shenjing.layers import reset_name_counters


@pytest.fixture(autouse=True)
def _fresh_names_and_seed():
    reset_name_counters()
    shenjing.set_random_seed(1234)
    yield
    reset_name_counters()
