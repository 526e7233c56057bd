"""TextVectorization(ngrams=n) costs O(tokens) per string, not O(n): a loaded config with a
huge ``ngrams`` must neither build n widths nor loop over them."""

import numpy as np

from shenjing.layers import TextVectorization


def test_huge_ngrams_is_bounded_by_the_tokens():
    docs = np.array(["a b c d", "b c"])
    small = TextVectorization(ngrams=4, output_mode="count")
    small.adapt(docs)
    huge = TextVectorization.from_config({**small.get_config(), "ngrams": 10**12})
    huge.set_vocabulary(small.get_vocabulary()[1:])
    np.testing.assert_array_equal(huge(docs).numpy(), small(docs).numpy())
    for split in ("whitespace", None):
        layer = TextVectorization(ngrams=10**12, split=split, vocabulary=["a", "a b"])
        np.testing.assert_array_equal(layer(np.array([["a b"]] if split is None else ["a b"])).numpy(),
                                      [[2, 1, 3]] if split else [[3]])
