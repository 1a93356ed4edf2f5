#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Build seed corpora for the fuzz targets from the captures in pcaps/.

usage: make-seeds.py OUTDIR PCAP...
Writes OUTDIR/<target>/<n> files: TPKTs (cotp), COTP TSDUs (session), presentation
PPDUs (pres, first byte = expected kind), ACSE APDUs (acse), MMS PDUs (mms, ber),
TLS records (tls), chunked TCP streams (stream) and small whole captures (pcap).
Standard library only; the TCP handling is deliberately naive (seeds need not be
perfect, they only give the fuzzer a start)."""
import hashlib
import os
import struct
import sys


def packets(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        return  # pcapng: not needed for seeds
    linktype = struct.unpack(end + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(end + "IIII", data[off:off + 16])
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        yield linktype, pkt


def tcp_payload(linktype, pkt):
    if linktype != 1 or len(pkt) < 14:
        return None
    et = struct.unpack(">H", pkt[12:14])[0]
    i = 14
    while et in (0x8100, 0x88a8):
        et = struct.unpack(">H", pkt[i + 2:i + 4])[0]
        i += 4
    if et != 0x0800:
        return None
    ip = pkt[i:]
    if len(ip) < 20 or ip[9] != 6:
        return None
    ihl = (ip[0] & 15) * 4
    total = struct.unpack(">H", ip[2:4])[0]
    tcp = ip[ihl:total]
    if len(tcp) < 20:
        return None
    sport, dport, seq = struct.unpack(">HHI", tcp[:8])
    doff = (tcp[12] >> 4) * 4
    key = (ip[12:16], sport, ip[16:20], dport)
    return key, seq, tcp[doff:]


def streams(path):
    """Per (connection, direction): bytes in arrival order, retransmissions dropped."""
    out, seen = {}, set()
    for lt, pkt in packets(path):
        r = tcp_payload(lt, pkt)
        if not r or not r[2]:
            continue
        key, seq, payload = r
        if (key, seq) in seen:
            continue
        seen.add((key, seq))
        out.setdefault(key, bytearray()).extend(payload)
    return out


def ber_len(b, i):
    """(length, header bytes after the tag) at b[i]; None if not definite."""
    if i >= len(b):
        return None
    l0 = b[i]
    if l0 < 0x80:
        return l0, 1
    n = l0 & 0x7f
    if n == 0 or n > 4 or i + 1 + n > len(b):
        return None
    return int.from_bytes(b[i + 1:i + 1 + n], "big"), 1 + n


def tpkts(stream):
    i = 0
    while i + 4 <= len(stream):
        if stream[i] != 3 or stream[i + 1] != 0:
            return
        n = struct.unpack(">H", stream[i + 2:i + 4])[0]
        if n < 7 or i + n > len(stream):
            return
        yield bytes(stream[i:i + n])
        i += n


def main():
    outdir, pcaps = sys.argv[1], sys.argv[2:]
    seeds = {t: set() for t in ("cotp", "session", "pres", "acse", "mms", "ber", "tls", "stream", "pcap", "decode_ahead",
                                "frame_peek")}
    for p in pcaps:
        if os.path.getsize(p) < 64 * 1024:
            seeds["pcap"].add(open(p, "rb").read())
        # whole Ethernet frames for the reader thread's decoding ahead
        for linktype, pkt in packets(p):
            # every frame for the reader's look at the headers, its first byte
            # picking the shard (fuzz_frame_peek.c)
            if linktype == 1 and len(seeds["frame_peek"]) < 4000:
                for b in (0x00, 0x05, 0x86):
                    seeds["frame_peek"].add(bytes([b]) + bytes(pkt))
            seg = tcp_payload(linktype, pkt)
            if seg and seg[2][:1] == b"\x03":
                seeds["decode_ahead"].add(bytes(pkt))
        for key, st in streams(p).items():
            if st[:1] == b"\x16":
                seeds["tls"].add(bytes(st[:4096]))
                continue
            chunks = bytearray()
            for k in range(0, min(len(st), 2000), 100):
                piece = st[k:k + 100]
                chunks += bytes([len(piece) | (0x80 if key[1] == 102 else 0)]) + piece
            seeds["stream"].add(bytes(chunks))
            for t in tpkts(st):
                seeds["cotp"].add(t)
                cotp = t[4:]
                if len(cotp) < 3 or cotp[1] != 0xF0:
                    continue
                tsdu = cotp[cotp[0] + 1:]
                seeds["session"].add(tsdu)
                # data phase: 01 00 01 00 then fully-encoded data
                if tsdu[:4] == b"\x01\x00\x01\x00":
                    ppdu = tsdu[4:]
                    seeds["pres"].add(bytes([4]) + ppdu)
                    # 61 L 30 L 02 01 ctx a0 L <value>
                    j = 1
                    l1 = ber_len(ppdu, j)
                    if not l1:
                        continue
                    j += l1[1] + 1
                    l2 = ber_len(ppdu, j)
                    if not l2:
                        continue
                    j += l2[1]
                    if ppdu[j:j + 2] != b"\x02\x01":
                        continue
                    j += 3
                    l3 = ber_len(ppdu, j + 1)
                    if not l3:
                        continue
                    value = ppdu[j + 1 + l3[1]:j + 1 + l3[1] + l3[0]]
                    if value[:1] and 0x60 <= value[0] <= 0x64:
                        seeds["acse"].add(value)
                    elif value:
                        seeds["mms"].add(value)
                        seeds["ber"].add(value)
                elif tsdu[:1] in (b"\x0d", b"\x0e", b"\x19", b"\x09", b"\x0a"):
                    k = tsdu.find(b"\x31")
                    if k > 0 and tsdu[0] in (0x0D, 0x0E):
                        seeds["pres"].add(bytes([0 if tsdu[0] == 0x0D else 1]) + tsdu[k:])
                    # ACSE APDUs sit behind an a0 (single-ASN1-type) wrapper
                    for k in range(len(tsdu) - 3):
                        if tsdu[k] == 0xA0 and 0x60 <= tsdu[k + 2] <= 0x64:
                            l = ber_len(tsdu, k + 3)
                            if l:
                                seeds["acse"].add(bytes(tsdu[k + 2:k + 3 + l[1] + l[0]]))
                elif tsdu[:1] and tsdu[0] >= 0xA0:
                    seeds["mms"].add(tsdu)
    for target, items in seeds.items():
        d = os.path.join(outdir, target)
        os.makedirs(d, exist_ok=True)
        for item in sorted(items)[:400]:
            name = hashlib.sha1(item).hexdigest()[:16]
            with open(os.path.join(d, name), "wb") as f:
                f.write(item)
        print(f"{target}: {min(len(items), 400)} seeds")


if __name__ == "__main__":
    main()
