"""BackupAndRestore against a real ``kill -9``: a training process is killed at arbitrary
moments (mid-write included); the next run resumes from what is on disk and ends with
the same weights, bit for bit, as a run that was never interrupted."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

TRAIN = textwrap.dedent("""
    import sys, time
    import numpy as np
    import shenjing
    from shenjing import layers
    from shenjing.callbacks import BackupAndRestore, Callback
    from shenjing.models import Sequential

    class Slow(Callback):
        def on_train_batch_end(self, batch, logs=None):
            time.sleep(0.01)

    def run(backup_dir, slow):
        rng = np.random.default_rng(7)
        x = rng.normal(size=(64, 6)).astype("float32")
        y = (x[:, :2].sum(axis=1, keepdims=True) - x[:, 2:3]).astype("float32")
        shenjing.set_random_seed(0)
        model = Sequential([layers.Input((6,)), layers.Dense(16, activation="relu"),
                            layers.Dropout(0.3), layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        callbacks = ([Slow()] if slow else []) + [BackupAndRestore(backup_dir)]
        model.fit(x, y, epochs=12, batch_size=8, shuffle=True, verbose=0, callbacks=callbacks)
        return model

    if __name__ == "__main__":
        run(sys.argv[1], slow=True)
""")


@pytest.fixture()
def script(tmp_path, monkeypatch):
    path = tmp_path / "train_kill.py"
    path.write_text(TRAIN)
    monkeypatch.syspath_prepend(str(tmp_path))
    return path


def test_a_run_killed_with_sigkill_resumes_bit_identically(tmp_path, script):
    import train_kill

    # A moment after the first backup, not aligned with an epoch's end: the kill may land
    # inside a batch, inside save_weights or inside the metadata's write.
    delay = float(np.random.default_rng().uniform(0.0, 0.4))
    reference = train_kill.run(str(tmp_path / "ref"), slow=False)
    backup = tmp_path / "backup"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    child = subprocess.Popen([sys.executable, str(script), str(backup)], env=env)
    try:
        deadline = time.monotonic() + 60
        while not (backup / "metadata.json").exists():
            assert child.poll() is None, "the training process ended before its first backup"
            assert time.monotonic() < deadline
            time.sleep(0.005)
        time.sleep(delay)
        assert child.poll() is None, f"the training process ended before the kill ({delay:.3f} s)"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    assert child.returncode == -signal.SIGKILL
    resumed = train_kill.run(str(backup), slow=False)
    for a, b in zip(reference.get_weights(), resumed.get_weights()):
        assert np.array_equal(a, b), f"killed {delay:.3f} s after the first backup"
    assert resumed.optimizer.iterations == reference.optimizer.iterations
    assert not backup.exists() or not os.listdir(backup)
