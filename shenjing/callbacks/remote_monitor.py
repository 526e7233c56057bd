"""``keras.callbacks.RemoteMonitor``: POST each epoch's logs to a server.

At each epoch's end it sends ``{"epoch": epoch, **logs}`` (NumPy scalars unwrapped) to
``root + path``: as a form field ``field=<json>`` (``application/x-www-form-urlencoded``),
or with ``send_as_json=True`` as a JSON body. It uses the standard library (``urllib``) and
talks only to the URL given (Keras's default is a local server, ``http://localhost:9000``);
a server that cannot be reached gives a warning, not an error, as in Keras.
"""

import json
import urllib.error
import urllib.parse
import urllib.request
import warnings

import numpy as np

from .callback import Callback

_TIMEOUT_S = 10.0  # a server that accepts but never answers does not hang training


class RemoteMonitor(Callback):
    """``RemoteMonitor(root="http://localhost:9000", path="/publish/epoch/end/", field="data",
    headers=None, send_as_json=False)``."""

    def __init__(self, root="http://localhost:9000", path="/publish/epoch/end/", field="data",
                 headers=None, send_as_json=False):
        super().__init__()
        url = str(root) + str(path)
        if urllib.parse.urlparse(url).scheme not in ("http", "https"):
            raise ValueError("RemoteMonitor: expected `root` to be an http:// or https:// URL. "
                             f"Received: root={root!r}")
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def on_epoch_end(self, epoch, logs=None):
        send = {"epoch": epoch}
        for k, v in (logs or {}).items():
            send[k] = v.item() if isinstance(v, (np.ndarray, np.generic)) else v
        headers = dict(self.headers or {})
        if self.send_as_json:
            body = json.dumps(send).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode("utf-8")
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        request = urllib.request.Request(self.root + self.path, data=body, headers=headers,
                                         method="POST")
        try:
            # The answer's status is all we need: its body is never read, so an endless or
            # dripping body from the server cannot hold training or fill memory.
            with urllib.request.urlopen(request, timeout=_TIMEOUT_S):
                pass
        except (urllib.error.URLError, OSError):
            warnings.warn(f"Could not reach RemoteMonitor root server at {self.root}", stacklevel=2)
