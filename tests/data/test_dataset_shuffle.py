"""shenjing.data shuffle: TF's buffer algorithm, seeds, reshuffling per pass."""

import numpy as np
import pytest

import shenjing
from shenjing.data import Dataset


def order(ds):
    return [int(v) for v in ds]


def test_every_element_exactly_once_per_pass():
    ds = Dataset.range(100).shuffle(16)
    for _ in range(3):
        got = order(ds)
        assert sorted(got) == list(range(100)) and got != list(range(100))


def test_same_seed_same_orders_reshuffled_each_pass():
    a = Dataset.range(50).shuffle(50, seed=7)
    b = Dataset.range(50).shuffle(50, seed=7)
    first_a, second_a = order(a), order(a)
    assert first_a != second_a  # a new order on each pass
    assert [first_a, second_a] == [order(b), order(b)]  # the same sequence of orders
    assert order(Dataset.range(50).shuffle(50, seed=8)) != first_a


def test_no_reshuffle_repeats_the_order():
    ds = Dataset.range(30).shuffle(30, reshuffle_each_iteration=False)
    assert order(ds) == order(ds) == order(ds)
    seeded = Dataset.range(30).shuffle(30, seed=3, reshuffle_each_iteration=False)
    assert order(seeded) == order(seeded)


def test_repeat_after_shuffle_reshuffles_each_epoch():
    epochs = np.array(order(Dataset.range(10).shuffle(10, seed=1).repeat(3))).reshape(3, 10)
    assert all(sorted(e) == list(range(10)) for e in epochs)
    assert len({tuple(e) for e in epochs}) == 3
    fixed = Dataset.range(10).shuffle(10, seed=1, reshuffle_each_iteration=False).repeat(3)
    assert len({tuple(e) for e in np.array(order(fixed)).reshape(3, 10)}) == 1


def test_global_seed_reproduces_unseeded_shuffles():
    shenjing.random.set_seed(123)
    ds = Dataset.range(40).shuffle(40)
    first = [order(ds), order(ds)]
    shenjing.random.set_seed(123)
    assert [order(ds), order(ds)] == first
    shenjing.random.set_seed(123)
    fixed = order(Dataset.range(40).shuffle(40, reshuffle_each_iteration=False))
    shenjing.random.set_seed(123)
    assert order(Dataset.range(40).shuffle(40, reshuffle_each_iteration=False)) == fixed


def test_buffer_bounds_how_far_an_element_moves_ahead():
    # An element enters the buffer only after (index - buffer_size + 1) outputs: it cannot come
    # out earlier than that. buffer_size=1 keeps the order.
    assert order(Dataset.range(20).shuffle(1, seed=0)) == list(range(20))
    for seed in range(20):
        got = order(Dataset.range(50).shuffle(4, seed=seed))
        assert all(value <= position + 3 for position, value in enumerate(got))


def test_full_buffer_shuffle_is_close_to_uniform():
    n, runs = 5, 4000
    counts = np.zeros((n, n))
    ds = Dataset.range(n).shuffle(n, seed=11)
    for _ in range(runs):
        for position, value in enumerate(order(ds)):
            counts[position, value] += 1
    expected = runs / n
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < 60  # 16 degrees of freedom: p < 1e-6 above this


def test_nested_elements_stay_together():
    x, y = np.arange(10), np.arange(10) * 10
    got = list(Dataset.from_tensor_slices({"x": x, "y": y}).shuffle(10, seed=2))
    assert all(e["y"] == e["x"] * 10 for e in got)


def test_shuffle_argument_errors():
    with pytest.raises(ValueError, match="buffer_size"):
        Dataset.range(3).shuffle(0)
    with pytest.raises(TypeError, match="buffer_size"):
        Dataset.range(3).shuffle(2.5)
    with pytest.raises(ValueError, match="seed"):
        Dataset.range(3).shuffle(3, seed=-4)
    with pytest.raises(TypeError, match="reshuffle_each_iteration"):
        Dataset.range(3).shuffle(3, reshuffle_each_iteration="no")
