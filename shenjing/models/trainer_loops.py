"""The loops of ``fit``, ``evaluate`` and ``predict`` (methods of ``Trainer``, which delegate
here): epochs of ``(step, data)`` from an ``EpochIterator``, each batch through the model's
overridable ``train_step``/``test_step``/``predict_step``, with callbacks, validation
(``validation_freq``: every n-th epoch or a list of 1-based epochs) and, at the end of
``fit``, the optimizer's ``finalize_variable_values`` (``use_ema``), as Keras ends ``fit``.
Under ``shenjing.check_numerics()`` a NaN/inf in a batch, an op or the loss is a
``FloatingPointError`` naming the loop, epoch and batch (``trainer_utils._run_step``).
A NaN in ``x`` given to ``fit``/``evaluate`` (also their validation data) is a ValueError,
unless ``model.allow_nan_inputs`` (``data_adapters/missing_values.py``): for arrays before the
first step, for generators and datasets at the batch that holds it (the batches before it
have trained). ``predict`` takes NaN, as Keras's does.
"""

import warnings

import numpy as np

from ..backend.tree import flatten, pack_sequence_as
from ..callbacks import CallbackList
from .data_adapters import array_utils
from .data_adapters import check_no_nan, is_array_like, nan_check
from .epoch_iterator import _RAN_OUT, EpochIterator
from .trainer_utils import (_check_batch_size, _check_epochs, _check_input_shapes, _check_input_structure,
                            _check_validation_freq, _check_validation_split, _pythonify, _run_step,
                            _should_validate, _to_numpy, _unpack_validation_data, _verbose)


def fit(model, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
        validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
        sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
        validation_batch_size=None, validation_freq=1):
    """``Model.fit``: see its docstring."""
    model._assert_compiled("fit")
    batch_size = _check_batch_size(batch_size)
    epochs, initial_epoch = _check_epochs(epochs, initial_epoch)
    _check_validation_freq(validation_freq)
    validation_split = _check_validation_split(validation_split)
    _check_input_structure(model, x, "fit")
    _check_input_shapes(model, x, "fit")
    check_nan = nan_check(model)
    split = bool(validation_split) and validation_data is None
    if split:
        if not is_array_like(x):
            raise ValueError(
                "`validation_split` is only supported for NumPy arrays and Tensors (or lists/dicts of "
                f"them). Received: x of type {type(x).__name__}; pass validation_data instead")
        x, y, sample_weight = (array_utils.to_arrays(a, name, "fit")
                               for a, name in ((x, "x"), (y, "y"), (sample_weight, "sample_weight")))
        n = array_utils.num_samples("fit", x=x, y=y, sample_weight=sample_weight)
        check_no_nan(x, "fit", inputs=check_nan)  # before the split: the rows named are those of x
        (x, y, sample_weight), validation_data = array_utils.split_validation(
            x, y, sample_weight, validation_split, n)
    train_iterator = EpochIterator(x, y, sample_weight, batch_size=batch_size, steps_per_epoch=steps_per_epoch,
                                   shuffle=shuffle, class_weight=class_weight, where="fit",
                                   check_nan=False if split else check_nan)
    val_iterator = None
    if validation_data is not None:
        val_x, val_y, val_sw = _unpack_validation_data(validation_data)
        _check_input_shapes(model, val_x, "fit (validation_data)")
        val_iterator = EpochIterator(val_x, val_y, val_sw, batch_size=_check_batch_size(
            validation_batch_size, "validation_batch_size") or batch_size, steps_per_epoch=validation_steps, shuffle=False,
            where="fit (validation_data)", steps_name="validation_steps", check_nan=False if split else check_nan)
    verbose = _verbose(verbose)
    cbs = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=model,
                       verbose=verbose, epochs=epochs, steps=train_iterator.num_batches)
    model.stop_training = False
    try:
        cbs.on_train_begin()
        # BackupAndRestore, having restored a backup, says where the interrupted run stopped.
        resumed = model.__dict__.pop("_initial_epoch_from_backup", None)
        if resumed is not None:
            initial_epoch = max(initial_epoch, int(resumed))
        epoch_logs, trained = {}, False
        for epoch in range(initial_epoch, epochs):
            model.reset_metrics()
            cbs.on_epoch_begin(epoch)
            batch_end, batch_begin = cbs.wants("on_train_batch_end"), cbs.wants("on_train_batch_begin")
            logs = None
            batches = train_iterator.enumerate_epoch()
            try:
                for step, data in batches:
                    if batch_begin:
                        cbs.on_train_batch_begin(step)
                    logs = _run_step(model.train_step, data, "fit", step, epoch, epochs)
                    if batch_end:
                        cbs.on_train_batch_end(step, _pythonify(logs))
                    if model.stop_training:
                        break
            finally:
                batches.close()
            if train_iterator.exhausted:
                if not trained:
                    raise ValueError("fit: the data yielded no batch; expected at least one")
                if not train_iterator.interrupted:  # else the iterator has said it already
                    warnings.warn(_RAN_OUT, stacklevel=2)
                break
            trained = True
            epoch_logs = model._final_logs(logs)
            if val_iterator is not None and _should_validate(epoch, validation_freq):
                val_logs = model.evaluate(verbose=0, return_dict=True, _epoch_iterator=val_iterator,
                                          callbacks=cbs)  # on_test_* reach fit's callbacks, as in Keras
                if val_logs is not None:
                    epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            cbs.on_epoch_end(epoch, epoch_logs)
            if model.stop_training:
                break
        if trained and hasattr(model.optimizer, "finalize_variable_values"):
            # use_ema: swap the moving averages into the weights, as Keras ends fit.
            model.optimizer.finalize_variable_values(model.trainable_weights)
        cbs.on_train_end(epoch_logs)
    finally:
        train_iterator.close()
        if val_iterator is not None:
            val_iterator.close()
    return cbs.history


def evaluate(model, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
             steps=None, callbacks=None, return_dict=False, **kwargs):
    """``Model.evaluate``: see its docstring."""
    model._assert_compiled("evaluate")
    iterator = kwargs.pop("_epoch_iterator", None)
    if kwargs:
        raise ValueError(f"Unrecognized arguments passed to evaluate(): {sorted(kwargs)}")
    if iterator is None:
        _check_input_structure(model, x, "evaluate")
        _check_input_shapes(model, x, "evaluate")
    in_fit = iterator is not None
    if iterator is None:
        iterator = EpochIterator(x, y, sample_weight, batch_size=_check_batch_size(batch_size),
                                 steps_per_epoch=steps, shuffle=False, where="evaluate", steps_name="steps",
                                 check_nan=nan_check(model))
    verbose = 0 if in_fit else _verbose(verbose)
    if isinstance(callbacks, CallbackList):  # fit's own list, for its validation
        cbs = callbacks
    else:
        cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=model, verbose=verbose,
                           epochs=1, steps=iterator.num_batches, in_fit=in_fit)
    model.reset_metrics()
    logs = None
    try:
        cbs.on_test_begin()
        batch_end = cbs.wants("on_test_batch_end")
        batches = iterator.enumerate_epoch()
        try:
            for step, data in batches:
                cbs.on_test_batch_begin(step)
                logs = _run_step(model.test_step, data, "fit (validation)" if in_fit else "evaluate", step)
                if batch_end:
                    cbs.on_test_batch_end(step, _pythonify(logs))
        finally:
            batches.close()
    finally:
        if not in_fit:
            iterator.close()
    if logs is None:
        if in_fit:
            warnings.warn("The validation data yielded no batch this epoch (a generator read to its "
                          "end?); pass validation_steps, or data that can be read again", stacklevel=2)
            return None
        raise ValueError("evaluate: the data yielded no batch; expected at least one")
    logs = model._final_logs(logs)
    cbs.on_test_end(logs)
    if return_dict:
        return logs
    return model._flatten_metrics_in_order(logs)


def predict(model, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
    """``Model.predict``: see its docstring."""
    _check_input_structure(model, x, "predict")
    _check_input_shapes(model, x, "predict")
    iterator = EpochIterator(x, batch_size=_check_batch_size(batch_size), steps_per_epoch=steps,
                             shuffle=False, where="predict", steps_name="steps")
    verbose = _verbose(verbose)
    cbs = CallbackList(callbacks, add_progbar=False, model=model, verbose=verbose, epochs=1,
                       steps=iterator.num_batches)
    cbs.on_predict_begin()
    outputs, structure = [], None
    try:
        for step, data in iterator:
            cbs.on_predict_batch_begin(step)
            out = _run_step(model.predict_step, data, "predict", step)
            structure = out
            outputs.append([_to_numpy(o) for o in flatten(out)])
            # Keras hands the callbacks the batch's outputs in the model's output structure.
            cbs.on_predict_batch_end(step, {"outputs": pack_sequence_as(out, outputs[-1])})
    finally:
        iterator.close()
    cbs.on_predict_end()
    if not outputs:
        raise ValueError("predict: the data yielded no batch; expected at least one")
    merged = [np.concatenate(parts, axis=0) for parts in zip(*outputs)]
    return pack_sequence_as(structure, merged)
