"""GradientTape, graph.grad and shenjing.function: TensorFlow's gradient API on our engine."""

import threading

import numpy as np
import pytest

import shenjing as tf
from shenjing.autograd import graph, numerical_gradient


def _var(array, name=None):
    return tf.Variable(np.asarray(array, dtype=np.float64), name=name)


def _loss(w, b, x):
    return ((x @ w + b).exp().sum() * 0.1 + (w * w).sum()).mean()


# -- gradients against backward and finite differences --------------------------------
def test_gradient_matches_backward_and_finite_differences(rng):
    x = tf.tensor(rng.standard_normal((4, 3)))
    w, b = _var(rng.standard_normal((3, 2)) * 0.3), _var(rng.standard_normal(2) * 0.3)
    with tf.GradientTape() as tape:
        loss = _loss(w, b, x)
    dw, db = tape.gradient(loss, [w, b])
    assert w.grad is None and b.grad is None  # the tape touches no .grad
    assert isinstance(dw, tf.Tensor) and dw.shape == w.shape
    _loss(w, b, x).backward()
    np.testing.assert_allclose(dw.numpy(), w.grad, rtol=1e-12)
    np.testing.assert_allclose(db.numpy(), b.grad, rtol=1e-12)
    with tf.no_grad():
        numeric = numerical_gradient(lambda: float(_loss(w, b, x).data), w.data)
    np.testing.assert_allclose(dw.numpy(), numeric, rtol=1e-5, atol=1e-7)


def test_grad_leaves_every_grad_untouched_and_accepts_intermediates(rng):
    w = _var(rng.standard_normal(3))
    w.grad = np.full(3, 7.0)  # a PyTorch-style loop's pending gradient
    h = w * 3.0
    y = (h * h).sum()
    dh, dw = graph.grad(y, [h, w], retain_graph=True)
    np.testing.assert_allclose(dh, 2 * h.data)
    np.testing.assert_allclose(dw, 18 * w.data)
    np.testing.assert_array_equal(w.grad, np.full(3, 7.0))
    assert h.grad is None
    y.backward()  # the graph was retained; backward adds to the pending gradient
    np.testing.assert_allclose(w.grad, 7.0 + 18 * w.data)


def test_grad_frees_the_graph_without_retain(rng):
    w = _var(rng.standard_normal(3))
    y = (w * w).sum()
    graph.grad(y, w)
    with pytest.raises(RuntimeError, match="second time"):
        graph.grad(y, w)


def test_target_structure_is_summed_and_sources_keep_their_structure(rng):
    a, b = _var(rng.standard_normal(2)), _var(rng.standard_normal((2, 2)))
    with tf.GradientTape() as tape:
        y1 = (a * a).sum()
        y2 = (b @ a).sum()
    grads = tape.gradient({"first": y1, "second": [y2]}, {"a": a, "nested": (b, [a])})
    assert set(grads) == {"a", "nested"} and isinstance(grads["nested"], tuple)
    expected_a = 2 * a.data + b.data.sum(axis=0)
    np.testing.assert_allclose(grads["a"].numpy(), expected_a)
    np.testing.assert_allclose(grads["nested"][1][0].numpy(), expected_a)
    np.testing.assert_allclose(grads["nested"][0].numpy(), np.ones((2, 1)) * a.data[None, :])


def test_single_source_and_non_scalar_target(rng):
    w = _var(rng.standard_normal(3))
    with tf.GradientTape() as tape:
        y = w * w  # not a scalar: the gradient of its sum, as TF
    np.testing.assert_allclose(tape.gradient(y, w).numpy(), 2 * w.data)


def test_output_gradients_weight_the_targets(rng):
    w = _var(rng.standard_normal(3))
    with tf.GradientTape() as tape:
        y = w * w
    g = tape.gradient(y, w, output_gradients=tf.tensor(np.array([1.0, 0.0, 2.0])))
    np.testing.assert_allclose(g.numpy(), 2 * w.data * np.array([1.0, 0.0, 2.0]))
    with tf.GradientTape() as tape:
        y = w * w
    with pytest.raises(ValueError, match="output_gradients"):
        tape.gradient([y], w, output_gradients=[None, None])


# -- persistent ------------------------------------------------------------------------
def test_persistent_allows_several_calls_and_non_persistent_raises(rng):
    w = _var(rng.standard_normal(3))
    with tf.GradientTape(persistent=True) as tape:
        y = (w * w).sum()
        z = (w * w * w).sum()
    np.testing.assert_allclose(tape.gradient(y, w).numpy(), 2 * w.data)
    np.testing.assert_allclose(tape.gradient(z, w).numpy(), 3 * w.data ** 2)
    np.testing.assert_allclose(tape.gradient(y, w).numpy(), 2 * w.data)
    with tf.GradientTape() as once:
        y = (w * w).sum()
    once.gradient(y, w)
    with pytest.raises(RuntimeError, match="A non-persistent GradientTape can only be used to "
                                           r"compute one set of gradients \(or jacobians\)"):
        once.gradient(y, w)


# -- watch -----------------------------------------------------------------------------
def test_watch_a_constant_and_restore_it_after_the_block():
    x = tf.tensor(np.array([1.0, 2.0, 3.0]))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = (x * x * x).sum()
    assert x.requires_grad is False  # watching is the tape's, not the tensor's
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), 3 * x.data ** 2)
    assert x.grad is None
    with tf.GradientTape() as unwatched:
        y = (x * x).sum()
    assert unwatched.gradient(y, x) is None


def test_watch_inputs_of_a_dense_layer(rng):
    from shenjing import layers

    dense = layers.Dense(2, activation="tanh")
    x = tf.tensor(rng.standard_normal((5, 4)).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = dense(x).sum()
    dx, dk = tape.gradient(y, [x, dense.kernel])
    kernel = dense.kernel.numpy()
    pre = x.numpy() @ kernel + dense.bias.numpy()
    np.testing.assert_allclose(dx.numpy(), (1 - np.tanh(pre) ** 2) @ kernel.T, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dk.numpy(), x.numpy().T @ (1 - np.tanh(pre) ** 2), rtol=1e-5, atol=1e-6)


def test_watch_a_structure_and_bad_input(rng):
    a, b = tf.tensor(np.ones(2)), tf.tensor(np.ones(3))
    with tf.GradientTape() as tape:
        tape.watch({"a": a, "b": [b]})
        y = (a * 2.0).sum() + (b * 3.0).sum()
        with pytest.raises(ValueError, match="not a shenjing Tensor"):
            tape.watch(np.ones(2))
        with pytest.warns(UserWarning, match="must be floating"):
            tape.watch(tf.tensor(np.array([1, 2])))
    ga, gb = tape.gradient(y, [a, b])
    np.testing.assert_allclose(ga.numpy(), [2.0, 2.0])
    np.testing.assert_allclose(gb.numpy(), [3.0, 3.0, 3.0])


def test_watch_accessed_variables_false(rng):
    w, v = _var(rng.standard_normal(2)), _var(rng.standard_normal(2))
    x = tf.tensor(np.array([1.0, -1.0]))
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(w)
        tape.watch(x)
        y = (w * v * x).sum()
    gw, gv, gx = tape.gradient(y, [w, v, x])
    np.testing.assert_allclose(gw.numpy(), v.data * x.data)
    assert gv is None
    np.testing.assert_allclose(gx.numpy(), w.data * v.data)
    assert tape.watched_variables() == (w,)


def test_watched_variables_in_order_of_access(rng):
    first, second, unused = _var(np.ones(2), "first"), _var(np.ones(2), "second"), _var(np.ones(2))
    with tf.GradientTape() as tape:
        y = (first * 2.0 + second).sum()
    assert tape.watched_variables() == (first, second)
    grads = tape.gradient(y, tape.watched_variables())
    np.testing.assert_allclose(grads[0].numpy(), [2.0, 2.0])
    assert all(v is not unused for v in tape.watched_variables())


# -- recording ------------------------------------------------------------------------
def test_stop_recording(rng):
    w = _var(rng.standard_normal(3))
    with tf.GradientTape() as tape:
        y = (w * w).sum()
        with tape.stop_recording():
            z = (w * 5.0).sum()
            assert not tf.is_grad_enabled()
        assert tf.is_grad_enabled()
        total = y + z
    assert z.requires_grad is False
    np.testing.assert_allclose(tape.gradient(total, w).numpy(), 2 * w.data)
    with pytest.raises(RuntimeError, match="not recording"):
        with tape.stop_recording():
            pass


def test_tape_records_under_no_grad_and_restores_the_mode(rng):
    w = _var(rng.standard_normal(3))
    with tf.no_grad():
        with tf.GradientTape() as tape:
            y = (w * w).sum()
        assert not tf.is_grad_enabled()
        assert not (w * w).requires_grad
    np.testing.assert_allclose(tape.gradient(y, w).numpy(), 2 * w.data)


def test_unconnected_gradients_none_and_zero(rng):
    w, lonely = _var(rng.standard_normal(3)), _var(rng.standard_normal((2, 2)))
    for mode in ("zero", tf.UnconnectedGradients.ZERO):
        with tf.GradientTape() as tape:
            y = (w * w).sum()
        gw, gl = tape.gradient(y, [w, lonely], unconnected_gradients=mode)
        np.testing.assert_array_equal(gl.numpy(), np.zeros((2, 2)))
        assert gl.dtype == lonely.dtype
    for mode in ("none", tf.UnconnectedGradients.NONE):
        with tf.GradientTape() as tape:
            y = (w * w).sum()
        assert tape.gradient(y, [w, lonely], unconnected_gradients=mode)[1] is None
    with tf.GradientTape() as tape:
        y = (w * w).sum()
    with pytest.raises(ValueError, match="unconnected_gradients"):
        tape.gradient(y, w, unconnected_gradients="zeros")


def test_constant_target_and_bad_sources(rng):
    w = _var(rng.standard_normal(3))
    with tf.GradientTape(persistent=True) as tape:
        c = tf.tensor(np.ones(3)).sum()
    assert tape.gradient(c, w) is None
    with pytest.raises(ValueError, match=r"sources\[1\]"):
        tape.gradient(c, [w, np.ones(3)])
    with pytest.raises(ValueError, match="target"):
        tape.gradient(None, w)


def test_reset_forgets_watched_tensors():
    x = tf.tensor(np.array([1.0, 2.0]))
    with tf.GradientTape() as tape:
        tape.watch(x)
        tape.reset()
        assert x.requires_grad is False
        y = (x * x).sum()
    assert tape.gradient(y, x) is None


def test_second_order_gradient_raises_clearly():
    x = tf.tensor(np.array(3.0))
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = x * x * x
        dy = inner.gradient(y, x)
        np.testing.assert_allclose(dy.numpy(), 27.0)  # the first derivative is right
    with pytest.raises(NotImplementedError, match="no double backward"):
        outer.gradient(dy, x)


def test_jacobian(rng):
    w = _var(rng.standard_normal(3))
    m = _var(rng.standard_normal((2, 3)))
    with tf.GradientTape() as tape:
        y = m @ (w * w)
    jw, jm = tape.jacobian(y, [w, m])
    np.testing.assert_allclose(jw.numpy(), m.data * 2 * w.data[None, :])
    assert jm.shape == (2, 2, 3)
    np.testing.assert_allclose(jm.numpy()[0, 0], w.data ** 2)
    np.testing.assert_array_equal(jm.numpy()[0, 1], 0.0)


# -- training and threads -----------------------------------------------------------
def test_custom_training_loop_with_a_tape_reduces_the_loss(rng):
    from shenjing import layers, losses, optimizers

    tf.set_random_seed(1)
    x = rng.standard_normal((64, 4)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5], [3.0]], np.float32) > 0).astype(np.float32)
    model = tf.models.Sequential([layers.Input((4,)), layers.Dense(8, activation="relu"),
                                  layers.Dense(1, activation="sigmoid")])
    loss_fn = losses.BinaryCrossentropy()
    optimizer = optimizers.Adam(0.05)

    @tf.function
    def train_step(xb, yb):
        with tf.GradientTape() as tape:
            loss = loss_fn(yb, model(xb, training=True))
        grads = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights))
        return float(loss.data)

    first = train_step(x, y)
    for _ in range(40):
        last = train_step(x, y)
    assert last < 0.5 * first
    assert all(w.grad is None for w in model.trainable_weights)


def test_tapes_in_two_threads_at_once():
    results, errors = {}, []
    barrier = threading.Barrier(2)

    def work(scale):
        try:
            w = _var(np.arange(1.0, 4.0) * scale)
            x = tf.tensor(np.ones(3) * scale)
            for _ in range(50):
                with tf.GradientTape() as tape:
                    tape.watch(x)
                    barrier.wait(timeout=10)
                    y = (w * w * x).sum()
                    assert tape.watched_variables() == (w,)
                gw, gx = tape.gradient(y, [w, x])
            results[scale] = (gw.numpy(), gx.numpy(), w.data.copy(), x.data.copy())
        except Exception as error:  # reported below; a thread cannot fail the test itself
            errors.append(error)

    threads = [threading.Thread(target=work, args=(s,)) for s in (1.0, 2.0)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for gw, gx, w, x in results.values():
        np.testing.assert_allclose(gw, 2 * w * x)
        np.testing.assert_allclose(gx, w * w)


# -- tf.function ----------------------------------------------------------------------
def test_function_decorator_with_and_without_arguments():
    @tf.function
    def double(x):
        return x * 2

    @tf.function(input_signature=None, jit_compile=True, reduce_retracing=True)
    def triple(x):
        return x * 3

    class Model:
        @tf.function
        def call(self, x):
            return x + 1

    assert double(2) == 4 and triple(2) == 6 and Model().call(1) == 2
    assert double.__name__ == "double" and double.python_function(3) == 6
    with pytest.raises(TypeError, match="callable"):
        tf.function(3)


def test_nested_tapes_share_a_watched_constant():
    x = tf.tensor(np.array([1.0, 2.0]))
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = (x * x).sum()
        assert x.requires_grad  # the outer tape still watches it
        z = (x * 4.0).sum()
    assert x.requires_grad is False
    np.testing.assert_allclose(inner.gradient(y, x).numpy(), [2.0, 4.0])
    np.testing.assert_allclose(outer.gradient(z, x).numpy(), [4.0, 4.0])


def test_gradient_inside_the_block_then_apply(rng):
    from shenjing import optimizers

    w = tf.Variable(np.array([1.0, -2.0], np.float32))
    optimizer = optimizers.SGD(0.1)
    with tf.GradientTape() as tape:
        loss = (w * w).sum()
        grads = tape.gradient(loss, [w])
        optimizer.apply_gradients(zip(grads, [w]))
    np.testing.assert_allclose(w.numpy(), [0.8, -1.6], rtol=1e-6)
    assert w.grad is None


def test_two_tapes_over_one_forward_pass_as_in_a_gan(rng):
    gen, disc = _var(rng.standard_normal((2, 3)) * 0.5), _var(rng.standard_normal(3) * 0.5)
    noise = tf.tensor(rng.standard_normal((4, 2)))
    with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
        fake = tf.ops.tanh(noise @ gen)
        fake_output = fake @ disc  # shared by both losses
        gen_loss = (fake_output * fake_output).mean()
        disc_loss = (fake_output * 2.0).mean() + (disc * disc).sum()
    g_gen = gen_tape.gradient(gen_loss, gen)
    g_disc = disc_tape.gradient(disc_loss, disc)  # the graph is still there for the second tape
    (expected_gen,) = graph.grad(_gan_gen_loss(noise, gen, disc), [gen])
    np.testing.assert_allclose(g_gen.numpy(), expected_gen)
    fake_data = np.tanh(noise.data @ gen.data)
    np.testing.assert_allclose(g_disc.numpy(), 2.0 * fake_data.mean(axis=0) + 2 * disc.data)
    with pytest.raises(RuntimeError, match="second time"):
        gen_loss.backward()  # both tapes have asked: the graph is freed


def _gan_gen_loss(noise, gen, disc):
    out = tf.ops.tanh(noise @ gen) @ disc
    return (out * out).mean()


def test_a_graph_freed_by_an_earlier_tape_is_reported():
    w = _var(np.array([1.0, 2.0]))
    with tf.GradientTape() as first:
        y = w * w
    with tf.GradientTape() as second:
        z = (y * 3.0).sum()
    first.gradient(y, w)
    with pytest.raises(RuntimeError, match="persistent=True"):
        second.gradient(z, w)
