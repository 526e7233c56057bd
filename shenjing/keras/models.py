"""``keras.models``: ``Model``, ``Sequential``, ``clone_model``, and loading and saving whole models."""

from ..models import Model, Sequential  # noqa: F401
from ..models.cloning import clone_model  # noqa: F401
from ..saving import load_model, model_from_json, save_model  # noqa: F401
