"""tf.strings on NumPy string arrays and tf.nest, as the Keras text examples call them."""
import numpy as np

import shenjing as tf


def test_strings_keep_kind_and_shape():
    a = np.array([["Hello <br />World!", "ÉCOLE"]])
    low = tf.strings.lower(a)
    assert low.dtype.kind == "U" and low.shape == (1, 2)
    assert low.tolist() == [["hello <br />world!", "École"]]  # ASCII only, as TF without encoding
    assert tf.strings.lower("ÉA", encoding="utf-8") == "éa"
    assert tf.strings.upper(b"ab") == b"AB"
    out = tf.strings.regex_replace(low, "<br />", " ")
    assert tf.strings.regex_replace(out, r"[!]", "").tolist() == [["hello  world", "École"]]
    assert tf.strings.regex_replace("aaa", "a", "b", replace_global=False) == "baa"
    assert tf.strings.regex_replace(np.array([b"x1"], dtype=object), r"(\d)", r"<\1>")[0] == b"x<1>"
    assert tf.strings.strip(" a ") == "a"
    np.testing.assert_array_equal(tf.strings.length(np.array(["né", "a"])), [3, 1])
    assert tf.strings.length("né", unit="UTF8_CHAR") == 2
    assert tf.strings.join([np.array(["a", "b"]), np.array(["c", "d"])], "-").tolist() == ["a-c", "b-d"]


def test_nest():
    assert tf.nest.flatten(([1, 2], 3)) == [1, 2, 3]
    assert tf.nest.map_structure(lambda v: v * 2, (1, [2])) == (2, [4])
    assert tf.nest.pack_sequence_as((0, [0]), [5, 6]) == (5, [6])
    assert tf.nest.is_nested([1]) and not tf.nest.is_nested(1)
