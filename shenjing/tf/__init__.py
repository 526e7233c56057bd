"""The TensorFlow-style names that Keras programs use (floor 8): ``import shenjing as tf``
then ``tf.reduce_mean``, ``tf.concat``, ``tf.constant``, ``tf.nn.softmax``, ``tf.math.exp``.

Every name is an alias of one ``shenjing.ops`` function (or of shenjing's Tensor and
Variable), with TensorFlow's argument names where they differ from Keras's.
``array_names`` holds the array functions, ``tensor_names`` the tensor, dtype and
conversion names; ``nn``, ``math``, ``linalg``, ``image`` and ``dtypes`` are the sub-namespaces
(reached as ``shenjing.nn`` etc.); ``tf.random`` is ``shenjing.random``.
"""

from .array_names import *  # noqa: F401,F403
from .tensor_names import *  # noqa: F401,F403
from .clip_names import *  # noqa: F401,F403
