#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write a pcap of N TCP SYNs to one IED on port 102, each from its own source
port and address (a SYN flood at line rate: 10 us apart). With GAP (seconds),
the second half of the SYNs comes GAP seconds after the first: two storms.
Standard library only.

usage: gen_syns.py OUT.pcap [N [GAP]]"""
import struct
import sys


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def main():
    out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    gap_us = int(float(sys.argv[3]) * 1000000) if len(sys.argv) > 3 else 0
    dst = bytes([10, 0, 0, 1])
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i in range(n):
            src = bytes([10, 1 + (i >> 16) % 200, (i >> 8) & 255, i & 255])
            sport = 1024 + i % 60000
            tcp = struct.pack("!HHIIBBHHH", sport, 102, 1000 + i, 0, 5 << 4, 0x02, 64240, 0, 0)
            pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
            tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), i & 0xffff, 0x4000, 64, 6, 0, src, dst)
            ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
            frame = b"\x02\0\0\0\0\x01" + b"\x02\0\0\0\0\x02" + b"\x08\x00" + ip + tcp
            ts = i * 10 + (gap_us if i >= n // 2 else 0)
            f.write(struct.pack("<IIII", 1700000000 + ts // 1000000, ts % 1000000, len(frame), len(frame)))
            f.write(frame)


if __name__ == "__main__":
    main()
