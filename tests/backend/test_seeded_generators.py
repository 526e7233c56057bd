"""backend.seeded(seed): a thread's own generators for a block; the process-wide ones are
neither read nor changed, other threads are unaffected, and blocks nest."""

import random
import threading

import numpy as np

from shenjing import backend, layers
from shenjing.random import SeedGenerator, set_random_seed


def test_inside_the_draws_are_set_random_seed_s_and_outside_untouched():
    set_random_seed(3)
    expected = backend.rng().random(4), random.Random(3).randint(1, int(1e9))
    backend.set_seed(99)
    outer, python_state = backend.rng(), random.getstate()
    with backend.seeded(3):
        got = backend.rng().random(4), backend.python_random().randint(1, int(1e9))
        assert backend.rng() is not outer
    np.testing.assert_array_equal(got[0], expected[0])
    assert got[1] == expected[1]
    assert backend.rng() is outer and random.getstate() == python_state


def test_nested_blocks_restore_the_outer_block():
    with backend.seeded(1):
        first = backend.rng()
        with backend.seeded(2):
            assert backend.rng() is not first
        assert backend.rng() is first
    assert backend.python_random() is random


def test_threads_seeded_alike_build_the_same_layers_whatever_runs_beside_them():
    results = {}

    def work(name, seed):
        with backend.seeded(seed):
            for _ in range(20):   # interleave with the other threads' draws
                backend.rng().random(1000)
            layer = layers.Dense(3)
            layer.build((None, 4))
            results[name] = (layer.kernel.numpy().copy(), SeedGenerator().next().numpy().tolist())

    threads = [threading.Thread(target=work, args=(name, seed)) for name, seed in (("a", 5), ("b", 5), ("c", 6))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    np.testing.assert_array_equal(results["a"][0], results["b"][0])
    assert results["a"][1] == results["b"][1]
    assert not np.array_equal(results["a"][0], results["c"][0])


def test_set_random_seed_inside_reseeds_the_thread_s_own_generators():
    # A model function that calls keras.utils.set_random_seed(s) inside a wrapper's seeded fit.
    backend.set_seed(123)
    outer = backend.rng()
    with backend.seeded(0):
        set_random_seed(42)
        a = backend.rng().random(3), backend.python_random().random()
        set_random_seed(42)
        b = backend.rng().random(3), backend.python_random().random()
        set_random_seed(7)
        c = backend.rng().random(3)
    np.testing.assert_array_equal(a[0], b[0])
    assert a[1] == b[1] and not np.array_equal(a[0], c)
    assert backend.rng() is outer


def test_a_process_forked_inside_forgets_the_thread_s_generators():
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        import pytest

        pytest.skip("no fork on this platform")
    context = multiprocessing.get_context("fork")
    with backend.seeded(0):
        with context.Pool(1) as pool:
            child = pool.apply(_uses_thread_generators)
    assert child is False


def _uses_thread_generators():
    return backend._THREAD.rng is not None or backend._THREAD.python_random is not None
