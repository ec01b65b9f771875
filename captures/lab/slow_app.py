#!/usr/bin/env python3
"""Tiny upstream for the app-slow scenario: nginx proxies to it on 127.0.0.1:8081.

While the flag file given as argv[2] exists, every response is delayed by a random
3-8 s (beyond the clients' 5 s timeout about 60 % of the time); otherwise it answers
at once. Python standard library only.
"""
import os
import random
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(sys.argv[1])
FLAG = sys.argv[2]
BODY = (b"<!doctype html><title>alibi lab app</title><p>" + b"x" * 1900 + b"</p>\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self):
        if os.path.exists(FLAG):
            time.sleep(random.uniform(3.0, 8.0))
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        try:
            self.wfile.write(BODY)
        except OSError:
            pass

    def log_message(self, *args):
        pass


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer.request_queue_size = 128
ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
