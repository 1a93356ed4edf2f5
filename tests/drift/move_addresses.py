#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Move the IPv4 addresses of a classic pcap (Ethernet, 802.1Q tags): the
drift test's "same site, devices readdressed" capture.

usage: move_addresses.py IN OUT OLD=NEW [OLD=NEW ...]

Every IPv4 source and destination equal to OLD becomes NEW; the IPv4 header
checksum and the TCP/UDP checksum (over the new pseudo-header) are recomputed,
so that the result reads like a real capture. Frames of other kinds pass
unchanged. Exits 2 on a file it cannot read."""
import socket
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def rewrite(frame, moves):
    off = 12
    etype = struct.unpack_from("!H", frame, off)[0]
    while etype in (0x8100, 0x88A8) and len(frame) >= off + 6:
        off += 4
        etype = struct.unpack_from("!H", frame, off)[0]
    off += 2
    if etype != 0x0800 or len(frame) < off + 20:
        return frame
    ihl = (frame[off] & 0x0F) * 4
    total = struct.unpack_from("!H", frame, off + 2)[0]
    src, dst = frame[off + 12:off + 16], frame[off + 16:off + 20]
    nsrc, ndst = moves.get(src, src), moves.get(dst, dst)
    if (nsrc, ndst) == (src, dst):
        return frame
    b = bytearray(frame)
    b[off + 12:off + 16] = nsrc
    b[off + 16:off + 20] = ndst
    b[off + 10:off + 12] = b"\0\0"
    b[off + 10:off + 12] = struct.pack("!H", csum(bytes(b[off:off + ihl])))
    proto = b[off + 9]
    frag = struct.unpack_from("!H", b, off + 6)[0]
    l4 = off + ihl
    end = min(off + total, len(b))
    if proto in (6, 17) and (frag & 0x1FFF) == 0 and not (frag & 0x2000) and off + total <= len(b):
        coff = l4 + (16 if proto == 6 else 6)
        if coff + 2 <= end and not (proto == 17 and b[coff:coff + 2] == b"\0\0"):
            b[coff:coff + 2] = b"\0\0"
            pseudo = bytes(nsrc + ndst) + struct.pack("!BBH", 0, proto, end - l4)
            c = csum(pseudo + bytes(b[l4:end]))
            if proto == 17 and c == 0:
                c = 0xFFFF
            b[coff:coff + 2] = struct.pack("!H", c)
    return bytes(b)


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    moves = {}
    for m in sys.argv[3:]:
        old, new = m.split("=")
        moves[socket.inet_aton(old)] = socket.inet_aton(new)
    try:
        data = open(sys.argv[1], "rb").read()
    except OSError as e:
        print("move_addresses: %s" % e, file=sys.stderr)
        return 2
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        print("move_addresses: %s: not a classic pcap" % sys.argv[1], file=sys.stderr)
        return 2
    if struct.unpack_from(e + "I", data, 20)[0] != 1:
        print("move_addresses: %s: only Ethernet captures" % sys.argv[1], file=sys.stderr)
        return 2
    out = [data[:24]]
    pos = 24
    while pos + 16 <= len(data):
        ts_s, ts_f, incl, orig = struct.unpack_from(e + "IIII", data, pos)
        frame = data[pos + 16:pos + 16 + incl]
        pos += 16 + incl
        frame = rewrite(frame, moves) if len(frame) >= 34 else frame
        out.append(struct.pack(e + "IIII", ts_s, ts_f, len(frame), orig) + frame)
    open(sys.argv[2], "wb").write(b"".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
