"""Fixtures for the dataset tests: an empty cache, tiny valid dataset files, a local HTTP server.

No test here may reach the network: every test runs with ``$SHENJING_HOME`` in
its own temporary folder and ``$SHENJING_DATASETS_MIRROR`` on a closed local
port unless it points the mirror at the local server itself.
"""

import gzip
import hashlib
import http.server
import io
import socket
import struct
import threading

import numpy as np
import pytest

from shenjing.datasets import fashion_mnist, mnist


def idx_bytes(array, code=0x08):
    header = struct.pack(">HBB", 0, code, array.ndim) + b"".join(struct.pack(">I", n) for n in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def tiny_split(n, seed):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n, dtype=np.uint8)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def closed_port_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def closed_url():
    """An http URL on a local port where nothing listens (connection refused)."""
    return closed_port_url()


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Empty cache in tmp_path; downloads aimed at a closed port; no Debian copy unless a test adds one."""
    monkeypatch.setenv("SHENJING_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SHENJING_DATASETS_MIRROR", closed_port_url())
    monkeypatch.setattr(fashion_mnist, "DEBIAN_DIR", str(tmp_path / "no-debian"))
    return tmp_path / "home" / "datasets"


@pytest.fixture
def cache(isolated):
    return isolated


@pytest.fixture
def mnist_arrays():
    (x_train, y_train), (x_test, y_test) = tiny_split(6, 0), tiny_split(4, 1)
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


@pytest.fixture
def mnist_npz(mnist_arrays):
    """Bytes of a tiny Keras-format mnist.npz."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **mnist_arrays)
    return buffer.getvalue()


@pytest.fixture
def fashion_files(mnist_arrays):
    """{file name: gzip-compressed IDX bytes} for the four Fashion-MNIST files, of tiny arrays."""
    return {name: gzip.compress(idx_bytes(mnist_arrays[key])) for key, name in fashion_mnist.FILES.items()}


@pytest.fixture
def mnist_hash(monkeypatch, mnist_npz):
    monkeypatch.setattr(mnist, "FILE_HASH", sha256(mnist_npz))


@pytest.fixture
def fashion_hashes(monkeypatch, fashion_files):
    monkeypatch.setattr(fashion_mnist, "FILE_HASHES", {name: sha256(data) for name, data in fashion_files.items()})


class LocalServer:
    """An HTTP server on 127.0.0.1 serving ``files`` (path -> bytes), or answering a path with
    ``handlers[path](request_handler)``, and logging request paths."""

    def __init__(self):
        self.files = {}
        self.handlers = {}  # path -> function(request handler): a custom (hostile) answer
        self.requests = []
        self.delay = 0.0
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                custom = server.handlers.get(self.path.lstrip("/"))
                if custom is not None:
                    try:
                        custom(self)
                    except (BrokenPipeError, ConnectionResetError):  # the client hung up, as it should
                        pass
                    return
                data = server.files.get(self.path.lstrip("/"))
                if data is None:
                    self.send_error(404, "Not Found")
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if server.delay:
                    threading.Event().wait(server.delay)
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(monkeypatch):
    """A running LocalServer, with ``$SHENJING_DATASETS_MIRROR`` pointing at it."""
    local = LocalServer()
    monkeypatch.setenv("SHENJING_DATASETS_MIRROR", local.url)
    yield local
    local.close()
