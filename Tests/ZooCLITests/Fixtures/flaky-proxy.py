#!/usr/bin/env python3
"""A proxy in front of a registry that answers 503 the first time it sees each bodiless request
(HEAD, GET, and POST/PUT without a body), then forwards it: a registry that is restarting or
overloaded (the registry tests only).

Usage: flaky-proxy.py PORT_FILE UPSTREAM_PORT

Listens on 127.0.0.1 on a free port (written to PORT_FILE) and forwards to 127.0.0.1:UPSTREAM_PORT,
keeping the Host header so the registry's Location headers point back at the proxy. Prints one line
per refused request to stderr. Standard library only.
"""
import http.client, os, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port_file, upstream = sys.argv[1], int(sys.argv[2])
seen, lock = set(), threading.Lock()


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def handle_one(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        key = (self.command, self.path.split("?")[0])
        with lock:
            first = not body and key not in seen
            seen.add(key)
        if first:
            print("503", self.command, self.path, file=sys.stderr, flush=True)
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        conn = http.client.HTTPConnection("127.0.0.1", upstream, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "content-length")}
        headers["Content-Length"] = str(len(body))
        conn.request(self.command, self.path, body=body, headers=headers)
        reply = conn.getresponse()
        data = reply.read()
        self.send_response(reply.status)
        for k, v in reply.getheaders():
            if k.lower() not in ("connection", "content-length", "transfer-encoding"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        conn.close()

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = handle_one

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
tmp = port_file + ".tmp"
with open(tmp, "w") as f:
    f.write(str(server.server_address[1]))
os.replace(tmp, port_file)
server.serve_forever()
