"""Floor 7: saving and loading, in Keras 3's file formats.

``save_model``/``load_model``: the ``.keras`` zip (config.json, metadata.json,
model.weights.h5); ``save_weights``/``load_weights``: ``.weights.h5`` (Keras 3's
layout) or ``.safetensors``, chosen by suffix from the table in ``formats.py``.
``pickle``/``copy.deepcopy`` of a model carry its ``.keras`` bytes (``saving_lib``'s
``model_to_bytes``/``model_from_bytes``, the same writer and safe reader). The
walk (``state.py``) hands each layer, metric and optimizer a store; each object
writes and reads its own variables (``save_own_variables``/``load_own_variables``). Loading runs no code from the file: custom classes load
when registered with ``register_keras_serializable`` or passed in ``custom_objects``.
A malformed or hostile file of any format raises ``FormatError`` (a ValueError; its
``ResourceLimitError`` when the file asks for more than a limit of ``shenjing.safety``
allows), and every load runs inside ``shenjing.safety.load_budget(filepath)``.
"""

# Every built-in class registers itself where it is defined: import the floors whose classes a
# file can name (Functional, Sequential, layers, losses, metrics, optimizers, callbacks), so that
# ``shenjing.saving.load_model`` works in a program that imported nothing else.
from .. import callbacks, constraints, layers, losses, metrics, models, optimizers  # noqa: F401
from ..registry import (CustomObjectScope, custom_object_scope, get_custom_objects,
                        get_registered_name, get_registered_object, register_keras_serializable)
from ..safety import FormatError, ResourceLimitError
from ..serialization import deserialize_keras_object, serialize_keras_object
from .saving_lib import load_model, load_weights, model_from_json, save_model, save_weights

__all__ = ["save_model", "load_model", "save_weights", "load_weights", "model_from_json",
           "register_keras_serializable", "get_registered_name", "get_registered_object",
           "get_custom_objects", "custom_object_scope", "CustomObjectScope",
           "serialize_keras_object", "deserialize_keras_object", "FormatError",
           "ResourceLimitError"]
