"""TensorFlow's ``tf.train.Checkpoint`` and ``tf.train.latest_checkpoint``, over shenjing's
safetensors weights format.

``Checkpoint(**objects)`` tracks models, layers, optimizers, metrics and Variables by keyword.
``save(file_prefix)`` writes ``<file_prefix>-<n>.safetensors`` (n = 1, 2, ... counts the saves)
holding every tracked object's variables under ``<keyword>/<Keras weight path>``, records it in
the directory's ``checkpoint`` file (TensorFlow's text format) and returns ``<file_prefix>-<n>``;
``latest_checkpoint(directory)`` reads that file back. ``restore(path)`` loads the variables
into the tracked objects, every shape checked before anything is assigned. Unlike TensorFlow,
restoring is not deferred: a model must be built (and an optimizer must have its state) before
its variables can be restored.
"""

import os

import numpy as np

from .. import backend
from ..autograd import Variable
from ..layers.layer import Layer
from ..metrics.metric import Metric
from ..optimizers.optimizer import Optimizer
from ..safety import FormatError, check_regular_file
from ..saving.safetensors_store import read_safetensors, write_safetensors
from ..saving.state import VarsStore, collect_state, load_state
from ..utils.file_utils import atomic_write

__all__ = ["Checkpoint", "latest_checkpoint"]

_SUFFIX = ".safetensors"
_INDEX = "checkpoint"


class CheckpointLoadStatus:
    """What ``Checkpoint.restore`` returns; its assertions check what the file held."""

    def __init__(self, unused):
        self._unused = sorted(unused)

    def assert_consumed(self):
        if self._unused:
            raise AssertionError(f"Unresolved objects in the checkpoint: {self._unused}")
        return self

    def assert_existing_objects_matched(self):
        return self.assert_consumed()

    def expect_partial(self):
        return self


class Checkpoint:
    """``tf.train.Checkpoint(root=None, **kwargs)``: see the module docstring."""

    def __init__(self, root=None, **kwargs):
        objects = dict(kwargs)
        if root is not None:
            objects["root"] = root
        for name, obj in objects.items():
            if not isinstance(obj, (Layer, Optimizer, Metric, Variable)):
                raise ValueError(
                    "`Checkpoint` was expecting a trackable object (a model, layer, optimizer, "
                    f"metric or Variable) for `{name}`. Received: {name}={obj!r} "
                    f"(of type {type(obj).__name__})")
        self._objects = objects
        self.save_counter = 0

    def _entries(self):
        entries = []
        for name, obj in self._objects.items():
            if isinstance(obj, Layer):
                entries += [(f"{name}/{group}", label, arrays)
                            for group, label, arrays in collect_state(obj)]
            elif isinstance(obj, Variable):
                entries.append((f"{name}/vars", name, {"0": backend.to_numpy(obj.data)}))
            else:
                store = VarsStore(path=f"{name}/vars")
                obj.save_own_variables(store)
                entries.append((store.path, obj.name, {k: np.asarray(v) for k, v in store.items()}))
        entries.append(("save_counter/vars", "save_counter",
                        {"0": np.asarray(self.save_counter, dtype=np.int64)}))
        return entries

    def write(self, file_prefix):
        """Write the checkpoint to ``<file_prefix>.safetensors`` (no counter, no index file);
        returns ``file_prefix``."""
        file_prefix = os.fspath(file_prefix)
        directory = os.path.dirname(file_prefix)
        if directory:
            os.makedirs(directory, exist_ok=True)
        atomic_write(file_prefix + _SUFFIX, write_safetensors(self._entries()))
        return file_prefix

    def save(self, file_prefix):
        """Write ``<file_prefix>-<n>.safetensors``, record it as the latest in the directory's
        ``checkpoint`` file and return ``<file_prefix>-<n>``."""
        self.save_counter += 1
        path = self.write(f"{os.fspath(file_prefix)}-{self.save_counter}")
        directory = os.path.dirname(path) or "."
        index = os.path.join(directory, _INDEX)
        previous = _read_index(directory)[1] if os.path.exists(index) else []
        names = [p for p in previous if p != os.path.basename(path)] + [os.path.basename(path)]
        lines = [f'model_checkpoint_path: "{names[-1]}"']
        lines += [f'all_model_checkpoint_paths: "{n}"' for n in names]
        atomic_write(index, ("\n".join(lines) + "\n").encode())
        return path

    def read(self, save_path):
        return self.restore(save_path)

    def restore(self, save_path):
        """Load the file that ``save``/``write`` returned (``None``: nothing to restore)."""
        if save_path is None:
            return CheckpointLoadStatus(())
        path = os.fspath(save_path)
        if not path.endswith(_SUFFIX):
            path += _SUFFIX
        if not os.path.exists(path):
            raise ValueError(f"Checkpoint not found: save_path={save_path!r} (no file '{path}')")
        groups = read_safetensors(path)
        used = {"save_counter/vars"}
        for name, obj in self._objects.items():
            prefix = f"{name}/"
            own = {g[len(prefix):]: arrays for g, arrays in groups.items() if g.startswith(prefix)}
            if not own:
                continue
            used.update(prefix + g for g in own)
            if isinstance(obj, Layer):
                if not obj.built:
                    raise ValueError(f"Cannot restore `{name}` ('{obj.name}'): it is not built "
                                     "yet. Call it on data or build() it first.")
                load_state(obj, own, path)
            elif isinstance(obj, Variable):
                value = own.get("vars", {}).get("0")
                if value is None or tuple(value.shape) != tuple(obj.shape):
                    raise ValueError(f"Cannot restore `{name}`: the checkpoint holds shape "
                                     f"{None if value is None else tuple(value.shape)}, the "
                                     f"Variable has shape {tuple(obj.shape)}")
                obj.assign(value)
            else:
                obj.load_own_variables(VarsStore(own.get("vars", {}), path=f"{name}/vars"))
        counter = groups.get("save_counter/vars", {}).get("0")
        if counter is not None:
            self.save_counter = int(counter)
        return CheckpointLoadStatus(set(groups) - used)


_MAX_INDEX_BYTES = 1 << 20


def _index_lines(path):
    """The lines of a checkpoint index file (at most ``_MAX_INDEX_BYTES``: it names files)."""
    check_regular_file(path, "checkpoint index")
    with open(path, "rb") as f:
        raw = f.read(_MAX_INDEX_BYTES + 1)
    if len(raw) > _MAX_INDEX_BYTES:
        raise FormatError(path, f"a checkpoint index is a few lines; this one is over "
                                f"{_MAX_INDEX_BYTES} bytes")
    try:
        return raw.decode("utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise FormatError(path, f"the checkpoint index is not UTF-8 text ({error})") from None


def _read_index(directory):
    latest, every = None, []
    for line in _index_lines(os.path.join(directory, _INDEX)):
        key, _, value = line.partition(":")
        value = value.strip().strip('"')
        if key.strip() == "model_checkpoint_path":
            latest = value
        elif key.strip() == "all_model_checkpoint_paths":
            every.append(value)
    return latest, every


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The path of the newest checkpoint that ``Checkpoint.save`` recorded in
    ``checkpoint_dir``, or None when there is none."""
    checkpoint_dir = os.fspath(checkpoint_dir)
    index = os.path.join(checkpoint_dir, latest_filename or _INDEX)
    if not os.path.exists(index):
        return None
    latest, _ = _read_index(checkpoint_dir) if latest_filename is None else (None, [])
    if latest_filename is not None:
        for line in _index_lines(index):
            if line.startswith("model_checkpoint_path"):
                latest = line.partition(":")[2].strip().strip('"')
    if latest is None:
        return None
    path = latest if os.path.isabs(latest) else os.path.join(checkpoint_dir, latest)
    return path if os.path.exists(path + _SUFFIX) else None
