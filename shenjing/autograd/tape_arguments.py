"""What ``GradientTape.gradient`` takes and gives, checked: ``UnconnectedGradients``,
the flattened ``target``, ``sources`` and ``output_gradients``, and the op that
marks a gradient computed while a tape records (shenjing has no double backward).
"""

import enum

from ..backend import tree
from .function import Function
from .tensor import Tensor


class UnconnectedGradients(enum.Enum):
    """What ``gradient`` returns for a source the target does not depend on: None or zeros."""

    NONE = "none"
    ZERO = "zero"


def unconnected_mode(value):
    """``value`` ("none", "zero" or a member) as an ``UnconnectedGradients`` member."""
    if isinstance(value, UnconnectedGradients):
        return value
    try:
        return UnconnectedGradients(value)
    except ValueError:
        raise ValueError(
            f"Unknown value for unconnected_gradients: {value!r}. Expected one of "
            f"'none', 'zero' or a shenjing.UnconnectedGradients member."
        ) from None


def flat_targets(target):
    """The target's tensors, in order (numbers become constant Tensors)."""
    if target is None:
        raise ValueError(
            "Argument `target` should be a Tensor or a nested structure of Tensors to be "
            "differentiated, but received None."
        )
    flat = []
    for t in tree.flatten(target):
        if t is None:
            raise ValueError(
                f"Expected target to hold Tensors. Received: a None in target={target!r}"
            )
        flat.append(t if isinstance(t, Tensor) else Tensor(t))
    return flat


def flat_sources(sources):
    """The sources' tensors, in order; anything else is a ValueError naming its place."""
    flat = tree.flatten(sources)
    for i, s in enumerate(flat):
        if not isinstance(s, Tensor):
            raise ValueError(
                f"Expected sources to be Tensors, Variables or a nested structure of them. "
                f"Received: sources[{i}]={s!r} (of type {type(s).__name__})"
            )
    return flat


def flat_output_gradients(output_gradients, n_targets):
    """One gradient (or None: ones) per target tensor."""
    if output_gradients is None:
        return [None] * n_targets
    seeds = tree.flatten(output_gradients)
    if len(seeds) != n_targets:
        raise ValueError(
            f"Expected output_gradients to match the structure of target "
            f"({n_targets} tensors). Received: {len(seeds)} output gradients"
        )
    return seeds


class FirstOrderGradient(Function):
    """Identity on a gradient computed while a tape records; its backward refuses.

    Its inputs are the gradient, the targets and the source, so that differentiating
    anything computed from the gradient reaches this op and says why it cannot be done,
    instead of answering None or zeros.
    """

    def forward(self, value, *dependencies):
        return value

    def backward(self, grad):
        raise NotImplementedError(
            "Differentiating a gradient (a second-order gradient, e.g. nested "
            "GradientTapes or a gradient penalty) is not supported: shenjing's engine has "
            "no double backward. Compute the inner gradient inside "
            "`outer_tape.stop_recording()` if it is not to be differentiated."
        )
