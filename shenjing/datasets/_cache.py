"""The dataset cache and the checked download that fills it.

Files live in ``$SHENJING_HOME/datasets`` (default ``~/.shenjing/datasets``).
A file found there is trusted as the user's own copy and only checked for its
format by the loader; a downloaded file enters the cache only after its SHA-256
matched, through a temporary file in the same folder and ``os.replace``, so a
failed or corrupted transfer never leaves a file behind.

The mirrors tried are the loader's ``MIRRORS`` list, or the base URLs in the
environment variable ``SHENJING_DATASETS_MIRROR`` (separated by spaces or
commas) when it is set.
"""

import hashlib
import os

MIRROR_ENV = "SHENJING_DATASETS_MIRROR"
TIMEOUT = 30.0  # seconds without data before a download is abandoned
CHUNK = 1 << 20


class DownloadError(OSError):
    """A download that failed or whose content did not match its SHA-256."""


class DatasetFormatError(ValueError):
    """A dataset file whose content is not what the loader expects."""


def cache_root():
    """``$SHENJING_HOME/datasets`` (default ``~/.shenjing/datasets``)."""
    home = os.environ.get("SHENJING_HOME") or os.path.join(os.path.expanduser("~"), ".shenjing")
    return os.path.join(os.path.expanduser(home), "datasets")


def mirrors(defaults):
    """The base URLs to try: ``$SHENJING_DATASETS_MIRROR`` if set, else ``defaults``."""
    override = os.environ.get(MIRROR_ENV, "").replace(",", " ").split()
    bases = override or list(defaults)
    return [base if base.endswith("/") else base + "/" for base in bases]


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def download(url, destination, sha256, timeout=None):
    """Stream ``url`` into ``destination`` if its SHA-256 is ``sha256``; else raise ``DownloadError``.

    Connection failures (refused, unreachable, timed out) are raised as
    ``ConnectionError`` so that callers can tell "offline" from "server said no".
    """
    import http.client
    import tempfile
    import urllib.error
    import urllib.request

    folder = os.path.dirname(os.path.abspath(destination))
    os.makedirs(folder, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(destination)}.", suffix=".part")
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            try:
                with urllib.request.urlopen(url, timeout=TIMEOUT if timeout is None else timeout) as response:
                    for chunk in iter(lambda: response.read(CHUNK), b""):
                        digest.update(chunk)
                        out.write(chunk)
            except urllib.error.HTTPError as e:
                raise DownloadError(f"{url}: the server answered HTTP {e.code} {e.reason}") from None
            except urllib.error.URLError as e:
                raise ConnectionError(f"{url}: cannot connect ({e.reason})") from None
            except (TimeoutError, ConnectionError) as e:
                raise ConnectionError(f"{url}: connection failed ({e})") from None
            except http.client.HTTPException as e:  # e.g. IncompleteRead: the transfer was cut short
                raise DownloadError(f"{url}: broken HTTP transfer ({e!r})") from None
            out.flush()
            os.fsync(out.fileno())
        actual = digest.hexdigest()
        if actual != sha256:
            raise DownloadError(
                f"{url}: SHA-256 mismatch, expected {sha256}, got {actual}; the download was discarded"
            )
        os.replace(partial, destination)
    except BaseException:
        if os.path.exists(partial):
            os.remove(partial)
        raise
    return destination


def fetch(fname, destination, sha256, bases, where_hint):
    """Download ``fname`` from the first of ``bases`` that serves it intact, into ``destination``.

    ``where_hint`` says where the user can put the file by hand; it ends every error.
    """
    failures = []
    for base in bases:
        url = base + fname
        try:
            return download(url, destination, sha256)
        except (ConnectionError, DownloadError) as e:
            failures.append(e)
    tried = "\n  ".join(str(e) for e in failures)
    if failures and all(isinstance(e, ConnectionError) for e in failures):
        raise FileNotFoundError(
            f"{fname} is not in the cache and cannot be downloaded (offline?). {where_hint}\n"
            f"Tried:\n  {tried}"
        )
    raise DownloadError(f"{fname} could not be downloaded.\n  {tried}\n{where_hint}")
