"""Review regression: categorical sampling is one searchsorted, not a (batch, samples, classes)
comparison, and draws the same classes as the definition #{k: cdf[k] <= u}."""

import numpy as np

from shenjing.random import sampling


def test_categorical_matches_the_cdf_definition_and_skips_impossible_classes():
    rng = np.random.default_rng(3)
    logits = np.log(rng.dirichlet(np.ones(6), size=4))
    logits[1, 2] = -np.inf
    got = sampling.categorical(np.random.default_rng(7), logits, 40, "int32").numpy()
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    cdf = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    u = np.random.default_rng(7).random((4, 40))
    expected = np.minimum((cdf[:, None, :] <= u[:, :, None]).sum(axis=-1), 5)
    np.testing.assert_array_equal(got, expected)
    assert got.dtype == np.int32 and not (got[1] == 2).any()


def test_categorical_many_samples_of_many_classes_in_little_memory():
    # 2 x 200000 x 5000 booleans would be 2 GB; the frequencies follow the probabilities.
    logits = np.zeros((2, 5000))
    logits[:, :2] = np.log(1000.0)
    out = sampling.categorical(np.random.default_rng(0), logits, 200000, "int64").numpy()
    share = (out < 2).mean()
    np.testing.assert_allclose(share, 2000 / (2000 + 4998), atol=0.01)
    assert out.min() >= 0 and out.max() <= 4999
