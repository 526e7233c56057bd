"""``RNN``: runs a cell over the time axis of (batch, timesteps, features) sequences.

states_0 = initial_state (zeros by default); for t in time order (reversed with go_backwards):
    output_t, states_t = cell(x_t, states_{t-1})
A masked step (mask[b, t] False) keeps sample b's states, and its output is the previous
first state (states[0]; for stacked cells the last cell's first state), or zeros with
``zero_output_for_mask`` (Keras 3's backend ``rnn`` semantics). The result is the last output,
or every output (return_sequences, in processing order), followed by the final states
(return_state). ``stateful`` keeps the final states as the next call's initial states.
"""

import numpy as np  # dtype comparisons only: arrays go through backend.xp

from ... import backend
from ...autograd import Tensor, Variable, ops
from ...backend import tree
from ..layer import Layer, inferring_shapes
from ...registry import keras_export
from .stacked_rnn_cells import StackedRNNCells, check_cell


def _as_state(value, dtype):
    value = value if isinstance(value, Tensor) else Tensor(backend.xp.asarray(value))
    return value if value.dtype == np.dtype(dtype) else ops.cast(value, dtype)


def _flat_shapes(structure):
    """The shape tuples in a nesting of lists of shapes."""
    if isinstance(structure, (list, tuple)) and all(d is None or isinstance(d, int) for d in structure):
        return [tuple(structure)]
    return [shape for item in structure for shape in _flat_shapes(item)]


def _keep_where(keep, new, old):
    """``new`` where the step is kept, else ``old``; ``keep`` is (batch,) booleans."""
    return ops.where(keep.reshape(keep.shape + (1,) * (new.ndim - 1)), new, old)


@keras_export("keras.layers.RNN")
class RNN(Layer):
    """Base class for recurrent layers: ``RNN(cell, return_sequences=False, return_state=False,
    go_backwards=False, stateful=False, unroll=False, zero_output_for_mask=False)``; a list of
    cells becomes ``StackedRNNCells``."""

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        if isinstance(cell, (list, tuple)):  # the layer's dtype: a float64 RNN keeps float64 steps
            cell = StackedRNNCells(cell, dtype=kwargs.get("dtype"))
        check_cell(cell, type(self).__name__)
        super().__init__(**kwargs)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)  # accepted: the loop below gives the same results either way
        self.supports_masking = True
        self.input_spec = None
        object.__setattr__(self, "states", None)  # stateful states: not weights (as in Keras)
        self._expected_batch_size = None
        state_size = getattr(cell, "state_size", None)
        if isinstance(state_size, bool) or not isinstance(state_size, (list, tuple, int)):
            raise ValueError("state_size must be an integer, or a list/tuple of integers (one for "
                             f"each state tensor). Received: state_size={state_size!r}")
        self.single_state = isinstance(state_size, int)
        self.state_size = [state_size] if self.single_state else list(state_size)

    # -- shapes and masks ---------------------------------------------------------------
    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch_size, length = sequences_shape[0], sequences_shape[1]
        if initial_state_shape is not None:
            self._check_state_shapes(initial_state_shape, batch_size)
        states_shape = []
        for state_size in self.state_size:
            if isinstance(state_size, int):
                states_shape.append((batch_size, state_size))
            else:
                states_shape.append([(batch_size, s) for s in state_size])
        output_size = getattr(self.cell, "output_size", None)
        if output_size is None:
            output_size = self.state_size[0]
        if not isinstance(output_size, int):
            raise ValueError(f"Layer '{self.name}': output_size must be an integer. Received: "
                             f"output_size={output_size!r}")
        if self.return_sequences:
            output_shape = (batch_size, length, output_size)
        else:
            output_shape = (batch_size, output_size)
        if self.return_state:
            return (output_shape, *states_shape)
        return output_shape

    def compute_mask(self, inputs, mask=None):
        """The input's (batch, timesteps) mask with return_sequences, else None; None per state."""
        mask = tree.flatten(mask)[0] if tree.is_nested(mask) else mask
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None for _ in self.state_size]
        return output_mask

    # -- build and states ---------------------------------------------------------------
    def build(self, sequences_shape, initial_state_shape=None):
        if sequences_shape is not None and len(sequences_shape) < 3:
            raise ValueError(f"Layer '{self.name}' expects sequences of rank >= 3 (batch, "
                             f"timesteps, features). Received: sequences.shape={sequences_shape}")
        step_input_shape = (sequences_shape[0],) + tuple(sequences_shape[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build(step_input_shape)
        if self.stateful:
            if self.states is not None:
                self.reset_state()
                return
            if sequences_shape[0] is None:
                raise ValueError("When using `stateful=True` in a RNN, the batch size must be "
                                 "static. Found dynamic batch size: "
                                 f"sequence.shape={sequences_shape}")
            self._create_state_variables(sequences_shape[0])
            self._expected_batch_size = sequences_shape[0]

    def _create_state_variables(self, batch_size):
        states = tree.map_structure(
            lambda value: Variable(value.data if isinstance(value, Tensor) else value,
                                   trainable=False, dtype=self.variable_dtype, name="rnn_state"),
            self.get_initial_state(batch_size))
        for variable in tree.flatten(states):
            variable.path = f"{self.name}/rnn_state"
        object.__setattr__(self, "states", states)

    def get_initial_state(self, batch_size):
        """The cell's ``get_initial_state(batch_size)`` as a list, else zeros per state."""
        get_initial_state = getattr(self.cell, "get_initial_state", None)
        if not get_initial_state:
            return [Tensor(backend.xp.zeros((batch_size, d), self.cell.compute_dtype))
                    for d in self.state_size]
        state = get_initial_state(batch_size=batch_size)
        return list(state) if tree.is_nested(state) else [state]

    def reset_state(self):
        """Zero the states of a stateful layer."""
        if self.states is not None:
            for variable in tree.flatten(self.states):
                variable.assign(backend.xp.zeros_like(variable.data))

    def reset_states(self):
        """Compatibility alias of ``reset_state``."""
        self.reset_state()

    # -- call ---------------------------------------------------------------------------
    def call(self, sequences, initial_state=None, mask=None, training=False):
        timesteps = sequences.shape[1]
        if timesteps == 0:
            raise ValueError(f"Layer '{self.name}': cannot run a recurrent layer over sequences of "
                             f"0 timesteps. Received: sequences.shape={sequences.shape}")
        if initial_state is None:
            if self.stateful:  # copies: the variables change after this call, the graph must not
                initial_state = tree.map_structure(lambda v: Tensor(v.data.copy()), self.states)
            else:
                initial_state = self.get_initial_state(batch_size=sequences.shape[0])
        if self.stateful and self._expected_batch_size is not None \
                and sequences.shape[0] != self._expected_batch_size:
            raise ValueError(
                "If an RNN is stateful, the batch size of the input sequences must be the same as "
                f"the batch size of the initial state.\n- Expected batch size: "
                f"{self._expected_batch_size}\n- Received batch size: {sequences.shape[0]}")
        initial_state = list(initial_state) if tree.is_nested(initial_state) else [initial_state]
        dtype = getattr(self.cell, "compute_dtype", self.compute_dtype)
        initial_state = tree.map_structure(lambda s: _as_state(s, dtype), initial_state)
        self._check_initial_state(initial_state, sequences.shape[0])
        if mask is not None:
            mask = tree.flatten(mask)[0] if tree.is_nested(mask) else mask
            mask = backend.xp.asarray(getattr(mask, "data", mask)).astype(bool)
            if mask.shape != tuple(sequences.shape[:2]):
                raise ValueError(f"Layer '{self.name}': the mask must have shape (batch, "
                                 f"timesteps) = {tuple(sequences.shape[:2])}. Received: "
                                 f"mask.shape={mask.shape}")
        self._reset_dropout_masks(self.cell)
        try:
            last_output, outputs, states = self.inner_loop(sequences, initial_state, mask, training)
        finally:
            self._reset_dropout_masks(self.cell)
        if self.stateful and not inferring_shapes():  # shape inference's zeros leave no trace
            for variable, state in zip(tree.flatten(self.states), tree.flatten(states)):
                variable.assign(state.data)
        output = outputs if self.return_sequences else last_output
        if self.return_state:
            return (output, *states)
        return output

    def _check_initial_state(self, initial_state, batch_size):
        self._check_state_shapes([tuple(s.shape) for s in tree.flatten(initial_state)], batch_size)

    def _check_state_shapes(self, shapes, batch_size):
        """One (batch, size) shape per state (None matches any batch). A cell whose state_size
        is not a positive integer per state (ConvLSTM's -1) checks its own states."""
        given = _flat_shapes(shapes)
        sizes = tree.flatten(self.state_size)
        if not all(isinstance(size, int) and size > 0 for size in sizes):
            return
        fits = len(given) == len(sizes) and all(
            (shape[0] is None or batch_size is None or shape[0] == batch_size)
            and (not isinstance(size, int) or shape[1:] == (size,))
            for shape, size in zip(given, sizes))
        if not fits:
            raise ValueError(
                f"Layer '{self.name}' expects {len(sizes)} initial state(s) of sizes {sizes} for "
                f"a batch of {batch_size}. Received: initial_state shapes {given}")

    def inner_loop(self, sequences, initial_state, mask, training=False):
        """``(last_output, outputs or None, final_states)``: where a layer may run a faster
        kernel for its cell; the generic loop otherwise."""
        return self._run_loop(sequences, initial_state, mask, training)

    def _run_loop(self, sequences, initial_state, mask, training):
        """The reference recurrence: one cell call per step, with the differentiable ops."""
        cell_call = self.cell if callable(self.cell) else self.cell.call
        kwargs = {}
        if not isinstance(self.cell, Layer) or self.cell._call_has_training:
            kwargs["training"] = training
        steps = range(sequences.shape[1])
        states, outputs, last_output = initial_state, [], None
        for t in (reversed(steps) if self.go_backwards else steps):
            output, new_states = cell_call(sequences[:, t], states, **kwargs)
            if not tree.is_nested(new_states):
                new_states = [new_states]
            if mask is not None:
                output, new_states = self._masked_step(mask[:, t], output, new_states, states)
            states = new_states
            last_output = output
            if self.return_sequences:
                outputs.append(output)
        sequence = ops.stack(outputs, axis=1) if self.return_sequences else None
        return last_output, sequence, states

    def _masked_step(self, keep, output, new_states, states):
        """Masked samples keep their states; their output is the previous first state (or 0)."""
        if self.zero_output_for_mask:
            previous = Tensor(backend.xp.zeros(output.shape, output.dtype))
        else:
            previous = states[0]
            if tree.is_nested(previous):  # stacked cells: the last cell's first state
                previous = tree.flatten(states[-1])[0]
        output = _keep_where(keep, output, previous)
        flat_new, flat_old = tree.flatten(new_states), tree.flatten(states)
        if len(flat_new) != len(flat_old):
            raise ValueError(f"Layer '{self.name}': the cell returned {len(flat_new)} state(s) "
                             f"for {len(flat_old)} given")
        kept = [_keep_where(keep, new, old) for new, old in zip(flat_new, flat_old)]
        return output, tree.pack_sequence_as(states, kept)

    def _reset_dropout_masks(self, cell):
        if hasattr(cell, "reset_dropout_mask"):
            cell.reset_dropout_mask()
        if hasattr(cell, "reset_recurrent_dropout_mask"):
            cell.reset_recurrent_dropout_mask()
        for inner in getattr(cell, "cells", None) or []:
            self._reset_dropout_masks(inner)

    # -- config ---------------------------------------------------------------------------
    def get_config(self):
        from ...serialization import serialize_keras_object

        return {**super().get_config(), "return_sequences": self.return_sequences,
                "return_state": self.return_state, "go_backwards": self.go_backwards,
                "stateful": self.stateful, "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask,
                "cell": serialize_keras_object(self.cell)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ...serialization import deserialize_keras_object

        config = dict(config)
        cell = deserialize_keras_object(config.pop("cell"), custom_objects=custom_objects)
        return cls(cell, **config)

