#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Captures with hostile packet time, for tests/time/run.

usage: gen.py OUTDIR
Every capture holds one TCP flow on port 102 (handshake, then ACKs one second
apart) so a timer that fired on a wild frame would show as a flow timed out.
  backwards.pcap      t0 .. t0+4, then a frame 3 years before t0, then one 2 s
                      before the last (small steps back are normal), then on
  jump.pcap           t0 .. t0+4, one frame 5 years later, then t0+5 .. t0+9
  stepped.pcap        t0 .. t0+4, then 70 frames 3 years later: the clock steps
  epoch_max.pcap      t0 .., one frame at 0xffffffff s: libpcap reads a pcap
                      second as signed, so -1 s, before the epoch (invalid)
  ng_*.pcapng         pcapng with a hostile if_tsresol / if_tsoffset (see NG)"""
import os
import struct
import sys

T0 = 1700000000  # 2023-11-14
CLI, SRV = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(c2s, seq, ack, flags):
    src, dst = (CLI, SRV) if c2s else (SRV, CLI)
    sport, dport = (40000, 102) if c2s else (102, 40000)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 8192, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = b"\x00\x00\x00\x00\x00\x02" + b"\x00\x00\x00\x00\x00\x01" + b"\x08\x00"
    return eth + ip + tcp


def flow_frames(n):
    """A handshake, then n ACKs alternating direction."""
    out = [frame(True, 100, 0, 0x02), frame(False, 500, 101, 0x12), frame(True, 101, 501, 0x10)]
    for i in range(n):
        out.append(frame(i % 2 == 0, 101 if i % 2 == 0 else 501, 501 if i % 2 == 0 else 101, 0x10))
    return out


def write_pcap(path, recs):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for sec, usec, data in recs:
            f.write(struct.pack("<IIII", sec, usec, len(data), len(data)) + data)


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def block(btype, body):
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def write_pcapng(path, tsresol, tsoffset, stamps, frames):
    shb = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    opts = b""
    if tsresol is not None:
        opts += struct.pack("<HH", 9, 1) + pad4(bytes([tsresol]))
    if tsoffset is not None:
        opts += struct.pack("<HHq", 14, 8, tsoffset)
    if opts:
        opts += struct.pack("<HH", 0, 0)
    idb = block(1, struct.pack("<HHI", 1, 0, 65535) + opts)
    out = shb + idb
    for ts, data in zip(stamps, frames):
        body = struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(data), len(data)) + pad4(data)
        out += block(6, body)
    open(path, "wb").write(out)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    fr = flow_frames(12)
    # backwards: frames 0..7 at t0+i, then t0 - 3 years, then t0+5 (2 s back), on
    recs = [(T0 + i, 0, fr[i]) for i in range(8)]
    recs.append((T0 - 3 * 365 * 86400, 0, fr[8]))
    recs.append((T0 + 5, 0, fr[9]))
    recs += [(T0 + 8 + i, 0, fr[10 + i]) for i in range(5)]
    write_pcap(os.path.join(out, "backwards.pcap"), recs)
    # jump: one frame 5 years ahead in the middle
    recs = [(T0 + i, 0, fr[i]) for i in range(8)]
    recs.append((T0 + 5 * 365 * 86400, 0, fr[8]))
    recs += [(T0 + 8 + i, 0, fr[9 + i]) for i in range(6)]
    write_pcap(os.path.join(out, "jump.pcap"), recs)
    # stepped: the clock really moves 3 years and stays there
    many = flow_frames(80)
    recs = [(T0 + i, 0, many[i]) for i in range(8)]
    recs += [(T0 + 3 * 365 * 86400 + i, 0, many[8 + i]) for i in range(70)]
    write_pcap(os.path.join(out, "stepped.pcap"), recs)
    # epoch_max: 0xffffffff seconds, which libpcap reads as -1
    recs = [(T0 + i, 0, fr[i]) for i in range(4)]
    recs.append((0xFFFFFFFF, 999999, fr[4]))
    recs += [(T0 + 4 + i, 0, fr[5 + i]) for i in range(3)]
    write_pcap(os.path.join(out, "epoch_max.pcap"), recs)
    # pcapng: a microsecond clock, then hostile resolutions and offsets. Stamps are
    # in units of the declared resolution.
    us = [(T0 + i) * 1000000 for i in range(8)]
    ng = {
        # the fuzzer's case: the largest stamp at the default resolution is
        # 1.8e13 s, whose microseconds overflow int64
        "ng_max_stamp": (None, None, us[:4] + [0xFFFFFFFFFFFFFFFF] + us[5:]),
        # 10^0: whole seconds, a stamp of 2^63 s and more (tv_sec negative)
        "ng_res_1s": (0, None, [T0 + i for i in range(4)] + [1 << 63, (1 << 64) - 1] + [T0 + 6, T0 + 7]),
        # if_tsoffset: 2^62 s added to every stamp; every frame is wild
        "ng_offset": (None, 1 << 62, us),
        # if_tsoffset negative: before the epoch
        "ng_offset_neg": (None, -(1 << 40), us),
        # 2^-127 (0xff), 10^-127 (0x7f), 2^-72 (0xc8, what 10^-200 would wrap to),
        # 10^-19 and 2^-63 (the finest libpcap takes)
        "ng_res_0xff": (0xFF, None, us),
        "ng_res_0x7f": (0x7F, None, us),
        "ng_res_0xc8": (0xC8, None, us),
        "ng_res_1e-19": (19, None, [t * 10**13 % (1 << 64) for t in us]),
        "ng_res_2e-63": (0x80 | 63, None, us),
    }
    for name, (res, off, stamps) in ng.items():
        write_pcapng(os.path.join(out, name + ".pcapng"), res, off, stamps, fr[:len(stamps)])


main()
