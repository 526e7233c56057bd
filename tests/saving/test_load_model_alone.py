"""``shenjing.saving.load_model`` works in a fresh process that imported nothing else."""

import subprocess
import sys


def test_load_model_in_a_fresh_process_finds_functional(tmp_path):
    path = tmp_path / "m.keras"
    make = ("import shenjing.keras as keras; i = keras.Input((3,)); "
            f"keras.Model(i, keras.layers.Dense(2)(i)).save({str(path)!r})")
    subprocess.run([sys.executable, "-c", make], check=True)
    load = ("from shenjing import saving; "
            f"m = saving.load_model({str(path)!r}); print(m.outputs[0].shape)")
    out = subprocess.run([sys.executable, "-c", load], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "(None, 2)"
