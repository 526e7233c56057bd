"""The folder a ``shenjing train`` run writes: checked before training, written atomically,
and a fallback folder when writing there fails.

``prepare_out`` checks ``--out`` before anything is loaded (creatable, writable, not holding
another run unless ``--overwrite``); ``write_outputs`` writes the model first, then
``history.csv`` and ``history.png``, each whole or not at all; ``save_to_fallback`` puts them
in a fresh folder (the temp folder, else the current one) and says where.
"""

import io
import os
import sys
import tempfile

from .errors import CLIError, one_line

OUTPUTS = {"model": "model.keras", "csv": "history.csv", "png": "history.png"}


def prepare_out(out, overwrite):
    """Check ``--out`` before any work: a folder we can create and write into, holding no
    earlier run (unless ``overwrite``) and nothing else."""
    from ..utils.file_utils import resolve_target

    if os.path.exists(out) and not os.path.isdir(out):
        raise CLIError(f"--out '{out}' is a file; expected a folder (new or empty)")
    try:
        os.makedirs(out, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".shenjing-probe-", dir=out)
        try:
            os.write(fd, b"probe")
        finally:
            os.close(fd)
            os.remove(probe)
    except OSError as error:
        raise CLIError(f"cannot write into --out '{out}': {error.strerror or error}") from None
    present = sorted(os.listdir(out))
    if present and not overwrite:
        ours = [name for name in OUTPUTS.values() if name in present]
        shown = ", ".join(present[:8]) + (f" and {len(present) - 8} more" if len(present) > 8 else "")
        what = f"an earlier run ({', '.join(ours)})" if ours else f"other files ({shown})"
        raise CLIError(f"--out '{out}' already holds {what}; pass --overwrite to replace "
                       f"{', '.join(OUTPUTS.values())} there, or choose a new folder")
    paths = {key: os.path.join(out, name) for key, name in OUTPUTS.items()}
    for path in paths.values():  # a folder named model.keras, a link to nowhere: say so now
        try:
            resolve_target(path)
        except OSError as error:
            raise CLIError(f"--out: {error.strerror or error}") from None
    return paths


def history_csv(history):
    import csv

    keys = sorted(history.history)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["epoch", *keys])
    for i, epoch in enumerate(history.epoch):
        writer.writerow([epoch + 1, *(history.history[k][i] for k in keys)])
    return text.getvalue()


def history_png(history, title):
    """Loss and accuracy per epoch (training and validation), as PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    epochs = [e + 1 for e in history.epoch]
    panels = [k for k in ("loss", "accuracy") if k in history.history]
    fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 3.6), squeeze=False)
    for ax, key in zip(axes[0], panels):
        ax.plot(epochs, history.history[key], marker="o", label=f"train {key}")
        if f"val_{key}" in history.history:
            ax.plot(epochs, history.history[f"val_{key}"], marker="s", label=f"validation {key}")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(key)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return buffer.getvalue()


def write_outputs(model, history, title, paths):
    """The model first (the one thing that cannot be made again without training), then the
    history as CSV and as a plot; each file appears whole or not at all."""
    from ..utils.file_utils import atomic_write

    model.save(paths["model"])
    atomic_write(paths["csv"], history_csv(history))
    atomic_write(paths["png"], _cli().history_png(history, title))


def save_to_fallback(model, history, title, error):
    """After writing into --out failed: the results in a fresh folder (the temp folder, else the
    current one), as a CLIError that says where they went."""
    if isinstance(error, KeyboardInterrupt):
        problem = "interrupted while writing the results into --out"
    else:
        problem = f"could not write the results into --out ({one_line(error)})"
    for parent in (None, os.getcwd()):
        try:
            folder = tempfile.mkdtemp(prefix="shenjing-run-", dir=parent)
            paths = {key: os.path.join(folder, name) for key, name in OUTPUTS.items()}
            model.save(paths["model"])
        except Exception:  # noqa: BLE001 - try the next place
            continue
        try:
            _cli().write_outputs(model, history, title, paths)
            saved = "the model and its history"
        except Exception:  # noqa: BLE001 - the model is safe; the history is second
            saved = "the model"
        return CLIError(f"{problem}; saved {saved} to '{folder}' instead")
    return CLIError(f"{problem}, nor into a temporary folder or the current one: the trained "
                    "model is lost")


def _cli():
    """The ``shenjing.cli`` package, whose attributes (``history_png``, ``write_outputs``) are
    looked up at call time, so that replacing them there (tests do) takes effect here."""
    return sys.modules[__package__]
