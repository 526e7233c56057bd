"""tools/keras_coverage.py runs against the installed Keras and produces its table."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_coverage_script_prints_a_table_per_namespace(keras_module):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "keras_coverage.py")],
                            capture_output=True, text=True, env=env, timeout=300, check=True)
    text = result.stdout
    assert text.startswith("# Keras 3 coverage")
    assert "| namespace | covered | Keras names | coverage |" in text
    for namespace in ("layers", "losses", "metrics", "optimizers", "ops", "utils"):
        assert f"| `keras.{namespace}` |" in text
        assert f"## keras.{namespace}" in text
    # Optimizers shenjing has appear as covered.
    optimizers_section = text.split("## keras.optimizers")[1].split("## ")[0]
    covered = optimizers_section.split("Missing")[0]
    assert "`Adam`" in covered and "`Lion`" in covered
