#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""ied_closes.py IN OUT - a copy of a capture whose last frame, a TCP RST from the
client, comes from the server instead (ports swapped, sequence numbers of the
server's side): the IED, not the client, closes the connection.

Made for ITI__IEC61850_MMSCmd_iec61850_write.pcap, whose session Accept is
malformed but whose association carries a Write, its response and a Conclude:
a close by the IED after that is still no refusal."""
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def main():
    raw = open(sys.argv[1], "rb").read()
    ghdr, body = raw[:24], raw[24:]
    endian = "<" if ghdr[:4] == b"\xd4\xc3\xb2\xa1" else ">"
    linktype = struct.unpack(endian + "I", ghdr[20:24])[0]
    frames, off = [], 0
    while off + 16 <= len(body):
        ts1, ts2, incl, orig = struct.unpack(endian + "IIII", body[off:off + 16])
        frames.append([body[off:off + 16], bytearray(body[off + 16:off + 16 + incl])])
        off += 16 + incl
    l2 = {1: 14, 0: 4, 113: 16, 101: 0, 12: 0}[linktype]

    def tcp(frame):
        ip = l2
        ihl = (frame[ip] & 0x0F) * 4
        return ip, ip + ihl

    last, prev = frames[-1][1], frames[-2][1]
    ip, t = tcp(last)
    pip, pt = tcp(prev)
    sport, dport = struct.unpack("!HH", last[t:t + 4])
    pseq, pack = struct.unpack("!II", prev[pt + 4:pt + 12])
    # the previous frame is the client's ACK: its ack is the server's next seq
    struct.pack_into("!HHII", last, t, dport, sport, pack, pseq)
    last[t + 13] = 0x14  # RST, ACK
    src, dst = bytes(last[ip + 12:ip + 16]), bytes(last[ip + 16:ip + 20])
    last[ip + 12:ip + 16], last[ip + 16:ip + 20] = dst, src
    seg_len = struct.unpack("!H", last[ip + 2:ip + 4])[0] - (t - ip)
    last[t + 16:t + 18] = b"\0\0"
    pseudo = dst + src + struct.pack("!BBH", 0, 6, seg_len)
    struct.pack_into("!H", last, t + 16, csum(pseudo + bytes(last[t:t + seg_len])))
    with open(sys.argv[2], "wb") as out:
        out.write(ghdr)
        for hdr, data in frames:
            out.write(hdr)
            out.write(bytes(data))


main()
