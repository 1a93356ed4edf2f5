#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""gen_assocs.py: a pcap of N MMS associations that stay open (idle-association memory).

    gen_assocs.py [--source PCAP] [--servers K] COUNT OUT.pcap

Every association is a TCP handshake, then the TCP payloads of the first connection of
the source capture up to its close (by default clean_browse.pcap: COTP CR/CC, MMS
initiate request/response, one confirmed request/response), each acknowledged, and
then nothing: no FIN, no RST, so each association is still open when the capture ends.

Association i runs from client 172.16.(i/250).(i%250+1):(49152+i%16000) to server
10.0.(s/250).(s%250+1):102, s = i%K (K = --servers, default 10, the same for every
COUNT so that two runs differ only in the number of associations; up to 64000). Associations start 1 ms apart,
packets within one 50 us apart. Ethernet/IPv4/TCP with correct checksums, microsecond
pcap. Same arguments -> same bytes. Standard library only.
"""
import argparse
import os
import struct
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SOURCES = [os.path.normpath(p) for p in (
    os.path.join(_HERE, "..", "..", "..", "shared", "pcaps", "clean_browse.pcap"),
    os.path.join(_HERE, "..", "..", "pcaps", "clean_browse.pcap"),
)]

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def read_pcap(path):
    """Yield (link-layer frame bytes) of a classic pcap file with Ethernet link type."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise SystemExit(f"{path}: too short for a pcap file")
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        raise SystemExit(f"{path}: not a classic pcap file (pcapng? convert with editcap -F pcap)")
    linktype = struct.unpack(end + "I", data[20:24])[0]
    if linktype != 1:
        raise SystemExit(f"{path}: link type {linktype}, only Ethernet (1) is supported")
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(end + "IIII", data[off:off + 16])
        off += 16
        yield data[off:off + caplen]
        off += caplen


def parse_tcp(frame):
    """(src, sport, dst, dport, seq, flags, payload) of an Ethernet/[VLAN]/IPv4/TCP frame, or None."""
    off = 12
    etype = struct.unpack("!H", frame[off:off + 2])[0]
    off += 2
    while etype in (0x8100, 0x88A8) and len(frame) >= off + 4:
        etype = struct.unpack("!H", frame[off + 2:off + 4])[0]
        off += 4
    if etype != 0x0800 or len(frame) < off + 20:
        return None
    ihl = (frame[off] & 0x0F) * 4
    total = struct.unpack("!H", frame[off + 2:off + 4])[0]
    if frame[off + 9] != 6:
        return None
    src, dst = frame[off + 12:off + 16], frame[off + 16:off + 20]
    ip_end = off + total
    t = off + ihl
    sport, dport, seq = struct.unpack("!HHI", frame[t:t + 8])
    doff = (frame[t + 12] >> 4) * 4
    flags = frame[t + 13]
    return src, sport, dst, dport, seq, flags, frame[t + doff:ip_end]


def first_connection_payloads(path):
    """[(from_client, payload)] of the first TCP connection whose SYN is in the capture,
    in capture order, retransmissions dropped, up to its first FIN or RST."""
    key = None
    nxt = {}
    out = []
    for frame in read_pcap(path):
        p = parse_tcp(frame)
        if p is None:
            continue
        src, sport, dst, dport, seq, flags, payload = p
        if key is None:
            if flags & SYN and not flags & ACK:
                key = (src, sport, dst, dport)
                nxt[True] = (seq + 1) & 0xFFFFFFFF
            continue
        if (src, sport, dst, dport) == key:
            c2s = True
        elif (dst, dport, src, sport) == key:
            c2s = False
        else:
            continue
        if flags & SYN:
            nxt[False] = (seq + 1) & 0xFFFFFFFF
            continue
        if payload:
            exp = nxt.get(c2s)
            if exp is not None and ((seq - exp) & 0xFFFFFFFF) >= 0x80000000:
                continue  # retransmission of bytes already taken
            out.append((c2s, bytes(payload)))
            nxt[c2s] = (seq + len(payload)) & 0xFFFFFFFF
        if flags & (FIN | RST):
            break
    if key is None or not out:
        raise SystemExit(f"{path}: no TCP connection with a SYN and payload found")
    return out


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def frame(src, sport, dst, dport, seq, ack, flags, payload, ipid):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp) + len(payload))
    c = csum(pseudo + tcp + payload)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), ipid & 0xFFFF,
                     0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    # MACs: 02:00:<ip> (locally administered), derived from the IPv4 address
    eth = b"\x02\x00" + dst + b"\x02\x00" + src + b"\x08\x00"
    return eth + ip + tcp + payload


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("count", type=int)
    ap.add_argument("out")
    ap.add_argument("--source", help="capture to copy the first connection's payloads from")
    ap.add_argument("--servers", type=int, default=10)
    a = ap.parse_args()
    if a.count < 1 or a.count > 250 * 256:
        raise SystemExit("count must be 1..64000")
    if a.servers < 1 or a.servers > 250 * 256:
        raise SystemExit("--servers must be 1..64000")
    src_path = a.source
    if src_path is None:
        src_path = next((p for p in DEFAULT_SOURCES if os.path.exists(p)), None)
        if src_path is None:
            raise SystemExit("clean_browse.pcap not found; pass --source")
    payloads = first_connection_payloads(src_path)

    t0 = 1767225600  # 2026-01-01T00:00:00Z
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]

    def emit(usec, data):
        out.append(struct.pack("<IIII", t0 + usec // 1000000, usec % 1000000, len(data), len(data)))
        out.append(data)

    for i in range(a.count):
        cip = bytes([172, 16, i // 250, i % 250 + 1])
        sip = bytes([10, 0, (i % a.servers) // 250, (i % a.servers) % 250 + 1])
        cport, sport = 49152 + i % 16000, 102
        cseq = (i * 2654435761 + 1000) & 0xFFFFFFFF
        sseq = (i * 40503 * 65536 + 7) & 0xFFFFFFFF
        t = i * 1000
        ipid = i * 16
        emit(t, frame(cip, cport, sip, sport, cseq, 0, SYN, b"", ipid)); t += 50
        emit(t, frame(sip, sport, cip, cport, sseq, cseq + 1, SYN | ACK, b"", ipid + 1)); t += 50
        cseq += 1
        sseq += 1
        emit(t, frame(cip, cport, sip, sport, cseq, sseq, ACK, b"", ipid + 2)); t += 50
        n = 3
        for c2s, pl in payloads:
            if c2s:
                emit(t, frame(cip, cport, sip, sport, cseq & 0xFFFFFFFF, sseq & 0xFFFFFFFF, PSH | ACK, pl, ipid + n))
                cseq += len(pl)
            else:
                emit(t, frame(sip, sport, cip, cport, sseq & 0xFFFFFFFF, cseq & 0xFFFFFFFF, PSH | ACK, pl, ipid + n))
                sseq += len(pl)
            t += 50
            n += 1
        # the client acknowledges the last data, then the association goes quiet
        emit(t, frame(cip, cport, sip, sport, cseq & 0xFFFFFFFF, sseq & 0xFFFFFFFF, ACK, b"", ipid + n))

    tmp = a.out + ".part"
    with open(tmp, "wb") as f:
        f.write(b"".join(out))
    os.replace(tmp, a.out)
    sys.stderr.write(f"gen_assocs: {a.count} open associations ({len(payloads)} payloads each, from "
                     f"{src_path}) -> {a.out}\n")


if __name__ == "__main__":
    main()
