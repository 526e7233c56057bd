"""RemoteMonitor does not read the server's answer: an endless body neither holds training
nor fills memory (a local server thread; no external network)."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from shenjing.callbacks import RemoteMonitor


def test_endless_answer_does_not_hold_the_callback():
    stop = threading.Event()

    class Endless(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.end_headers()
            try:
                while not stop.is_set():  # an answer that never ends, one drop at a time
                    self.wfile.write(b"x" * 1024)
                    self.wfile.flush()
                    time.sleep(0.01)
            except OSError:
                pass

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Endless)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        monitor = RemoteMonitor(root=f"http://127.0.0.1:{httpd.server_address[1]}")
        call = threading.Thread(target=monitor.on_epoch_end, args=(0, {"loss": 1.0}), daemon=True)
        call.start()
        call.join(timeout=30)  # a hang detector: the call returns as soon as the status arrives
        assert not call.is_alive(), "RemoteMonitor kept reading an endless answer"
    finally:
        stop.set()
        httpd.shutdown()
        httpd.server_close()
