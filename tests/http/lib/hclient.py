#!/usr/bin/env python3
"""hclient.py: HTTP clients curl cannot be: raw bytes, pipelining, slow and
many connections. Used by tests/http/*.sh; every mode prints one result
line and exits 0 when the server behaved, 1 otherwise (with the reason).

  raw PORT HEX_OR_TEXT       send the bytes (\\r\\n escapes), print what comes
                             back until the server closes (or 5 s), then
                             "CLOSED" or "OPEN"
  pipeline PORT PATH...      send one GET per path in a single write, read
                             the responses in order, print "STATUS LEN" each
  pipetime PORT PATH...      as pipeline, and when each response was whole:
                             "STATUS LEN MS" (milliseconds after the write)
  slowloris PORT SECONDS     send a request head one byte a second: print
                             "CUT AFTER N s, answered STATUS" (or ", no
                             answer") if the server closes first,
                             "SURVIVED" if the head could be sent whole
  many PORT N ROUNDS PATH    open N connections at once, send ROUNDS
                             requests on each in turn (keep-alive), print
                             "OK n" or the failures
"""
import asyncio
import socket
import sys
import time


def read_response(sock, buf):
    """One response from sock (buf: bytes already read). Returns (status,
    body, rest) or raises."""
    while b"\r\n\r\n" not in buf:
        d = sock.recv(65536)
        if not d:
            raise EOFError("closed inside a head")
        buf += d
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = 0
    chunked = False
    for l in lines[1:]:
        k, _, v = l.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v.strip())
        if k.strip().lower() == b"transfer-encoding" and b"chunked" in v.lower():
            chunked = True
    if chunked:
        body = b""
        while True:
            while b"\r\n" not in rest:
                rest += sock.recv(65536)
            line, _, rest = rest.partition(b"\r\n")
            n = int(line.split(b";")[0], 16)
            while len(rest) < n + 2:
                rest += sock.recv(65536)
            body += rest[:n]
            rest = rest[n + 2:]
            if n == 0:
                return status, body, rest
    while len(rest) < length:
        d = sock.recv(65536)
        if not d:
            raise EOFError("closed inside a body")
        rest += d
    return status, rest[:length], rest[length:]


def unescape(s):
    return s.encode().decode("unicode_escape").encode("latin-1")


def mode_raw(port, data):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(unescape(data))
    out = b""
    closed = False
    deadline = time.time() + 5
    try:
        while time.time() < deadline:
            d = s.recv(65536)
            if not d:
                closed = True
                break
            out += d
    except socket.timeout:
        pass
    except ConnectionResetError:
        closed = True
    sys.stdout.write(out.decode("latin-1"))
    print("\n" + ("CLOSED" if closed else "OPEN"))
    return 0


def mode_pipeline(port, paths):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    req = b"".join(b"GET " + p.encode() + b" HTTP/1.1\r\nHost: t\r\n\r\n" for p in paths)
    s.sendall(req)
    rest = b""
    for p in paths:
        status, body, rest = read_response(s, rest)
        print(status, len(body))
    return 0


def mode_pipetime(port, paths):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    req = b"".join(b"GET " + p.encode() + b" HTTP/1.1\r\nHost: t\r\n\r\n" for p in paths)
    t0 = time.time()
    s.sendall(req)
    rest = b""
    for p in paths:
        status, body, rest = read_response(s, rest)
        print(status, len(body), round((time.time() - t0) * 1000))
    return 0


def mode_slowloris(port, seconds):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    head = b"GET / HTTP/1.1\r\nHost: slow\r\nX-Filler: " + b"a" * 64 + b"\r\n\r\n"
    t0 = time.time()
    got = b""

    def cut():
        # What the server said before its close, read to the end.
        nonlocal got
        s.settimeout(3.0)
        try:
            while True:
                d = s.recv(4096)
                if not d:
                    break
                got += d
        except (socket.timeout, ConnectionResetError):
            pass
        said = ", no answer"
        if got.startswith(b"HTTP/1.1 "):
            said = ", answered " + got.split(b" ", 2)[1].decode("latin-1")
        elif got:
            said = ", answered garbage"
        print("CUT AFTER %d s%s" % (round(time.time() - t0), said))
        return 0

    for i, b in enumerate(head):
        if time.time() - t0 > seconds:
            break
        try:
            s.send(bytes([b]))
        except (BrokenPipeError, ConnectionResetError):
            return cut()
        # The server's answer or close shows on a read.
        s.settimeout(1.0)
        try:
            d = s.recv(1024)
            got += d
            if not d or got:
                return cut()
        except socket.timeout:
            pass
        except ConnectionResetError:
            return cut()
    print("SURVIVED")
    return 1


async def one_conn(port, rounds, path, results):
    try:
        r, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 30)
    except Exception as e:  # noqa: BLE001 - reported, not hidden
        results.append("connect: %r" % e)
        return
    return await rounds_on(r, w, rounds, path, results)


async def rounds_on(r, w, rounds, path, results):
    try:
        for _ in range(rounds):
            w.write(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: many\r\n\r\n")
            head = await asyncio.wait_for(r.readuntil(b"\r\n\r\n"), 60)
            status = int(head.split(b" ", 2)[1])
            n = 0
            for l in head.split(b"\r\n"):
                if l.lower().startswith(b"content-length:"):
                    n = int(l.split(b":")[1])
            await asyncio.wait_for(r.readexactly(n), 60)
            if status != 200:
                results.append("status %d" % status)
                break
            # Wait until every connection is open and has had a round, so
            # they are all there at once.
            await asyncio.sleep(0.5)
        else:
            results.append("ok")
    except Exception as e:  # noqa: BLE001
        results.append("round: %r" % e)
    finally:
        w.close()


async def many(port, n, rounds, path):
    results = []
    await asyncio.gather(*(one_conn(port, rounds, path, results) for _ in range(n)))
    return results


def mode_many(port, n, rounds, path):
    results = asyncio.run(many(port, n, rounds, path))
    good = results.count("ok")
    if good == n:
        print("OK %d" % good)
        return 0
    bad = [r for r in results if r != "ok"]
    print("FAILED %d of %d: %s" % (n - good, n, "; ".join(sorted(set(bad))[:5])))
    return 1


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    a = sys.argv[3:]
    if mode == "raw":
        return mode_raw(port, a[0])
    if mode == "pipeline":
        return mode_pipeline(port, a)
    if mode == "pipetime":
        return mode_pipetime(port, a)
    if mode == "slowloris":
        return mode_slowloris(port, float(a[0]))
    if mode == "many":
        return mode_many(port, int(a[0]), int(a[1]), a[2])
    print("unknown mode " + mode)
    return 2


if __name__ == "__main__":
    sys.exit(main())
