"""The CLI's batch bound when a model's declared shapes hold None, and images that are FIFOs
(the second review's findings)."""

import os
import threading

import shenjing.keras as keras
from shenjing import cli
from shenjing.cli.batch_limits import traced_elements


def _upsampler(path, factor):
    i = keras.Input((None, None, 1))
    h = keras.layers.UpSampling2D((factor, factor))(i)
    h = keras.layers.GlobalAveragePooling2D()(h)
    model = keras.Model(i, keras.layers.Dense(10, activation="softmax")(h))
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.save(path)
    return str(path)


def test_traced_elements_follow_the_real_input_shape():
    i = keras.Input((None, None, 1))
    a, b = keras.layers.Conv2D(4, 3)(i), keras.layers.Conv2D(4, 3)(i)
    model = keras.Model(i, keras.layers.GlobalAveragePooling2D()(keras.layers.Add()([a, b])))
    assert traced_elements(model, (8, 8, 1)) == 64 + 3 * 6 * 6 * 4 + 4
    seq = keras.Sequential([keras.Input((None, 1)), keras.layers.UpSampling1D(10)])
    assert traced_elements(seq, (5, 1)) == 5 + 50


def test_evaluate_bounds_layer_outputs_of_a_model_with_unknown_sizes(tmp_path, capsys, monkeypatch):
    # 32 digits of 8x8 upsampled 50 times: 32 x 400 x 400 = 5.1 M numbers, over a limit of 1 M.
    monkeypatch.setenv("SHENJING_MAX_INPUT_ELEMENTS", str(10**6))
    path = _upsampler(tmp_path / "up.keras", 50)
    assert cli.main(["evaluate", path, "--dataset", "digits"]) == 1
    err = capsys.readouterr().err.strip()
    assert "up.keras" in err and "inputs and layer outputs (32 sample(s), input shape (8, 8, 1))" in err
    assert "SHENJING_MAX_INPUT_ELEMENTS" in err and "\n" not in err


def test_predict_refuses_a_fifo_image_without_blocking(tmp_path, capsys):
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(3)])
    model.save(tmp_path / "m.keras")
    os.mkfifo(tmp_path / "digit.png")
    result = {}
    call = threading.Thread(target=lambda: result.setdefault(
        "rc", cli.main(["predict", str(tmp_path / "m.keras"), str(tmp_path / "digit.png")])),
        daemon=True)
    call.start()
    call.join(30)
    assert not call.is_alive(), "predict blocked on a FIFO"
    assert result["rc"] == 1 and "FIFO" in capsys.readouterr().err
