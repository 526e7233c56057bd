"""Floor 2: tensors, reverse-mode autodiff and the ops."""

from .tensor import Tensor, as_tensor, tensor  # first: the ops import Tensor from it
from .function import Function
from .graph import (check_numerics, disable_check_numerics, enable_check_numerics,
                    enable_grad, grad, is_grad_enabled, no_grad)
from .variable import Variable
from .tape import GradientTape
from .tape_arguments import UnconnectedGradients
from .gradcheck import gradcheck, numerical_gradient
from .masking import get_keras_mask, set_keras_mask
