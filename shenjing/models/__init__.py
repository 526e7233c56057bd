"""Floor 5: models (functional, subclassed, Sequential) and the trainer."""

from .model import Model
from .sequential import Sequential
from .cloning import clone_model
