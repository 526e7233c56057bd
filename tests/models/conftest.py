import pytest

import shenjing


@pytest.fixture(autouse=True)
def fresh_names_and_seed():
    shenjing.layers.reset_name_counters()
    shenjing.set_random_seed(0)
    yield
