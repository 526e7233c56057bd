"""``model.summary()`` against Keras 3 (JAX): the same rows and totals before compile, after
compile and after fit (box widths aside; byte sizes aside after fit, where Keras on JAX keeps
the optimizer's ``iterations`` as int32 and shenjing as int64, as Keras on TensorFlow)."""

import re

import numpy as np
import pytest

import shenjing as sj

keras = pytest.importorskip("keras")


def _text(model, sizes=True):
    lines = []
    model.summary(print_fn=lines.append)
    text = re.sub(r"[━─┏┓┃┡┩┗┛└┘┌┐│├┤┼┬┴┳┻╇ \t]", "", "\n".join(lines))
    if not sizes:
        text = re.sub(r"\([0-9.]+ ?[KMG]?B\)", "", text)
    return [line for line in text.splitlines() if line]


def _steps(K):
    lay = K.layers
    model = K.Sequential([K.Input((4,)), lay.Dense(2, name="d1"), lay.Dense(1, name="d2")], name="s")
    yield _text(model)
    model.compile("adam", "mse")
    yield _text(model)
    model.fit(np.ones((4, 4), np.float32), np.ones((4, 1), np.float32), epochs=1, verbose=0)
    yield _text(model, sizes=False)
    inputs = K.Input((4,))
    inner = K.Model(inputs, lay.Dense(3, name="d3")(inputs), name="inner")
    yield _text(K.Sequential([inner, lay.Dense(1, name="d4")], name="outer"))
    yield _text(K.Sequential([lay.Dense(2, name="d5")], name="unbuilt"))


def test_summary_lines_match_keras():
    for ours, theirs in zip(_steps(sj.keras), _steps(keras)):
        assert ours == theirs
