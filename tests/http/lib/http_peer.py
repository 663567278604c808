#!/usr/bin/env python3
"""http_peer.py: the HTTP server tests/http/client.sh fetches from (python3's http.server).

    http_peer.py --port-file FILE     serve on 127.0.0.1, a port the kernel picks (written to FILE)
    http_peer.py --sha256 KIND SIZE   print the SHA-256 of the body /KIND?size=SIZE serves

Endpoints (every body is made by body(), so the test can know its digest):
    /hello                      "hello\\n" with Content-Length
    /length?size=N              N bytes of text with Content-Length
    /chunked?size=N             the same text chunked: chunk sizes vary, some chunks carry
                                extensions, the last chunk has a trailer
    /close?size=N               N binary bytes (every value 0-255), no length: ends by closing (HTTP/1.0)
    /short?size=N               says Content-Length N, sends half, closes
    /badchunk                   a chunk size that is not hex
    /interim                    a 103 Early Hints head, then the answer
    /empty                      204
    /slow?delay=S               waits S seconds before answering
    /stall?delay=S              sends the head and half the body, then waits S seconds
    /echo                       "METHOD LENGTH\\n" then the request body (any method)
    /to?code=C&loc=L            answers C with Location: L (relative or absolute, as given)
    /chain/N                    N redirects to /chain/0, each Location in another form
    /loop                       302 to itself
    /hits                       how many requests came so far, per path, as "path count" lines
"""
import hashlib
import http.server
import os
import socketserver
import sys
import threading
import time
import urllib.parse

LINE = b"%08d the quick brown fox jumps over the lazy dog\n"


def body(kind, size):
    """Deterministic bodies: text lines for most, every byte value for /close."""
    if kind == "close":
        unit = bytes(range(256))
        return (unit * (size // 256 + 1))[:size]
    out = bytearray()
    n = 0
    while len(out) < size:
        out += LINE % n
        n += 1
    return bytes(out[:size])


HITS = {}
HITS_LOCK = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "http_peer"

    def log_message(self, fmt, *args):  # quiet: the test reads the client's output
        pass

    def query(self):
        parts = urllib.parse.urlsplit(self.path)
        return parts.path, dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def send(self, code, data=b"", headers=(), length=True):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def handle_any(self):
        path, q = self.query()
        with HITS_LOCK:
            HITS[path] = HITS.get(path, 0) + 1
        req = self.read_body()
        size = int(q.get("size", "0"))
        if path == "/hello":
            self.send(200, b"hello\n", [("Content-Type", "text/plain")])
        elif path == "/length":
            self.send(200, body("length", size))
        elif path == "/chunked":
            data = body("chunked", size)
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Trailer", "X-Digest")
            self.end_headers()
            pos, i = 0, 0
            sizes = [1, 7, 4096, 65536, 13, 100000, 2, 32768, 999]
            while pos < len(data):
                n = min(sizes[i % len(sizes)], len(data) - pos)
                ext = b";name=value" if i % 3 == 0 else b""
                self.wfile.write(b"%x%s\r\n" % (n, ext) + data[pos:pos + n] + b"\r\n")
                pos += n
                i += 1
            digest = hashlib.sha256(data).hexdigest().encode()
            self.wfile.write(b"0\r\nX-Digest: " + digest + b"\r\n\r\n")
        elif path == "/close":
            self.close_connection = True
            self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n")
            self.wfile.write(body("close", size))
        elif path == "/short":
            self.close_connection = True
            data = body("length", size)
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
        elif path == "/badchunk":
            self.close_connection = True
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(b"5\r\nhello\r\nzz\r\nworld\r\n0\r\n\r\n")
        elif path == "/interim":
            self.wfile.write(b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n")
            self.send(200, b"after the hints\n")
        elif path == "/empty":
            self.send(204, length=False)
        elif path == "/slow":
            time.sleep(float(q.get("delay", "5")))
            self.send(200, b"late\n")
        elif path == "/stall":
            self.send_response(200)
            self.send_header("Content-Length", "10")
            self.end_headers()
            self.wfile.write(b"12345")
            self.wfile.flush()
            time.sleep(float(q.get("delay", "5")))
            self.wfile.write(b"67890")
        elif path == "/echo":
            self.send(200, b"%s %d\n" % (self.command.encode(), len(req)) + req)
        elif path == "/to":
            self.send(int(q.get("code", "302")), b"see elsewhere\n", [("Location", q.get("loc", "/hello"))])
        elif path.startswith("/chain/"):
            # Every form a Location takes, one per hop: 4 -> 3 relative path, 3 -> 2 absolute
            # path, 2 -> 1 scheme-relative, 1 -> 0 absolute URI naming the host "localhost".
            port = self.server.server_address[1]
            hops = {
                "4": (302, "3"),
                "3": (307, "/chain/2"),
                "2": (308, "//127.0.0.1:%d/chain/1" % port),
                "1": (301, "http://localhost:%d/chain/0?x=1" % port),
            }
            n = path[len("/chain/"):]
            if n in hops:
                self.send(hops[n][0], b"", [("Location", hops[n][1])])
            else:
                self.send(200, b"%s %s %s %d\n" % (self.command.encode(), self.path.encode(),
                                                   (self.headers.get("Host") or "").encode(), len(req)))
        elif path == "/loop":
            self.send(302, b"", [("Location", "/loop")])
        elif path == "/hits":
            with HITS_LOCK:
                text = "".join("%s %d\n" % kv for kv in sorted(HITS.items()))
            self.send(200, text.encode())
        else:
            self.send(404, b"no such thing\n")

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = handle_any


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--sha256":
        print(hashlib.sha256(body(sys.argv[2], int(sys.argv[3]))).hexdigest())
        return
    if len(sys.argv) != 3 or sys.argv[1] != "--port-file":
        sys.exit("usage: http_peer.py --port-file FILE | --sha256 KIND SIZE")
    srv = Server(("127.0.0.1", 0), Handler)
    tmp = sys.argv[2] + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, sys.argv[2])
    srv.serve_forever()


if __name__ == "__main__":
    main()
