"""RemoteMonitor (against a local HTTP server thread: no external network) and SwapEMAWeights."""

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import numpy as np
import pytest

from shenjing import layers
from shenjing.callbacks import Callback, RemoteMonitor, SwapEMAWeights
from shenjing.models import Sequential
from shenjing.optimizers import SGD


@pytest.fixture
def server():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers["Content-Type"], self.headers.get("X-Run"), body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", received
    httpd.shutdown()
    httpd.server_close()


def _model(optimizer="sgd"):
    model = Sequential([layers.Input((3,)), layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    return model


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 3)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


def test_remote_monitor_posts_a_form_field_each_epoch(server):
    root, received = server
    x, y = _data()
    _model().fit(x, y, epochs=2, batch_size=8, verbose=0,
                 callbacks=[RemoteMonitor(root=root, path="/ep/", headers={"X-Run": "7"})])
    assert [r[0] for r in received] == ["/ep/", "/ep/"]
    assert received[0][1] == "application/x-www-form-urlencoded" and received[0][2] == "7"
    sent = [json.loads(urllib.parse.parse_qs(r[3].decode())["data"][0]) for r in received]
    assert [s["epoch"] for s in sent] == [0, 1] and all(isinstance(s["loss"], float) for s in sent)


def test_remote_monitor_sends_json_and_unwraps_numpy(server):
    root, received = server
    RemoteMonitor(root=root, send_as_json=True).on_epoch_end(3, {"loss": np.float32(0.5),
                                                              "acc": np.array(0.25)})
    path, ctype, _, body = received[0]
    assert path == "/publish/epoch/end/" and ctype == "application/json"
    assert json.loads(body) == {"epoch": 3, "loss": 0.5, "acc": 0.25}


def test_remote_monitor_warns_when_the_server_is_unreachable(server):
    root, _ = server
    dead = root.rsplit(":", 1)[0] + ":1"
    with pytest.warns(UserWarning, match="Could not reach RemoteMonitor root server"):
        RemoteMonitor(root=dead).on_epoch_end(0, {"loss": 1.0})


def test_remote_monitor_rejects_a_non_http_root():
    with pytest.raises(ValueError, match="root='file:///etc'"):
        RemoteMonitor(root="file:///etc")


class Snapshot(Callback):
    def __init__(self):
        super().__init__()
        self.seen = {}

    def on_test_begin(self, logs=None):
        self.seen.setdefault("test", []).append(self.model.get_weights()[0].copy())


def test_swap_ema_weights_evaluates_with_the_moving_averages():
    x, y = _data()
    model = _model(SGD(0.05, use_ema=True, ema_momentum=0.9))
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)  # ends with the averages in the model
    raw = [w.copy() for w in model.get_weights()]
    model.train_on_batch(x[:4], y[:4])
    trained = [w.copy() for w in model.get_weights()]
    averages = [b[0].copy() for b in (model.optimizer._base_slots[id(v)] for v in model.optimizer._vars)]
    snap = Snapshot()
    ema_loss = model.evaluate(x, y, verbose=0, callbacks=[SwapEMAWeights(), snap])
    np.testing.assert_allclose(snap.seen["test"][0], averages[0])
    assert not np.allclose(trained[0], raw[0])
    for w, t in zip(model.get_weights(), trained):  # swapped back after evaluate
        np.testing.assert_array_equal(w, t)
    raw_loss = model.evaluate(x, y, verbose=0)
    assert ema_loss != raw_loss
    model.predict(x, verbose=0, callbacks=[SwapEMAWeights()])
    for w, t in zip(model.get_weights(), trained):  # and after predict
        np.testing.assert_array_equal(w, t)


def test_swap_ema_weights_on_epoch_keeps_the_averages_at_the_end():
    x, y = _data()
    model = _model(SGD(0.05, use_ema=True, ema_momentum=0.5))
    logs = {}

    class Grab(Callback):
        def on_epoch_end(self, epoch, logs_=None):
            logs[epoch] = [w.copy() for w in self.model.get_weights()]

    model.fit(x, y, epochs=2, batch_size=4, verbose=0, validation_data=(x, y),
              callbacks=[SwapEMAWeights(swap_on_epoch=True), Grab()])
    for w, g in zip(model.get_weights(), logs[1]):  # the EMA weights seen at the last epoch end
        np.testing.assert_allclose(w, g)


def test_swap_ema_weights_needs_use_ema():
    x, y = _data()
    with pytest.raises(ValueError, match="use_ema=False"):
        _model().evaluate(x, y, verbose=0, callbacks=[SwapEMAWeights()])
