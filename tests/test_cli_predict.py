"""`shenjing predict`: what input the model expects, a dark digit on white paper inverted (said on
stderr), a model of unknown or huge input size refused before anything is allocated, a
decompression bomb refused (issue 10, findings 6 and 9, and the "Also" list)."""

import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

import shenjing.keras as keras
from shenjing import cli
from shenjing.safety import override_limits

pytestmark = pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer")


@pytest.fixture(scope="module")
def gray_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("m") / "gray.keras"
    keras.utils.set_random_seed(0)
    keras.Sequential([keras.layers.Input((8, 8, 1)), keras.layers.Flatten(),
                      keras.layers.Dense(10, activation="softmax")]).save(path)
    return str(path)


def _digit(path, ink, paper, size=16):
    pixels = np.full((size, size), paper, np.uint8)
    pixels[3:-3, size // 2 - 2:size // 2 + 1] = ink  # a "1"
    Image.fromarray(pixels).save(path)
    return str(path)


def _one_line(capsys, command="predict"):
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"shenjing {command}: "), err
    return err[0], captured.out


def test_a_dark_digit_on_white_paper_is_inverted_and_said_so(gray_model, tmp_path, capsys):
    paper = _digit(tmp_path / "paper.png", ink=20, paper=240)
    assert cli.main(["predict", gray_model, paper]) == 0
    note, auto = _one_line(capsys)
    assert "is light (mean 0." in note and "inverted" in note and "shape (8, 8, 1)" in note
    assert "[0, 1]" in note and "light strokes on a dark background" in note and "--no-invert" in note
    assert cli.main(["predict", gray_model, paper, "--invert"]) == 0
    forced = capsys.readouterr()
    assert forced.out == auto and forced.err == ""
    # the inverted photo is read exactly as the same digit drawn light on dark
    screen = _digit(tmp_path / "screen.png", ink=235, paper=15)
    assert cli.main(["predict", gray_model, screen]) == 0
    plain = capsys.readouterr()
    assert plain.err == "" and plain.out.split(":", 1)[1] == auto.split(":", 1)[1]
    assert cli.main(["predict", gray_model, paper, "--no-invert"]) == 0
    kept = capsys.readouterr()
    assert kept.err == "" and kept.out != auto


def test_help_says_what_input_the_model_expects(capsys):
    with pytest.raises(SystemExit):
        cli.main(["predict", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "pixel values in [0, 1]" in text and "light strokes on a dark background" in text
    assert "--invert" in text and "--no-invert" in text


def test_a_model_of_unknown_input_size_is_refused(tmp_path, capsys):
    path = tmp_path / "any_size.keras"
    keras.Sequential([keras.layers.Input((None, None, 1)), keras.layers.GlobalAveragePooling2D(),
                      keras.layers.Dense(10, activation="softmax")]).save(path)
    image = _digit(tmp_path / "d.png", 255, 0)
    assert cli.main(["predict", str(path), image]) == 1
    line, out = _one_line(capsys)
    assert "cannot tell the input size" in line and "(None, None, None, 1)" in line and out == ""


def test_the_input_batch_is_checked_against_the_limit_before_reading_images(gray_model, capsys):
    with override_limits(max_input_elements=100):
        assert cli.main(["predict", gray_model, "missing-1.png", "missing-2.png"]) == 1
    line, _ = _one_line(capsys)
    assert "2 image(s) of shape (8, 8, 1) is 128, more than the limit of 100" in line
    assert "SHENJING_MAX_INPUT_ELEMENTS" in line


def test_a_decompression_bomb_is_one_line(gray_model, tmp_path, monkeypatch, capsys):
    image = _digit(tmp_path / "big.png", 255, 0, size=64)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # 4096 pixels: more than twice the limit
    assert cli.main(["predict", gray_model, image]) == 1
    line, _ = _one_line(capsys)
    assert f"cannot read image '{image}'" in line and "decompression bomb" in line.lower()


def test_a_bad_image_and_an_unreadable_channel_count_are_one_line(gray_model, tmp_path, capsys):
    bad = tmp_path / "not-an-image.png"
    bad.write_text("hello")
    assert cli.main(["predict", gray_model, str(bad)]) == 1
    assert "cannot read image" in _one_line(capsys)[0]
    path = tmp_path / "two_channels.keras"
    keras.Sequential([keras.layers.Input((4, 4, 2)), keras.layers.Flatten(),
                      keras.layers.Dense(2)]).save(path)
    assert cli.main(["predict", str(path), str(bad)]) == 1
    assert "expects 2 channels" in _one_line(capsys)[0]


def test_a_flat_input_model_reads_square_images(tmp_path, capsys):
    path = tmp_path / "flat.keras"
    keras.Sequential([keras.layers.Input((64,)), keras.layers.Dense(10, activation="softmax")]).save(path)
    image = _digit(tmp_path / "d.png", 255, 0)
    assert cli.main(["predict", str(path), image]) == 0
    assert capsys.readouterr().out.startswith(f"{image}: class ")
    path = tmp_path / "odd.keras"
    keras.Sequential([keras.layers.Input((10,)), keras.layers.Dense(2)]).save(path)
    assert cli.main(["predict", str(path), image]) == 1
    assert "expects vectors of 10 numbers, which is not a square image" in _one_line(capsys)[0]


_HUGE = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
from shenjing import cli
sys.exit(cli.main(sys.argv[1:]))
"""


def _run_capped(*argv):
    """``shenjing *argv`` in a child process capped at 3 GiB: a regression fails, not the machine."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-c", _HUGE, *map(str, argv)], capture_output=True,
                          text=True, timeout=120, env=env)
    err = [line for line in done.stderr.strip().splitlines() if "compiling the fast loops" not in line]
    assert done.returncode == 1 and len(err) == 1, done.stderr[-2000:]
    assert err[0].startswith(f"shenjing {argv[0]}: ") and "Traceback" not in done.stderr
    return err[0]


def test_a_small_model_declaring_a_huge_input_is_refused_before_allocating(tmp_path):
    path = tmp_path / "huge_input.keras"
    keras.Sequential([keras.layers.Input((20000, 20000, 1)), keras.layers.Conv2D(1, 3),
                      keras.layers.GlobalMaxPooling2D(), keras.layers.Dense(10)]).save(path)
    assert os.path.getsize(path) < 64 * 1024
    line = _run_capped("predict", path, _digit(tmp_path / "d.png", 255, 0))
    assert "more than the limit" in line and "1 image(s) of shape (20000, 20000, 1) is 400000000" in line


# A tiny model whose input passes the limit but whose layers' outputs do not (8192x8192x64 floats
# is 16 GiB), or whose small input is blown up by a layer: refused before predict allocates.
_BLOW_UPS = {
    "conv_on_8192": lambda: [keras.layers.Input((8192, 8192, 1)), keras.layers.Conv2D(64, 3),
                             keras.layers.GlobalMaxPooling2D(), keras.layers.Dense(10)],
    "repeat_vector": lambda: [keras.layers.Input((4,)), keras.layers.RepeatVector(10 ** 12),
                              keras.layers.GlobalMaxPooling1D(), keras.layers.Dense(10)],
    "upsampling": lambda: [keras.layers.Input((8, 8, 1)), keras.layers.UpSampling2D(10 ** 5),
                           keras.layers.GlobalMaxPooling2D(), keras.layers.Dense(10)],
}
_TOTALS = {"conv_on_8192": 8192 ** 2 + 64 * 8190 ** 2 + 64 + 10,
           "repeat_vector": 4 + 4 * 10 ** 12 + 4 + 10,
           "upsampling": 64 + 64 * 10 ** 10 + 1 + 10}


@pytest.mark.parametrize("kind", sorted(_BLOW_UPS))
def test_a_small_model_with_huge_layer_outputs_is_refused_before_predicting(kind, tmp_path):
    path = tmp_path / f"{kind}.keras"
    keras.Sequential(_BLOW_UPS[kind]()).save(path)
    assert os.path.getsize(path) < 64 * 1024
    line = _run_capped("predict", path, _digit(tmp_path / "d.png", 255, 0))
    assert f"'{path}': the numbers in one batch's inputs and layer outputs (1 sample(s)" in line
    assert f"is {_TOTALS[kind]}, more than the limit of {1 << 28}" in line
    assert "SHENJING_MAX_INPUT_ELEMENTS" in line


def test_the_layer_outputs_of_a_functional_model_and_a_nested_one_are_counted(tmp_path, capsys):
    inputs = keras.Input((8, 8, 1))
    x = keras.layers.Conv2D(2, 3)(inputs)  # (6, 6, 2): 72
    inner = keras.Sequential([keras.layers.Input((6, 6, 2)), keras.layers.Flatten(),
                              keras.layers.Dense(3)])  # its input 72, then 72 and 3
    outputs = keras.layers.Dense(10, activation="softmax")(inner(x))
    path = tmp_path / "functional.keras"
    keras.Model(inputs, outputs).save(path)
    per_sample = 64 + 72 + 3 + 10 + (72 + 72 + 3)
    model = cli._load(str(path))
    assert cli.activation_elements(model) == per_sample
    image = _digit(tmp_path / "d.png", 255, 0)
    with override_limits(max_input_elements=2 * per_sample - 1):
        assert cli.main(["predict", str(path), image, image]) == 1
    line, out = _one_line(capsys)
    assert f"inputs and layer outputs (2 sample(s), input shape (8, 8, 1)) is {2 * per_sample}" in line
    assert out == ""
    with override_limits(max_input_elements=2 * per_sample):
        assert cli.main(["predict", str(path), image, image]) == 0


def test_evaluate_checks_the_layer_outputs_too(tmp_path, monkeypatch, capsys):
    def tiny_data(name=None, download=False, say=print):
        x = np.zeros((40, 8, 8, 1), np.float32)
        return (x, np.zeros(40, np.int64)), (x, np.arange(40) % 10), "tiny"

    monkeypatch.setattr(cli, "load_dataset", tiny_data)
    path = tmp_path / "upsampling.keras"
    keras.Sequential(_BLOW_UPS["upsampling"]()).save(path)
    assert cli.main(["evaluate", str(path)]) == 1
    line, _ = _one_line(capsys, "evaluate")
    # evaluate runs batches of 32: one batch holds 32 samples' inputs and layer outputs
    assert f"(32 sample(s), input shape (8, 8, 1)) is {32 * _TOTALS['upsampling']}" in line
    path = tmp_path / "small.keras"
    small = keras.Sequential([keras.layers.Input((8, 8, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    small.compile(loss="sparse_categorical_crossentropy")
    small.save(path)
    with override_limits(max_input_elements=32 * (64 + 64 + 10) - 1):
        assert cli.main(["evaluate", str(path)]) == 1
    assert "is 4416, more than the limit of 4415" in _one_line(capsys, "evaluate")[0]
    model = cli._load(str(path))
    del model._output_shapes  # layer shapes unknown and not traceable: the inputs alone count
    from shenjing.cli import batch_limits
    monkeypatch.setattr(batch_limits, "traced_elements", lambda model, shape: None)
    monkeypatch.setattr(cli, "_load", lambda p: model)
    with override_limits(max_input_elements=32 * 64 - 1):
        assert cli.main(["evaluate", str(path)]) == 1
    assert "one batch's inputs (32 sample(s), input shape (8, 8, 1)) is 2048" in \
        _one_line(capsys, "evaluate")[0]
    with override_limits(max_input_elements=32 * 64):
        assert cli.main(["evaluate", str(path)]) == 0
    assert "tiny test set: loss:" in capsys.readouterr().out


def test_only_mnist_like_models_invert_light_images(tmp_path, capsys):
    """Auto-inversion is for 1-channel models of at most 64x64 pixels; a larger grayscale model
    (an X-ray, a scan) gets its images as they are."""
    paper = _digit(tmp_path / "paper.png", ink=20, paper=240)
    for side, inverted in ((64, True), (65, False)):
        path = tmp_path / f"gray{side}.keras"
        keras.Sequential([keras.layers.Input((side, side, 1)), keras.layers.GlobalAveragePooling2D(),
                          keras.layers.Dense(2, activation="softmax")]).save(path)
        assert cli.main(["predict", str(path), paper]) == 0
        captured = capsys.readouterr()
        assert ("inverted" in captured.err) is inverted, (side, captured.err)
    with pytest.raises(SystemExit):
        cli.main(["predict", "--help"])
    assert "(1 channel, at most 64x64 pixels)" in " ".join(capsys.readouterr().out.split())
