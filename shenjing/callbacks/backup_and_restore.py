"""``BackupAndRestore``: let a killed ``fit`` resume where it stopped, with the same result.

At the end of each epoch the training state goes to ``backup_dir``:

    state-<n>.weights.h5   the model's weights and the optimizer's state, written by
                           ``model.save_weights`` (Keras 3's layout, the same path as
                           every weights file)
    metadata.json          the epoch count, the exact learning rate, the states of the
                           random generators (shenjing's and those of seeded layers), the
                           model's build config, and the name of the weights file

Both go through the one atomic writer (a temporary file, ``fsync``, ``os.replace``);
``metadata.json`` is written last, so it always names a complete weights file, and a
kill at any moment leaves the previous backup readable. Restoring is
``model.load_weights``: everything is checked before anything is assigned. At the next ``fit``'s start the callback
restores that state and sets ``model._initial_epoch_from_backup`` (the number of
completed epochs), from which the trainer starts its epoch loop. With the same data and
arguments, the resumed run ends with the same weights, bit for bit, as a run that was
never interrupted: shuffling and dropout draw from the restored generator.
"""

import json
import os

import numpy as np

from .. import backend
from ..utils.file_utils import atomic_write
from .callback import Callback

_FORMAT = "shenjing.callbacks.BackupAndRestore"
_VERSION = 2  # 1: state-<n>.npz in shenjing's own order, no longer read
_METADATA = "metadata.json"
_STATE_PREFIX, _STATE_SUFFIX = "state-", ".weights.h5"


class BackupAndRestore(Callback):
    """Back up the training state every epoch (or every ``save_freq`` batches) into
    ``backup_dir`` and restore it when ``fit`` starts again.

    ``delete_checkpoint``: remove the backup when ``fit`` ends normally (an exception
    leaves it for the next run). ``double_checkpoint``: keep the previous backup too, and
    fall back on it if the latest cannot be read. Only epoch-end backups resume exactly:
    after a mid-epoch backup (``save_freq`` an int) the interrupted epoch starts over
    from the weights of that batch, as in Keras.

    ``backup_dir`` belongs to this callback: use one per training run, and put this
    callback last in ``callbacks`` so that what other callbacks change at an epoch's end
    (a learning rate lowered by ``ReduceLROnPlateau``) is in the backup. A model built by
    its first batch is rebuilt from the backup's build config (its input shape); one
    that cannot be (a subclassed model) must be built before ``fit`` to resume.
    The state of other callbacks (EarlyStopping's patience count) is not backed up.
    """

    def __init__(self, backup_dir, save_freq="epoch", delete_checkpoint=True, double_checkpoint=False):
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, int)
                                      or save_freq < 1):
            raise ValueError(
                f"Invalid value for argument `save_freq`. Received: save_freq={save_freq!r}. "
                "Expected either 'epoch' or a positive integer value."
            )
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.delete_checkpoint = delete_checkpoint
        self.double_checkpoint = double_checkpoint
        self._completed_epochs = 0
        self._batches_since_save = 0

    @property
    def _metadata_path(self):
        return os.path.join(self.backup_dir, _METADATA)

    # -- hooks ----------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._completed_epochs = 0
        self._batches_since_save = 0
        metadata = self._read_metadata()
        if metadata is None:
            return  # a fresh start: an unbuilt model is built by its first batch
        self._ensure_built(metadata)
        self._restore(metadata)
        self._completed_epochs = int(metadata["epoch"])
        self.model._initial_epoch_from_backup = self._completed_epochs

    def on_epoch_end(self, epoch, logs=None):
        self._completed_epochs = epoch + 1
        if self.save_freq == "epoch":
            self._save(batch=None)

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_since_save += 1
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            self._save(batch=batch)

    def on_train_end(self, logs=None):
        if self.delete_checkpoint:
            self._delete_backup()

    # -- writing --------------------------------------------------------------------------
    def _save(self, batch):
        os.makedirs(self.backup_dir, exist_ok=True)
        previous = self._read_metadata(quiet=True)
        index = previous["index"] + 1 if previous else 0
        state_file = f"{_STATE_PREFIX}{index:06d}{_STATE_SUFFIX}"
        self.model.save_weights(os.path.join(self.backup_dir, state_file), overwrite=True)
        optimizer = getattr(self.model, "optimizer", None)
        metadata = {
            "format": _FORMAT,
            "version": _VERSION,
            "index": index,
            "epoch": self._completed_epochs,
            "batch": batch,
            "state_file": state_file,
            "num_weights": len(self.model.weights),
            "learning_rate": float(optimizer.learning_rate) if optimizer is not None else None,
            "rng_state": backend.rng().bit_generator.state,
            "layer_rng_states": {key: gen.bit_generator.state for key, gen in self._layer_generators()},
            "build_config": self._build_config(),
            "previous": None,
        }
        if self.double_checkpoint and previous is not None:
            metadata["previous"] = {k: v for k, v in previous.items() if k != "previous"}
        atomic_write(self._metadata_path, json.dumps(metadata, indent=1))
        keep = {state_file} | ({metadata["previous"]["state_file"]} if metadata["previous"] else set())
        self._remove_state_files(keep)

    @staticmethod
    def _is_state_file(name):
        return name.startswith(_STATE_PREFIX) and name.endswith(_STATE_SUFFIX)

    def _remove_state_files(self, keep):
        for name in os.listdir(self.backup_dir):
            if self._is_state_file(name) and name not in keep:
                os.remove(os.path.join(self.backup_dir, name))

    def _delete_backup(self):
        """Remove this callback's files, then ``backup_dir`` itself if nothing else is in it."""
        if not os.path.isdir(self.backup_dir):
            return
        for name in os.listdir(self.backup_dir):
            ours = (name == _METADATA or self._is_state_file(name)
                    or (name.startswith((f".{_METADATA}.", f".{_STATE_PREFIX}"))
                        and name.endswith(".tmp")))
            if ours:
                os.remove(os.path.join(self.backup_dir, name))
        if not os.listdir(self.backup_dir):
            os.rmdir(self.backup_dir)

    def _layer_generators(self):
        """``(key, generator)`` for each layer with a generator of its own (``Dropout(seed=1)``),
        in the model's layer order: their states go in the backup with the global one's."""
        flatten = getattr(self.model, "_flatten_layers", None)
        if not callable(flatten):
            return []
        shared = backend.rng()
        out = []
        for position, layer in enumerate(flatten()):
            for attr, value in sorted(vars(layer).items()):
                if isinstance(value, np.random.Generator) and value is not shared:
                    out.append((f"{position}/{type(layer).__name__}/{attr}", value))
        return out

    def _build_config(self):
        """The model's ``get_build_config()`` (its input shape) if it is plain JSON data."""
        get = getattr(self.model, "get_build_config", None)
        config = get() if callable(get) else None
        try:
            return json.loads(json.dumps(config)) if config else None
        except (TypeError, ValueError):
            return None

    # -- reading --------------------------------------------------------------------------
    def _ensure_built(self, metadata):
        """Build a model that has no weights yet from the backup's build config (as the
        interrupted run's first batch did); raise as Keras does when that is not possible."""
        def unbuilt():
            return not getattr(self.model, "built", True) or (
                metadata.get("num_weights") and not self.model.weights)

        if unbuilt() and metadata.get("build_config") and hasattr(self.model, "build_from_config"):
            self.model.build_from_config(metadata["build_config"])
        if unbuilt():
            raise ValueError(
                "To use the BackupAndRestore callback, your model must be built before you "
                f"call `fit()`. Model '{getattr(self.model, 'name', self.model)}' is unbuilt. You "
                "can build it beforehand by calling it on a batch of data, by calling "
                "`model.build(input_shape)`, or by starting it with `keras.Input(shape)`."
            )

    def _read_metadata(self, quiet=False):
        """The backup's metadata, or None when there is no backup."""
        path = self._metadata_path
        if not os.path.exists(path):
            return None
        try:
            with open(path) as f:
                metadata = json.load(f)
            if not isinstance(metadata, dict) or metadata.get("format") != _FORMAT:
                found = metadata.get("format") if isinstance(metadata, dict) else metadata
                raise ValueError(f"its format is {found!r}, not {_FORMAT!r}")
            if metadata.get("version") != _VERSION:
                raise ValueError(f"it was written in version {metadata.get('version')!r} of the "
                                 f"format; this version reads version {_VERSION}")
        except (OSError, ValueError) as error:
            if quiet:
                return None
            raise ValueError(
                f"BackupAndRestore cannot read its backup metadata {path}: {error}. Delete "
                f"{self.backup_dir} to start training from the beginning."
            ) from error
        return metadata

    def _restore(self, metadata):
        """Load the backup's weights file (the latest, else the previous one when
        ``double_checkpoint`` kept it), then the exact learning rate and the generators."""
        try:
            self._load_weights(metadata)
        except ValueError as error:
            previous = metadata.get("previous")
            if not previous:
                raise
            try:
                self._load_weights(previous)
            except ValueError:
                raise error from None
            metadata.clear()
            metadata.update(previous)
        optimizer = getattr(self.model, "optimizer", None)
        # The weights file holds the rate in float32; put back the exact float.
        lr = metadata.get("learning_rate")
        if optimizer is not None and lr is not None and float(optimizer.learning_rate) != lr:
            try:
                optimizer.learning_rate = lr
            except (TypeError, ValueError):  # a LearningRateSchedule: not settable
                pass
        backend.rng().bit_generator.state = metadata["rng_state"]
        saved = metadata.get("layer_rng_states") or {}
        for key, generator in self._layer_generators():
            if key in saved:
                generator.bit_generator.state = saved[key]

    def _load_weights(self, metadata):
        name = metadata.get("state_file")
        if not isinstance(name, str) or not self._is_state_file(name) or os.sep in name:
            raise ValueError(f"BackupAndRestore: the backup metadata in {self.backup_dir} names "
                             f"no weights file of this callback. Received: state_file={name!r}")
        path = os.path.join(self.backup_dir, name)
        try:
            self.model.load_weights(path)
        except (OSError, ValueError) as error:
            raise ValueError(
                f"BackupAndRestore cannot restore the backup {name} in {self.backup_dir}: "
                f"{error} Delete {self.backup_dir} to start training from the beginning."
            ) from error
