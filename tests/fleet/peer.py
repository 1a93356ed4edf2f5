#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The far end of mmswatch's network EVE outputs, for tests/fleet/run.

  peer.py unix-dgram PATH COUNTFILE    read datagrams on a Unix socket
  peer.py unix-stream PATH COUNTFILE   read newline-delimited lines on a Unix socket
  peer.py subscribe PORT CHANNEL COUNTFILE
                                       a Redis subscriber (plain RESP, no client
                                       library), reconnecting while the server is away

Each counts whole records (a stream's unterminated piece at the end of a
connection is not one) and writes the count to COUNTFILE whenever it changes
and on SIGTERM, then exits. A record must be one JSON object: anything else is
counted apart (COUNTFILE holds "records bad").
"""
import json
import os
import signal
import socket
import sys
import time

records = 0
bad = 0
countfile = None


def save():
    tmp = countfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d %d\n" % (records, bad))
    os.replace(tmp, countfile)


def one(text):
    global records, bad
    try:
        ok = isinstance(json.loads(text), dict)
    except ValueError:
        ok = False
    if ok:
        records += 1
    else:
        bad += 1


sock = None  # the socket being read, drained before the reader goes


def stop(*_):
    # What the socket holds was sent and taken by the kernel: read it before
    # going, or it would be lost without anyone counting it.
    if sock is not None:
        sock.setblocking(False)
        try:
            while True:
                d = sock.recv(1 << 20)
                if not d:
                    break
                if sock.type == socket.SOCK_DGRAM:
                    one(d.decode("utf-8", "replace"))
                else:
                    for l in (pending[0] + d).split(b"\n")[:-1]:
                        one(l.decode("utf-8", "replace"))
                    pending[0] = (pending[0] + d).rsplit(b"\n", 1)[-1]
        except (BlockingIOError, OSError):
            pass
    save()
    sys.exit(0)


pending = [b""]


def unix(kind, path):
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM if kind == "unix-dgram" else socket.SOCK_STREAM)
    s.bind(path)
    save()
    global sock
    if kind == "unix-dgram":
        sock = s
        while True:
            one(s.recv(1 << 20).decode("utf-8", "replace"))
            save()
    s.listen(4)
    while True:
        c, _ = s.accept()
        sock = c
        pending[0] = b""
        while True:
            d = c.recv(1 << 16)
            if not d:
                break  # an unterminated piece is not a record
            *lines, pending[0] = (pending[0] + d).split(b"\n")
            for l in lines:
                one(l.decode("utf-8", "replace"))
            if lines:
                save()
        sock = None
        c.close()


def resp_read(f):
    """One RESP value from a file object."""
    line = f.readline()
    if not line:
        raise ConnectionError("closed")
    t, rest = line[:1], line[1:-2]
    if t in (b"+", b"-"):
        return rest.decode()
    if t == b":":
        return int(rest)
    if t == b"$":
        n = int(rest)
        if n < 0:
            return None
        data = f.read(n + 2)
        if len(data) < n + 2:
            raise ConnectionError("closed")
        return data[:-2]
    if t == b"*":
        return [resp_read(f) for _ in range(int(rest))]
    raise ValueError("bad RESP %r" % line)


def subscribe(port, channel):
    save()
    while True:
        try:
            s = socket.create_connection(("127.0.0.1", port))
        except OSError:
            time.sleep(0.05)
            continue
        try:
            ch = channel.encode()
            s.sendall(b"*2\r\n$9\r\nSUBSCRIBE\r\n$%d\r\n%s\r\n" % (len(ch), ch))
            f = s.makefile("rb")
            while True:
                m = resp_read(f)
                if isinstance(m, list) and m and m[0] == b"message":
                    one(m[2].decode("utf-8", "replace"))
                    save()
                elif isinstance(m, list) and m and m[0] == b"subscribe":
                    open(countfile + ".subscribed", "w").close()
        except (ConnectionError, OSError):
            pass
        s.close()
        time.sleep(0.05)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, stop)
    kind = sys.argv[1]
    if kind == "subscribe":
        countfile = sys.argv[4]
        subscribe(int(sys.argv[2]), sys.argv[3])
    else:
        countfile = sys.argv[3]
        unix(kind, sys.argv[2])
