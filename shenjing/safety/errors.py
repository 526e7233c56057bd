"""The errors a reader of untrusted files raises.

    FormatError(ValueError)          the file is not what its format promises
    └── ResourceLimitError           it is, but it asks for more than a limit allows

Both carry ``path`` (the file, or ``None``) and ``reason`` (what was wrong); the
message is ``'<path>': <reason>``. Being ValueErrors, they are caught where Keras
users already catch a bad file.
"""


class FormatError(ValueError):
    """A malformed, truncated or hostile file: ``'<path>': <reason>``."""

    def __init__(self, path, reason):
        self.path = None if path is None else str(path)
        self.reason = str(reason)
        super().__init__(self.reason if self.path is None else f"'{self.path}': {self.reason}")


class ResourceLimitError(FormatError):
    """A file that would make a load use more memory, time or entries than a limit allows;
    the message names the limit and the environment variable that raises it."""
