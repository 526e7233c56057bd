"""Saving tests: fresh layer names and a seeded generator for every test."""

import pytest

import shenjing
from shenjing.layers import reset_name_counters


@pytest.fixture(autouse=True)
def _fresh_names_and_seed():
    reset_name_counters()
    shenjing.set_random_seed(1234)
    yield
    reset_name_counters()
