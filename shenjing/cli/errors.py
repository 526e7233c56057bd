"""The CLI's one error type and the one-line form of any error.

Every error the ``shenjing`` command reports is one line: ``shenjing <command>: <message>``;
``one_line`` turns an exception into that message (OS errors as 'strerror: path', the type
named where the message alone would not say what happened, pages of config cut to their
start and end).
"""

MAX_MESSAGE = 600


class CLIError(Exception):
    """An error the command reports as one line (``shenjing <command>: <message>``)."""


def one_line(error):
    """``error`` as one line: OS errors as 'strerror: path', the type named where the message
    alone would not say what happened."""
    if isinstance(error, OSError) and error.strerror and error.filename is not None:
        text = f"{error.strerror}: '{error.filename}'"
    else:
        text = str(error) or type(error).__name__
    if isinstance(error, MemoryError):
        text = f"out of memory ({text})" if str(error) else "out of memory"
    elif not isinstance(error, (CLIError, ValueError, OSError, ImportError)):
        text = f"{type(error).__name__}: {text}"
    text = " ".join(text.split())
    # a config quoted whole can run to pages: keep the start (what failed) and the end (why)
    return text if len(text) <= MAX_MESSAGE else f"{text[:MAX_MESSAGE // 2]} ... {text[-MAX_MESSAGE // 2:]}"
