"""Engine state is per thread: one thread trains while two others predict with another
model, and each gets what it would get alone; no_grad in one thread leaves the others'
grad mode alone."""

import threading

import numpy as np

import shenjing
from shenjing import layers, models
from shenjing.autograd import is_grad_enabled, no_grad


def data(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(96, 6)).astype("float32")
    y = (x[:, :2].sum(axis=1, keepdims=True) - x[:, 2:3]).astype("float32")
    return x, y


def trained():
    """Trained with dropout active (training=True) and shuffling: both draw from the seeded
    generator, so the result depends on every draw and every training flag."""
    shenjing.set_random_seed(11)
    model = models.Sequential([layers.Input((6,)), layers.Dense(16, activation="relu"),
                               layers.Dropout(0.3), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    x, y = data()
    model.fit(x, y, epochs=4, batch_size=16, shuffle=True, verbose=0)
    return model


def predictor():
    """Dropout and BatchNormalization: a leaked training flag would change every output."""
    shenjing.set_random_seed(5)
    model = models.Sequential([layers.Input((6,)), layers.Dense(8),
                               layers.BatchNormalization(), layers.Dropout(0.5), layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = data(1)
    model.fit(x, np.concatenate([y, -y], axis=1), epochs=1, batch_size=32, verbose=0)
    return model


def test_one_thread_trains_while_two_others_predict():
    reference_weights = trained().get_weights()
    server = predictor()
    queries = [np.random.default_rng(seed).normal(size=(64, 6)).astype("float32")
               for seed in (2, 3)]
    expected = [server.predict(q, batch_size=8, verbose=0) for q in queries]

    start = threading.Barrier(3)
    results, errors = {}, []

    def train():
        try:
            start.wait()
            results["weights"] = trained().get_weights()
        except BaseException as error:  # reported below, with its thread
            errors.append(("train", error))

    def serve(i):
        try:
            start.wait()
            results[i] = [server.predict(queries[i], batch_size=8, verbose=0) for _ in range(15)]
        except BaseException as error:
            errors.append((f"predict {i}", error))

    threads = [threading.Thread(target=train)] + [
        threading.Thread(target=serve, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)
    for a, b in zip(results["weights"], reference_weights):
        np.testing.assert_array_equal(a, b)
    for i in range(2):
        for prediction in results[i]:
            np.testing.assert_array_equal(prediction, expected[i])


def test_no_grad_in_one_thread_leaves_another_threads_grad_mode():
    entered, checked = threading.Event(), threading.Event()
    seen = {}

    def quiet():
        with no_grad():
            entered.set()
            checked.wait(timeout=30)
            seen["inside"] = is_grad_enabled()

    thread = threading.Thread(target=quiet)
    thread.start()
    assert entered.wait(timeout=30)
    try:
        assert is_grad_enabled()
        w = shenjing.Variable(np.array([1.0, 2.0], np.float32), name="w")
        loss = (w * w).sum()
        loss.backward()
        np.testing.assert_array_equal(w.grad.numpy() if hasattr(w.grad, "numpy") else w.grad,
                                      [2.0, 4.0])
    finally:
        checked.set()
        thread.join(timeout=30)
    assert seen["inside"] is False
    assert is_grad_enabled()
