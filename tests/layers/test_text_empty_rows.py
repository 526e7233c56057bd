"""TextVectorization's bag-of-tokens modes on strings that give no token (empty, punctuation
only) and on an empty batch: rows of zeros, not a reshape error."""

import numpy as np
import pytest

from shenjing.layers import TextVectorization


@pytest.mark.parametrize("mode", ["multi_hot", "count", "tf_idf"])
def test_no_tokens_gives_zero_rows(mode):
    extra = {"idf_weights": [1.5]} if mode == "tf_idf" else {}
    layer = TextVectorization(vocabulary=["a"], output_mode=mode, **extra)
    np.testing.assert_array_equal(layer(np.array(["", "!!"])).numpy(), np.zeros((2, 2)))
    assert layer(np.array([], dtype=str)).numpy().shape == (0, 2)
    row = layer(np.array(["", "a"])).numpy()[1]
    assert row[1] == (1.5 if mode == "tf_idf" else 1.0) and row[0] == 0
