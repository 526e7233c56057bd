"""``StackedRNNCells``: a list of cells that behaves as one cell.

At each step, cell k takes cell k-1's output as its input; the states are one entry per cell
(each as that cell keeps it); the output is the last cell's output.
"""

from ... import backend
from ...autograd import Tensor
from ...backend import tree
from ..layer import Layer
from ...registry import keras_export


def cell_output_size(cell):
    """``output_size``, else the first (or only) state size."""
    if getattr(cell, "output_size", None) is not None:
        return cell.output_size
    if isinstance(cell.state_size, (list, tuple)):
        return cell.state_size[0]
    return cell.state_size


def check_cell(cell, who):
    """A cell needs ``call`` and ``state_size`` (ValueError naming what is missing)."""
    if "call" not in dir(cell):
        raise ValueError(f"{who}: a cell must have a `call` method. Received: cell={cell}")
    if "state_size" not in dir(cell):
        raise ValueError(f"{who}: a cell must have a `state_size` attribute (an integer, or a list "
                         f"of integers, one per state). Received: cell={cell}")


@keras_export("keras.layers.StackedRNNCells")
class StackedRNNCells(Layer):
    """``StackedRNNCells(cells)``: state_size is the list of the cells' state sizes."""

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        cells = list(cells)
        if not cells:
            raise ValueError("StackedRNNCells: expected a non-empty list of cells. Received: cells=[]")
        for cell in cells:
            check_cell(cell, "StackedRNNCells")
        self.cells = cells

    @property
    def state_size(self):
        return [c.state_size for c in self.cells]

    @property
    def output_size(self):
        return cell_output_size(self.cells[-1])

    def get_initial_state(self, batch_size=None):
        states = []
        for cell in self.cells:
            get_initial_state = getattr(cell, "get_initial_state", None)
            if get_initial_state:
                states.append(get_initial_state(batch_size=batch_size))
            else:
                sizes = cell.state_size
                zeros = [Tensor(backend.xp.zeros((batch_size, d), self.compute_dtype))
                         for d in (sizes if isinstance(sizes, (list, tuple)) else [sizes])]
                states.append(zeros if isinstance(sizes, (list, tuple)) else zeros[0])
        return states

    def call(self, inputs, states, training=False, **kwargs):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            state_is_list = tree.is_nested(cell_states)
            cell_states = list(cell_states) if state_is_list else [cell_states]
            if isinstance(cell, Layer) and not cell._call_has_training:
                kwargs.pop("training", None)
            else:
                kwargs["training"] = training
            inputs, cell_states = cell(inputs, cell_states, **kwargs)
            if not tree.is_nested(cell_states):
                cell_states = [cell_states]
            if len(cell_states) == 1 and not state_is_list:
                cell_states = cell_states[0]
            new_states.append(cell_states)
        if len(new_states) == 1:
            new_states = new_states[0]
        return inputs, new_states

    def build(self, input_shape):
        batch = input_shape[0]
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(input_shape)
            input_shape = (batch, cell_output_size(cell))

    def get_config(self):
        from ...serialization import serialize_keras_object

        return {**super().get_config(), "cells": [serialize_keras_object(c) for c in self.cells]}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ...serialization import deserialize_keras_object

        config = dict(config)
        cells = [deserialize_keras_object(c, custom_objects=custom_objects)
                 for c in config.pop("cells")]
        return cls(cells, **config)
