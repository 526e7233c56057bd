"""shenjing.data transformations: map, filter, batch, unbatch, repeat, take, skip, enumerate,
cache, reduce. Expected values follow TensorFlow's documented examples."""

import threading

import numpy as np
import pytest

import shenjing
from shenjing.data import AUTOTUNE, Dataset


def as_list(ds):
    return list(ds.as_numpy_iterator())


def test_map_tf_examples_and_unpacking():
    assert as_list(Dataset.range(1, 6).map(lambda x: x + 1)) == [2, 3, 4, 5, 6]
    pairs = Dataset.from_tensor_slices(([1, 2], [3, 4]))
    assert as_list(pairs.map(lambda x, y: x * 10 + y)) == [13, 24]
    dicts = Dataset.from_tensor_slices({"a": [1, 2], "b": [3, 4]})
    assert as_list(dicts.map(lambda d: d["a"] + d["b"])) == [4, 6]
    nested = Dataset.from_tensor_slices((([1, 2], [3, 4]), [5, 6]))
    assert as_list(nested.map(lambda xy, z: xy[0] + xy[1] + z)) == [9, 12]


def test_map_results_become_numpy_elements():
    ds = Dataset.range(3)
    lists = as_list(ds.map(lambda x: [x, x * 2]))
    assert lists[1] == (1, 2) and isinstance(lists[1], tuple)
    tensors = as_list(ds.map(lambda x: shenjing.tensor(np.float32(x)) * 2.0))
    assert all(isinstance(t, np.ndarray) for t in tensors) and tensors[2] == 4.0

    class HasNumpy:
        def __init__(self, value):
            self.value = value

        def numpy(self):
            return np.array(self.value)

    assert as_list(ds.map(lambda x: {"v": HasNumpy(x)}))[2] == {"v": 2}
    assert as_list(ds.map(lambda x: 1.0))[0].dtype == np.float32
    with pytest.raises(TypeError, match="map function"):
        list(ds.map(lambda x: None))


def test_map_exception_propagates_serial_and_parallel():
    def boom(x):
        if x == 3:
            raise ZeroDivisionError(f"bad element {x}")
        return x

    for calls in (None, 2):
        it = iter(Dataset.range(6).map(boom, num_parallel_calls=calls))
        assert [next(it) for _ in range(3)] == [0, 1, 2]
        with pytest.raises(ZeroDivisionError, match="bad element 3"):
            next(it)


def test_parallel_map_keeps_order_and_runs_concurrently():
    rng = np.random.default_rng(0)
    delays = rng.uniform(0, 0.004, size=40)
    seen_threads = set()

    def slow(x):
        seen_threads.add(threading.get_ident())
        threading.Event().wait(delays[int(x)])
        return x * x

    for calls in (4, AUTOTUNE):
        out = as_list(Dataset.range(40).map(slow, num_parallel_calls=calls, deterministic=False))
        assert out == [i * i for i in range(40)]
    assert len(seen_threads) > 1


def test_parallel_map_early_stop_leaves_no_threads():
    baseline = threading.active_count()
    for _ in Dataset.range(1000).map(lambda x: x, num_parallel_calls=4):
        break
    assert threading.active_count() == baseline


def test_map_argument_errors():
    ds = Dataset.range(3)
    with pytest.raises(TypeError, match="map_func"):
        ds.map(3)
    with pytest.raises(ValueError, match="num_parallel_calls"):
        ds.map(lambda x: x, num_parallel_calls=0)
    with pytest.raises(TypeError, match="deterministic"):
        ds.map(lambda x: x, deterministic="yes")


def test_filter():
    assert as_list(Dataset.from_tensor_slices([1, 2, 3]).filter(lambda x: x < 3)) == [1, 2]
    pairs = Dataset.from_tensor_slices(([1, 2, 3], [3, 2, 1]))
    assert as_list(pairs.filter(lambda a, b: a > b)) == [(3, 1)]
    assert as_list(Dataset.range(6).filter(lambda x: shenjing.tensor(x % 2 == 0))) == [0, 2, 4]
    with pytest.raises(TypeError, match="scalar boolean"):
        list(Dataset.range(3).filter(lambda x: x))
    with pytest.raises(TypeError, match="scalar boolean"):
        list(Dataset.from_tensor_slices(np.ones((2, 3), bool)).filter(lambda x: x))
    with pytest.raises(TypeError, match="predicate"):
        Dataset.range(3).filter("x > 1")


def test_batch_tf_examples():
    batches = as_list(Dataset.range(8).batch(3))
    assert [b.tolist() for b in batches] == [[0, 1, 2], [3, 4, 5], [6, 7]]
    dropped = as_list(Dataset.range(8).batch(3, drop_remainder=True))
    assert [b.tolist() for b in dropped] == [[0, 1, 2], [3, 4, 5]]
    assert [b.tolist() for b in as_list(Dataset.range(10).batch(3))][-1] == [9]
    par = as_list(Dataset.range(100).batch(7, num_parallel_calls=3, deterministic=True))
    assert np.concatenate(par).tolist() == list(range(100))


def test_batch_nested_elements():
    x, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    ds = Dataset.from_tensor_slices(({"img": x, "id": y}, y * 2)).batch(4)
    first = next(iter(ds))
    assert first[0]["img"].shape == (4, 2) and first[0]["id"].tolist() == [0, 1, 2, 3]
    assert first[1].tolist() == [0, 2, 4, 6]
    last = as_list(ds)[-1]
    assert last[0]["img"].shape == (2, 2)


def test_batch_errors():
    with pytest.raises(ValueError, match="batch_size"):
        Dataset.range(3).batch(0)
    with pytest.raises(TypeError, match="batch_size"):
        Dataset.range(3).batch(2.0)
    with pytest.raises(TypeError, match="drop_remainder"):
        Dataset.range(3).batch(2, drop_remainder="yes")

    def ragged():
        yield np.zeros(3)
        yield np.zeros(2)

    with pytest.raises(ValueError, match=r"different shapes in component 0.*\(3,\).*\(2,\)"):
        list(Dataset.from_generator(ragged).batch(2))

    def mixed():
        yield np.int64(1)
        yield np.float64(1.0)

    with pytest.raises(ValueError, match="different dtypes"):
        list(Dataset.from_generator(mixed).batch(2))


def test_unbatch_inverts_batch():
    elements = [b.tolist() for b in as_list(Dataset.range(8).batch(3).unbatch())]
    assert elements == list(range(8))
    x = np.arange(12).reshape(6, 2)
    ds = Dataset.from_tensor_slices((x, np.arange(6))).batch(4).unbatch()
    got = as_list(ds)
    assert len(got) == 6 and got[5][0].tolist() == [10, 11] and got[5][1] == 5
    with pytest.raises(ValueError, match="leading"):
        list(Dataset.range(3).unbatch())
    bad = Dataset.from_tensors((np.zeros((2, 1)), np.zeros(3)))
    with pytest.raises(ValueError, match="leading"):
        list(bad.unbatch())


def test_repeat_take_skip():
    assert as_list(Dataset.from_tensor_slices([1, 2, 3]).repeat(3)) == [1, 2, 3] * 3
    assert as_list(Dataset.range(3).repeat().take(7)) == [0, 1, 2, 0, 1, 2, 0]
    assert as_list(Dataset.range(3).repeat(0)) == []
    assert as_list(Dataset.range(0).repeat()) == []  # an empty dataset repeated stays empty
    assert as_list(Dataset.range(10).take(3)) == [0, 1, 2]
    assert as_list(Dataset.range(3).take(-1)) == [0, 1, 2]
    assert as_list(Dataset.range(3).take(10)) == [0, 1, 2]
    assert as_list(Dataset.range(10).skip(7)) == [7, 8, 9]
    assert as_list(Dataset.range(3).skip(-1)) == []
    for method in ("take", "skip", "repeat"):
        with pytest.raises(ValueError, match="count"):
            getattr(Dataset.range(3), method)(-2)
        with pytest.raises(TypeError, match="count"):
            getattr(Dataset.range(3), method)(1.5)
    with pytest.raises(ValueError, match="infinite"):
        list(Dataset.range(3).repeat().skip(-1))


def test_take_reads_no_further_than_it_needs():
    pulled = []

    def gen():
        for i in range(100):
            pulled.append(i)
            yield i

    assert as_list(Dataset.from_generator(gen).take(3)) == [0, 1, 2]
    assert pulled == [0, 1, 2]
    pulled.clear()
    assert as_list(Dataset.from_generator(gen).take(0)) == [] and pulled == []


def test_enumerate_tf_example():
    ds = Dataset.from_tensor_slices([1, 2, 3]).enumerate(start=5)
    assert as_list(ds) == [(5, 1), (6, 2), (7, 3)]
    assert next(iter(ds))[0].dtype == np.int64
    pairs = Dataset.from_tensor_slices([(7, 8), (9, 10)]).enumerate()
    got = as_list(pairs)
    assert got[1][0] == 1 and got[1][1].tolist() == [9, 10]


def test_reduce_tf_examples():
    assert Dataset.range(5).reduce(np.int64(0), lambda x, _: x + np.int64(1)) == 5
    assert Dataset.range(5).reduce(np.int64(0), lambda x, y: x + y) == 10
    pairs = Dataset.from_tensor_slices(([1, 2, 3], [4, 5, 6]))
    total = pairs.reduce((0, 0), lambda state, e: (state[0] + e[0], state[1] + e[1]))
    assert total == (6, 15)
    with pytest.raises(TypeError, match="structure of `initial_state`"):
        Dataset.range(3).reduce((0, 0), lambda s, e: e)
    with pytest.raises(ValueError, match="infinite"):
        Dataset.range(3).repeat().reduce(0, lambda s, e: s)


def test_cache_reads_the_input_once():
    calls = []

    def record(x):
        calls.append(int(x))
        return x

    ds = Dataset.range(5).map(record).cache()
    assert as_list(ds) == [0, 1, 2, 3, 4]
    assert as_list(ds) == [0, 1, 2, 3, 4]
    assert calls == [0, 1, 2, 3, 4]


def test_cache_discards_a_partial_pass_and_keeps_the_shuffled_order():
    calls = []
    ds = Dataset.range(4).map(lambda x: calls.append(int(x)) or x).cache()
    assert as_list(ds.take(2)) == [0, 1]
    assert as_list(ds) == [0, 1, 2, 3]
    assert as_list(ds) == [0, 1, 2, 3]
    assert calls == [0, 1, 0, 1, 2, 3]
    shuffled = Dataset.range(20).shuffle(20).cache()
    assert as_list(shuffled) == as_list(shuffled)


def test_cache_filename_is_refused():
    with pytest.raises(ValueError, match="in memory only"):
        Dataset.range(3).cache("/tmp/cache")
    with pytest.raises(TypeError, match="filename"):
        Dataset.range(3).cache(None)


def test_datasets_are_reiterable_and_lazy():
    calls = []
    ds = Dataset.range(3).map(lambda x: calls.append(1) or x)
    assert calls == []
    assert as_list(ds) == as_list(ds) == [0, 1, 2]
    it1, it2 = iter(ds), iter(ds)
    assert next(it1) == 0 and next(it2) == 0 and next(it1) == 1


def test_batch_pairs_dict_leaves_by_key_not_by_insertion_order():
    def gen():
        yield {"a": np.int64(1), "b": np.float64(10.0)}
        yield {"b": np.float64(20.0), "a": np.int64(2)}

    (batch,) = list(Dataset.from_generator(gen).batch(2))
    assert batch["a"].tolist() == [1, 2] and batch["b"].tolist() == [10.0, 20.0]


def test_batch_of_slices_equals_the_general_path_and_is_a_fresh_array():
    x = np.arange(30.0).reshape(10, 3)
    fast = as_list(Dataset.from_tensor_slices({"x": x, "y": np.arange(10)}).batch(4))
    slow = as_list(Dataset.from_tensor_slices({"x": x, "y": np.arange(10)}).map(
        lambda d: d).batch(4))
    assert len(fast) == len(slow) == 3
    for a, b in zip(fast, slow):
        np.testing.assert_array_equal(a["x"], b["x"])
        np.testing.assert_array_equal(a["y"], b["y"])
    fast[0]["x"][:] = -1  # a batch is the caller's own array
    assert x.min() == 0.0
    dropped = as_list(Dataset.from_tensor_slices(x).batch(4, drop_remainder=True))
    assert [b.shape for b in dropped] == [(4, 3), (4, 3)]


def test_named_tuples_are_kept_and_not_unpacked():
    import collections

    Pair = collections.namedtuple("Pair", "features label")
    ds = Dataset.from_tensor_slices(Pair(np.arange(4.0), np.arange(4)))
    first = next(iter(ds))
    assert isinstance(first, Pair) and first.label == 0
    batch = next(iter(ds.map(lambda p: p).batch(2)))
    assert isinstance(batch, Pair) and batch.features.tolist() == [0.0, 1.0]
    assert as_list(ds.map(lambda p: p.features + p.label))[3] == 6.0


def test_batch_refuses_elements_of_different_structures():
    def gen():
        yield (np.int64(1), np.int64(2))
        yield {"a": np.int64(1)}

    with pytest.raises(ValueError, match="different structures"):
        list(Dataset.from_generator(gen).batch(2))


def test_map_changing_an_element_in_place_says_how_to_write_it():
    import numpy as np
    import pytest

    from shenjing.data import Dataset

    def scale(x):
        x /= 255.0
        return x

    ds = Dataset.from_tensor_slices(np.ones((4, 2), "float32")).map(scale)
    with pytest.raises(ValueError, match=r"`x = x / 255.0` instead of `x /= 255.0`"):
        list(ds)
    assert [e.tolist() for e in Dataset.from_tensor_slices(np.ones((2, 2), "float32")).map(lambda x: x / 2)] \
        == [[0.5, 0.5], [0.5, 0.5]]
