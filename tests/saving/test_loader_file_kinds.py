"""load_model and load_weights open only regular files: a FIFO would block forever and
/dev/zero would never end (the reviewer's finding); both are a FormatError naming the path."""

import os
import threading

import pytest

import shenjing.keras as keras
from shenjing.saving import FormatError, load_model


def _model():
    return keras.Sequential([keras.layers.Input((3,)), keras.layers.Dense(2)])


def _within(seconds, call):
    """``call()``'s exception, or a failure if it is still running after ``seconds`` (a hang)."""
    outcome = {}

    def run():
        try:
            call()
        except BaseException as error:  # noqa: BLE001 - handed to the test
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the load blocked"
    return outcome.get("error")


@pytest.mark.parametrize("name", ["m.keras", "m.weights.h5", "m.safetensors"])
def test_a_fifo_is_refused_without_blocking(tmp_path, name):
    os.mkfifo(tmp_path / name)
    call = ((lambda: load_model(tmp_path / name)) if name.endswith(".keras")
            else (lambda: _model().load_weights(tmp_path / name)))
    error = _within(30, call)
    assert isinstance(error, FormatError) and "FIFO" in str(error) and name in str(error)


@pytest.mark.parametrize("name", ["z.keras", "z.weights.h5", "z.safetensors"])
def test_a_link_to_dev_zero_is_refused(tmp_path, name):
    os.symlink("/dev/zero", tmp_path / name)
    call = ((lambda: load_model(tmp_path / name)) if name.endswith(".keras")
            else (lambda: _model().load_weights(tmp_path / name)))
    error = _within(30, call)
    assert isinstance(error, FormatError) and "device" in str(error)
