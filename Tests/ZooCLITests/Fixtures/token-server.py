#!/usr/bin/env python3
"""A small token server for CNCF Distribution's `auth: token:` (the registry tests only).

Usage: token-server.py PORT_FILE KEY.pem CERT.pem USER PASSWORD SERVICE ISSUER

Listens on 127.0.0.1 on a free port (written to PORT_FILE). GET /token with basic auth USER:PASSWORD
answers {"token": JWT} granting every requested scope; wrong or missing credentials get 401. The JWT
is RS256-signed with KEY.pem by `openssl dgst` and carries CERT.pem in its x5c header, which the
registry checks against its rootcertbundle (the same CERT.pem). Standard library only.
"""
import base64, json, os, subprocess, sys, time, uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs

port_file, key, cert, user, password, service, issuer = sys.argv[1:8]
with open(cert) as f:
    pem = f.read()
der_b64 = "".join(l for l in pem.splitlines() if l and not l.startswith("-----"))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(claims: dict) -> str:
    header = {"typ": "JWT", "alg": "RS256", "x5c": [der_b64]}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=signing_input.encode(),
                         capture_output=True, check=True).stdout
    return signing_input + "." + b64url(sig)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        sys.stderr.write("token-server: " + (fmt % args) + "\n")

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlparse(self.path)
        if url.path != "/token":
            return self.reply(404, {"errors": [{"code": "NOT_FOUND", "message": "no such endpoint"}]})
        auth = self.headers.get("Authorization", "")
        expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        if auth != expected:
            return self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "wrong user name or password"}]})
        query = parse_qs(url.query)
        access = []
        for scope in query.get("scope", []):
            for part in scope.split(" "):
                kind, _, rest = part.partition(":")
                name, _, actions = rest.rpartition(":")
                if kind and name:
                    access.append({"type": kind, "name": name, "actions": [a for a in actions.split(",") if a]})
        now = int(time.time())
        claims = {"iss": issuer, "sub": user, "aud": query.get("service", [service])[0], "exp": now + 300,
                  "nbf": now - 10, "iat": now, "jti": uuid.uuid4().hex, "access": access}
        self.reply(200, {"token": sign(claims), "expires_in": 300, "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))})


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
tmp = port_file + ".tmp"
with open(tmp, "w") as f:
    f.write(str(server.server_address[1]))
os.rename(tmp, port_file)
server.serve_forever()
