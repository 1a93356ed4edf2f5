#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""gen.py - build the stream-reassembly and link-layer test corpus for mmswatch.

Reads the TCP payload streams of two real loopback captures (clean_browse.pcap and
clean_reporting.pcap from the shared capture folder), re-segments them with our own
sequence numbers, handshakes and closes, applies one transformation per case (reorder,
duplicate, overlap, cut, hole, VLAN stacks, other link types, IPv6, IPv4 fragments,
hostile inputs) and writes, into tests/data/reasm/:

    NAME.pcap          the capture (absent for the "missing file" case)
    NAME.expect.json   what tests/reasm/run must find in mmswatch's EVE output

Standard library only; no randomness that is not seeded; fixed timestamps and ISNs:
running it twice gives byte-identical files. See tests/reasm/README.md.

usage: gen.py [--shared DIR] [--out DIR]
  --shared DIR  folder holding clean_browse.pcap and clean_reporting.pcap
                (default: $MMSW_SHARED_PCAPS, else <repo>/../shared/pcaps)
  --out DIR     output folder (default: <repo>/tests/data/reasm)
"""

import argparse
import hashlib
import ipaddress
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))

BASE_TS_US = 1704067200 * 1000000  # 2024-01-01T00:00:00Z
STEP_US = 1000                     # one packet per millisecond of packet time
MSS = 1460

TO_SERVER, TO_CLIENT = 0, 1
DIRNAME = ("to_server", "to_client")

# TCP flags
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10

# Ethertypes / link types
ET_IPV4, ET_IPV6, ET_8021Q, ET_8021AD, ET_9100 = 0x0800, 0x86DD, 0x8100, 0x88A8, 0x9100
LT_NULL, LT_EN10MB, LT_RAW_DLT12, LT_RAW, LT_SLL, LT_SLL2 = 0, 1, 12, 101, 113, 276


class GenError(Exception):
    pass


# ---------------------------------------------------------------------------
# Reading the source captures
# ---------------------------------------------------------------------------

def read_pcap(path):
    """Returns (linktype, [(ts_us, frame_bytes)])."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise GenError("%s: too short for a pcap" % path)
    magic = data[:4]
    if magic == b"\xd4\xc3\xb2\xa1":
        e, nano = "<", False
    elif magic == b"\xa1\xb2\xc3\xd4":
        e, nano = ">", False
    elif magic == b"\x4d\x3c\xb2\xa1":
        e, nano = "<", True
    elif magic == b"\xa1\xb2\x3c\x4d":
        e, nano = ">", True
    else:
        raise GenError("%s: not a classic pcap file" % path)
    linktype = struct.unpack(e + "I", data[20:24])[0] & 0x0FFFFFFF
    off, recs = 24, []
    while off + 16 <= len(data):
        sec, frac, cl, _ol = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        frame = data[off:off + cl]
        if len(frame) < cl:
            raise GenError("%s: truncated record" % path)
        off += cl
        recs.append((sec * 1000000 + (frac // 1000 if nano else frac), frame))
    return linktype, recs


def parse_eth_ipv4_tcp(frame):
    """Ethernet (optionally 802.1Q) + IPv4 + TCP, or None."""
    if len(frame) < 14:
        return None
    et = struct.unpack(">H", frame[12:14])[0]
    off = 14
    while et in (ET_8021Q, ET_8021AD, ET_9100):
        et = struct.unpack(">H", frame[off + 2:off + 4])[0]
        off += 4
    if et != ET_IPV4:
        return None
    ip = frame[off:]
    ihl = (ip[0] & 15) * 4
    total = struct.unpack(">H", ip[2:4])[0]
    if ip[9] != 6 or struct.unpack(">H", ip[6:8])[0] & 0x3FFF:
        return None
    tcp = ip[ihl:total]
    sport, dport, seq, ack = struct.unpack(">HHII", tcp[:12])
    doff = (tcp[12] >> 4) * 4
    return dict(src=bytes(ip[12:16]), dst=bytes(ip[16:20]), sport=sport, dport=dport,
                seq=seq, ack=ack, flags=tcp[13], payload=bytes(tcp[doff:]))


class SourceConn:
    """One TCP connection of a source capture: both byte streams, retransmissions
    dropped by sequence number, and the order in which bytes appeared."""

    def __init__(self, client, server):
        self.client, self.server = client, server
        self.isn = [None, None]
        self.stream = [bytearray(), bytearray()]
        self.events = []  # (packet index, dir, stream length after)
        self.retransmissions = 0


def extract_connections(path):
    _lt, recs = read_pcap(path)
    conns, by_key = [], {}
    for idx, (_ts, frame) in enumerate(recs):
        p = parse_eth_ipv4_tcp(frame)
        if p is None:
            continue
        a, b = (p["src"], p["sport"]), (p["dst"], p["dport"])
        key = (a, b) if a < b else (b, a)
        if p["flags"] & SYN and not p["flags"] & ACK:
            if key in by_key and by_key[key].stream[0]:
                raise GenError("%s: port reuse in a source capture is not handled" % path)
            c = SourceConn(a, b)
            by_key[key] = c
            conns.append(c)
        c = by_key.get(key)
        if c is None:
            continue  # a connection that began before the capture: not used
        d = TO_SERVER if a == c.client else TO_CLIENT
        if p["flags"] & SYN:
            c.isn[d] = p["seq"]
        if not p["payload"]:
            continue
        if c.isn[d] is None:
            raise GenError("%s: data before the SYN" % path)
        rel = (p["seq"] - c.isn[d] - 1) & 0xFFFFFFFF
        have = len(c.stream[d])
        if rel > have:
            raise GenError("%s: packet %d: a hole in the source capture" % (path, idx + 1))
        end = rel + len(p["payload"])
        if end <= have:
            c.retransmissions += 1
            continue
        c.stream[d] += p["payload"][have - rel:]
        c.events.append((idx, d, len(c.stream[d])))
    return conns


# ---------------------------------------------------------------------------
# TPKT / COTP / session / presentation / MMS: the expected PDU list
# ---------------------------------------------------------------------------

PDU_NAMES = {
    0xA0: "confirmed-request", 0xA1: "confirmed-response", 0xA2: "confirmed-error",
    0xA3: "unconfirmed", 0xA4: "reject", 0x85: "cancel-request", 0x86: "cancel-response",
    0xA7: "cancel-error", 0xA8: "initiate-request", 0xA9: "initiate-response",
    0xAA: "initiate-error", 0x8B: "conclude-request", 0x8C: "conclude-response",
    0xAD: "conclude-error",
}

# ConfirmedServiceRequest/Response CHOICE alternatives (ISO 9506-2 ASN.1 spelling).
CONFIRMED_SERVICES = [
    "status", "getNameList", "identify", "rename", "read", "write",
    "getVariableAccessAttributes", "defineNamedVariable", "defineScatteredAccess",
    "getScatteredAccessAttributes", "deleteVariableAccess", "defineNamedVariableList",
    "getNamedVariableListAttributes", "deleteNamedVariableList", "defineNamedType",
    "getNamedTypeAttributes", "deleteNamedType", "input", "output", "takeControl",
    "relinquishControl", "defineSemaphore", "deleteSemaphore", "reportSemaphoreStatus",
    "reportPoolSemaphoreStatus", "reportSemaphoreEntryStatus", "initiateDownloadSequence",
    "downloadSegment", "terminateDownloadSequence", "initiateUploadSequence",
    "uploadSegment", "terminateUploadSequence", "requestDomainDownload",
    "requestDomainUpload", "loadDomainContent", "storeDomainContent", "deleteDomain",
    "getDomainAttributes", "createProgramInvocation", "deleteProgramInvocation", "start",
    "stop", "resume", "reset", "kill", "getProgramInvocationAttributes", "obtainFile",
    "defineEventCondition", "deleteEventCondition", "getEventConditionAttributes",
    "reportEventConditionStatus", "alterEventConditionMonitoring", "triggerEvent",
    "defineEventAction", "deleteEventAction", "getEventActionAttributes",
    "reportEventActionStatus", "defineEventEnrollment", "deleteEventEnrollment",
    "alterEventEnrollment", "reportEventEnrollmentStatus", "getEventEnrollmentAttributes",
    "acknowledgeEventNotification", "getAlarmSummary", "getAlarmEnrollmentSummary",
    "readJournal", "writeJournal", "initializeJournal", "reportJournalStatus",
    "createJournal", "deleteJournal", "getCapabilityList", "fileOpen", "fileRead",
    "fileClose", "fileRename", "fileDelete", "fileDirectory",
]
UNCONFIRMED_SERVICES = ["informationReport", "unsolicitedStatus", "eventNotification"]

MMS_CONTEXT_ID = 3  # libiec61850's presentation context for MMS (ACSE is 1)


def ber_tlv(buf, off, end):
    """One BER TLV at off: (first identifier octet, tag number, content start, content end)."""
    if off >= end:
        raise GenError("BER: no identifier")
    t0 = buf[off]
    off += 1
    num = t0 & 0x1F
    if num == 0x1F:
        num = 0
        while True:
            b = buf[off]
            off += 1
            num = num << 7 | (b & 0x7F)
            if not b & 0x80:
                break
    ln = buf[off]
    off += 1
    if ln & 0x80:
        n = ln & 0x7F
        if n == 0 or n > 4:
            raise GenError("BER: unsupported length form in a source capture")
        ln = int.from_bytes(buf[off:off + n], "big")
        off += n
    if off + ln > end:
        raise GenError("BER: element runs past its container")
    return t0, num, off, off + ln


def ber_children(buf, start, end):
    out, off = [], start
    while off < end:
        t = ber_tlv(buf, off, end)
        out.append(t)
        off = t[3]
    return out


def ber_int(buf, s, e):
    return int.from_bytes(buf[s:e], "big", signed=True)


def mms_summary(buf, start, end):
    """[pdu, service, invoke_id, size] of the MMS PDU at buf[start:end] (one TLV)."""
    t0, _num, cs, ce = ber_tlv(buf, start, end)
    if t0 not in PDU_NAMES:
        raise GenError("MMS: unknown PDU tag %02x" % t0)
    pdu, service, invoke = PDU_NAMES[t0], None, None
    if t0 in (0xA0, 0xA1):
        kids = ber_children(buf, cs, ce)
        if kids[0][0] != 0x02:
            raise GenError("MMS: confirmed PDU without invokeID")
        invoke = ber_int(buf, kids[0][2], kids[0][3])
        svc = kids[1]
        if svc[0] >> 6 != 2:
            raise GenError("MMS: service tag is not context-specific")
        service = CONFIRMED_SERVICES[svc[1]]
    elif t0 == 0xA2:
        kids = ber_children(buf, cs, ce)
        invoke = ber_int(buf, kids[0][2], kids[0][3])
    elif t0 == 0xA3:
        kids = ber_children(buf, cs, ce)
        service = UNCONFIRMED_SERVICES[kids[0][1]]
    elif t0 in (0x8B, 0x8C, 0xA8, 0xA9, 0xAA, 0xAD):
        pass
    else:
        raise GenError("MMS: PDU type %s not expected in the source captures" % pdu)
    if ce != end:
        raise GenError("MMS: bytes after the PDU")
    return [pdu, service, invoke, end - start]


def find_mms(buf, start, end, out):
    """Walk presentation/ACSE BER and append the (start, end) of every MMS PDU:
    a PDV-list (SEQUENCE) or an EXTERNAL whose context is MMS, or an EXTERNAL in an
    ACSE user-information (the initiate PDUs)."""
    for t0, _num, cs, ce in ber_children(buf, start, end):
        if not t0 & 0x20:
            continue
        kids = ber_children(buf, cs, ce)
        ctx = [k for k in kids if k[0] == 0x02]
        val = [k for k in kids if k[0] == 0xA0]
        if t0 in (0x30, 0x28) and ctx and val:
            cid = ber_int(buf, ctx[0][2], ctx[0][3])
            if t0 == 0x28 or cid == MMS_CONTEXT_ID:
                out.append((val[0][2], val[0][3]))
            else:
                find_mms(buf, val[0][2], val[0][3], out)
            continue
        find_mms(buf, cs, ce, out)


def session_user_data(tsdu):
    """The presentation bytes in an ISO session TSDU (libiec61850's usage)."""
    if len(tsdu) >= 4 and tsdu[0] == 0x01 and tsdu[1] == 0x00 and tsdu[2] == 0x01 and tsdu[3] == 0x00:
        return tsdu[4:]  # GIVE-TOKENS + DATA TRANSFER: user information follows
    si, off = tsdu[0], 1
    li = tsdu[off]
    off += 1
    if li == 0xFF:
        li = struct.unpack(">H", tsdu[off:off + 2])[0]
        off += 2
    end = off + li
    while off < end:
        pi = tsdu[off]
        pl = tsdu[off + 1]
        off += 2
        if pl == 0xFF:
            pl = struct.unpack(">H", tsdu[off:off + 2])[0]
            off += 2
        if pi in (0xC1, 0xC2):  # User Data / Extended User Data
            return tsdu[off:off + pl]
        off += pl
    _ = si
    return b""


class Tpkt:
    __slots__ = ("dir", "start", "end", "order", "data")

    def __init__(self, d, start, end, order, data):
        self.dir, self.start, self.end, self.order, self.data = d, start, end, order, data


class Tsdu:
    """A COTP TSDU (one or more DT TPDUs up to EOT) and the MMS PDUs in it."""
    __slots__ = ("dir", "start", "end", "pdus")

    def __init__(self, d, start, end, pdus):
        self.dir, self.start, self.end, self.pdus = d, start, end, pdus


def split_tpkts(stream, d, order_of):
    out, off = [], 0
    while off < len(stream):
        if off + 4 > len(stream) or stream[off] != 3 or stream[off + 1] != 0:
            raise GenError("source stream: no TPKT header at offset %d" % off)
        ln = struct.unpack(">H", stream[off + 2:off + 4])[0]
        if off + ln > len(stream):
            raise GenError("source stream: incomplete TPKT at the end")
        out.append(Tpkt(d, off, off + ln, order_of(off + ln), bytes(stream[off:off + ln])))
        off += ln
    return out


def tsdus_of(tpkts):
    """Join DT TPDUs to EOT; decode the MMS PDUs of each TSDU."""
    out, cur, cur_start = [], b"", None
    for t in tpkts:
        b = t.data
        li, typ = b[4], b[5] & 0xF0
        if typ != 0xF0 or (len(b) > 7 and b[7] in (0x32, 0x72)):
            out.append(Tsdu(t.dir, t.start, t.end, []))  # CR, CC, DR, ...: no MMS
            continue
        if cur_start is None:
            cur_start = t.start
        cur += b[5 + li:]
        if not b[6] & 0x80:
            continue
        pres = session_user_data(cur)
        spans = []
        if pres:
            find_mms(pres, 0, len(pres), spans)
        pdus = [mms_summary(pres, s, e) for s, e in spans]
        out.append(Tsdu(t.dir, cur_start, t.end, pdus))
        cur, cur_start = b"", None
    if cur_start is not None:
        raise GenError("source stream ends inside a COTP TSDU")
    return out


class Conversation:
    """TPKTs of both directions in the order they were completed in the source."""

    def __init__(self, tpkts, decode=True):
        self.tpkts = sorted(tpkts, key=lambda t: (t.order, t.dir, t.start))
        self.streams = [b"".join(t.data for t in self.tpkts if t.dir == d) for d in (0, 1)]
        self.tsdus = None
        if decode:
            self.tsdus = [tsdus_of([t for t in self.tpkts if t.dir == d]) for d in (0, 1)]
        for d in (0, 1):
            off = 0
            for t in self.tpkts:
                if t.dir == d:
                    if t.start != off:
                        raise GenError("conversation is not contiguous")
                    off = t.end

    def pdus_global(self):
        """All MMS PDUs in conversation order (TSDU completion order)."""
        items = []
        for d in (0, 1):
            for ts in self.tsdus[d]:
                end_tpkt = next(t for t in self.tpkts if t.dir == d and t.end == ts.end)
                for p in ts.pdus:
                    items.append((end_tpkt.order, d, ts.start, [DIRNAME[d]] + p))
        items.sort(key=lambda x: (x[0], x[1], x[2]))
        return [x[3] for x in items]

    def pdus_surviving(self, lost):
        """Per direction, the PDUs of TSDUs none of whose bytes is in a lost range.
        lost: {dir: [(start, end), ...]} stream offsets."""
        out = {}
        for d in (0, 1):
            lst = []
            for ts in self.tsdus[d]:
                if any(s < ts.end and ts.start < e for s, e in lost.get(d, [])):
                    continue
                for p in ts.pdus:
                    lst.append([DIRNAME[d]] + p)
            out[DIRNAME[d]] = lst
        return out

    def tpkt_boundaries(self, d):
        return [t.start for t in self.tpkts if t.dir == d] + [len(self.streams[d])]


def conversation_of(conn, first=None, last=None):
    """TPKTs of a source connection; optionally only those completed between packet
    indexes [first, last] (used to take a prefix)."""
    tpkts = []
    for d in (0, 1):
        evs = [(idx, ln) for idx, dd, ln in conn.events if dd == d]

        def order_of(end, evs=evs):
            for idx, ln in evs:
                if ln >= end:
                    return idx
            raise GenError("no packet completes the TPKT")
        tpkts += split_tpkts(bytes(conn.stream[d]), d, order_of)
    if last is not None:
        tpkts = [t for t in tpkts if t.order <= last]
    return Conversation(tpkts)


def conversation_prefix(conv, count):
    """The first `count` TPKTs of a conversation (in conversation order)."""
    keep = conv.tpkts[:count]
    return Conversation([Tpkt(t.dir, t.start, t.end, t.order, t.data) for t in keep])


# ---------------------------------------------------------------------------
# Building packets
# ---------------------------------------------------------------------------

def csum(data):
    if len(data) % 2:
        data += b"\x00"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def tcp_header(src, dst, sport, dport, seq, ack, flags, payload, ipver):
    hdr = struct.pack(">HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                      5 << 4, flags, 65535, 0, 0)
    seg = hdr + payload
    if ipver == 4:
        pseudo = src + dst + struct.pack(">BBH", 0, 6, len(seg))
    else:
        pseudo = src + dst + struct.pack(">IxxxB", len(seg), 6)
    c = csum(pseudo + seg)
    return seg[:16] + struct.pack(">H", c) + seg[18:]


def ipv4_packet(src, dst, proto, payload, ident, frag_field=0x4000, ttl=64):
    hdr = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, frag_field,
                      ttl, proto, 0, src, dst)
    return hdr[:10] + struct.pack(">H", csum(hdr)) + hdr[12:] + payload


def ipv6_packet(src, dst, tcp_seg):
    # hop-by-hop (next: destination options), destination options (next: TCP); each
    # 8 bytes: next header, length 0, PadN option of 4 bytes.
    hbh = bytes([60, 0, 1, 4, 0, 0, 0, 0])
    dopt = bytes([6, 0, 1, 4, 0, 0, 0, 0])
    payload = hbh + dopt + tcp_seg
    return struct.pack(">IHBB16s16s", 0x60000000, len(payload), 0, 64, src, dst) + payload


def ether(l3, ethertype, tags=()):
    """Ethernet II with a stack of (tpid, vid) tags outermost first."""
    out = b"\x00\x00\x00\x00\x00\x02" + b"\x00\x00\x00\x00\x00\x01"
    for tpid, vid in tags:
        out += struct.pack(">HH", tpid, vid & 0x0FFF)
    return out + struct.pack(">H", ethertype) + l3


def sll(l3, ethertype, tags=(), outgoing=False):
    proto = tags[0][0] if tags else ethertype
    hdr = struct.pack(">HHH8sH", 4 if outgoing else 0, 772, 6, b"\x00" * 8, proto)
    rest = b""
    for i, (_tpid, vid) in enumerate(tags):
        nxt = tags[i + 1][0] if i + 1 < len(tags) else ethertype
        rest += struct.pack(">HH", vid & 0x0FFF, nxt)
    return hdr + rest + l3


def sll2(l3, ethertype, outgoing=False):
    hdr = struct.pack(">HHIHBB8s", ethertype, 0, 1, 772, 4 if outgoing else 0, 6, b"\x00" * 8)
    return hdr + l3


def null_loop(l3):
    return struct.pack("<I", 2) + l3  # AF_INET in the (little-endian) host's order


class PcapWriter:
    def __init__(self, linktype, snaplen=262144):
        self.buf = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype))
        self.count = 0

    def add(self, ts_us, frame, caplen=None):
        cl = len(frame) if caplen is None else caplen
        self.buf += struct.pack("<IIII", ts_us // 1000000, ts_us % 1000000, cl, len(frame))
        self.buf += frame[:cl]
        self.count += 1

    def bytes(self):
        return bytes(self.buf)


class Seg:
    """An abstract TCP segment: direction, numbers, flags, payload, and where its
    payload sits in the direction's byte stream (off) when it carries data."""
    __slots__ = ("dir", "seq", "ack", "flags", "data", "off", "conn", "frag")

    def __init__(self, conn, d, seq, ack, flags, data=b"", off=None):
        self.conn, self.dir, self.seq, self.ack, self.flags = conn, d, seq, ack, flags
        self.data, self.off, self.frag = data, off, None

    def copy(self, **kw):
        s = Seg(self.conn, self.dir, self.seq, self.ack, self.flags, self.data, self.off)
        s.frag = self.frag
        for k, v in kw.items():
            setattr(s, k, v)
        return s


class Endpoints:
    """Addresses and ports of one synthetic connection."""

    def __init__(self, cli_ip, cli_port, srv_ip, srv_port=102, isn_c=0x11223344, isn_s=0x55667788):
        self.ipver = 6 if ":" in cli_ip else 4
        self.cli = ipaddress.ip_address(cli_ip).packed
        self.srv = ipaddress.ip_address(srv_ip).packed
        self.cli_text, self.srv_text = str(ipaddress.ip_address(cli_ip)), str(ipaddress.ip_address(srv_ip))
        self.cli_port, self.srv_port = cli_port, srv_port
        self.isn = [isn_c & 0xFFFFFFFF, isn_s & 0xFFFFFFFF]


DEFAULT_EP = dict(cli_ip="10.0.0.2", cli_port=49152, srv_ip="10.0.0.1")

# Segment sizes cycled through while cutting a run of same-direction bytes: 1- and
# 3-byte pieces, pieces that stop inside a TPKT or COTP header, and MSS-sized pieces
# that carry several TPKTs.
CUT_CYCLE = [1, 3, 2, MSS, 5, 7, 333, 1, 4, 64, 1000, 3, 200, MSS, 11, 6, MSS, 97, 3, 512]


class Cutter:
    def __init__(self, cycle=CUT_CYCLE, start=0):
        self.cycle, self.i = cycle, start

    def pieces(self, n):
        out, left = [], n
        while left:
            s = min(self.cycle[self.i % len(self.cycle)], left, MSS)
            self.i += 1
            out.append(s)
            left -= s
        return out


def runs_of(conv):
    """Consecutive same-direction TPKTs of the conversation, as (dir, start, end)."""
    runs = []
    for t in conv.tpkts:
        if runs and runs[-1][0] == t.dir and runs[-1][2] == t.start:
            runs[-1][2] = t.end
        else:
            runs.append([t.dir, t.start, t.end])
    return [tuple(r) for r in runs]


def build_segments(conv, ep, cutter=None, handshake=True, close=True, closer=TO_SERVER):
    """Abstract segments of a full connection carrying the conversation: a list of
    runs, each a list of Seg (the handshake and the close are runs of their own)."""
    cutter = cutter or Cutter()
    nxt = [ep.isn[0] + 1, ep.isn[1] + 1]
    runs = []
    if handshake:
        runs.append([Seg(ep, TO_SERVER, ep.isn[0], 0, SYN)])
        runs.append([Seg(ep, TO_CLIENT, ep.isn[1], nxt[0], SYN | ACK)])
        runs.append([Seg(ep, TO_SERVER, nxt[0], nxt[1], ACK)])
    for d, start, end in runs_of(conv):
        segs, off = [], start
        for n in cutter.pieces(end - start):
            segs.append(Seg(ep, d, nxt[d], nxt[1 - d], ACK, conv.streams[d][off:off + n], off))
            nxt[d] = (nxt[d] + n) & 0xFFFFFFFF
            off += n
        segs[-1].flags |= PSH
        runs.append(segs)
    if close:
        c = closer
        runs.append([Seg(ep, c, nxt[c], nxt[1 - c], FIN | ACK)])
        nxt[c] = (nxt[c] + 1) & 0xFFFFFFFF
        runs.append([Seg(ep, 1 - c, nxt[1 - c], nxt[c], FIN | ACK)])
        nxt[1 - c] = (nxt[1 - c] + 1) & 0xFFFFFFFF
        runs.append([Seg(ep, c, nxt[c], nxt[1 - c], ACK)])
    return runs


def flat(runs):
    return [s for r in runs for s in r]


class IpIds:
    def __init__(self):
        self.next = 0x1000

    def take(self):
        v = self.next
        self.next = (self.next + 1) & 0xFFFF
        return v


def ip_packets(seg, ids):
    """The IP packet(s) of a segment: one, or the fragments seg.frag describes."""
    ep = seg.conn
    src, dst = (ep.cli, ep.srv) if seg.dir == TO_SERVER else (ep.srv, ep.cli)
    sport, dport = (ep.cli_port, ep.srv_port) if seg.dir == TO_SERVER else (ep.srv_port, ep.cli_port)
    tcp = tcp_header(src, dst, sport, dport, seg.seq, seg.ack, seg.flags, seg.data, ep.ipver)
    if ep.ipver == 6:
        return [ipv6_packet(src, dst, tcp)]
    ident = ids.take()
    if not seg.frag:
        return [ipv4_packet(src, dst, 6, tcp, ident)]
    out = []
    for off, end in seg.frag:  # byte ranges of the TCP segment, in sending order
        more = end < len(tcp)
        out.append(ipv4_packet(src, dst, 6, tcp[off:end], ident,
                               (0x2000 if more else 0) | (off // 8)))
    return out


def encode(segs, link="eth", tags=(), extra=None, step_us=STEP_US):
    """Write segments as a pcap. link: eth, sll, sll2, raw12, raw101, null.
    extra: {index: [raw IPv4 packets]} inserted before segment `index`."""
    lt = {"eth": LT_EN10MB, "sll": LT_SLL, "sll2": LT_SLL2, "raw12": LT_RAW_DLT12,
          "raw101": LT_RAW, "null": LT_NULL}[link]
    w, ids = PcapWriter(lt), IpIds()
    frames = []
    for i, s in enumerate(segs):
        pk = list((extra or {}).get(i, [])) + ip_packets(s, ids)
        for ip in pk:
            frames.append((ip, s.conn.ipver, s.dir))
    for i, (ip, ver, d) in enumerate(frames):
        et = ET_IPV4 if ver == 4 else ET_IPV6
        if link == "eth":
            fr = ether(ip, et, tags)
        elif link == "sll":
            fr = sll(ip, et, tags, outgoing=(d == TO_SERVER))
        elif link == "sll2":
            fr = sll2(ip, et, outgoing=(d == TO_SERVER))
        elif link == "null":
            fr = null_loop(ip)
        else:
            fr = ip
        w.add(BASE_TS_US + i * step_us, fr)
    return w.bytes()


# ---------------------------------------------------------------------------
# Expectations
# ---------------------------------------------------------------------------

CLEAN_STATS = {
    "tcp_gaps": ["==", 0], "tcp_gap_bytes": ["==", 0], "tcp_overlap_differs": ["==", 0],
    "midstream_pickups": ["==", 0], "tpkt_invalid": ["==", 0], "tpkt_resync": ["==", 0],
    "cotp_invalid": ["==", 0], "session_invalid": ["==", 0], "pres_invalid": ["==", 0],
    "acse_invalid": ["==", 0], "mms_malformed": ["==", 0], "tcp_ooo_dir_cap": ["==", 0],
    "tcp_reasm_memcap": ["==", 0], "flows_evicted": ["==", 0],
}

NO_STREAM_TROUBLE = [
    {"event": "gap", "count": 0}, {"event": "midstream_pickup", "count": 0},
    {"event": "resync", "count": 0}, {"event": "overlap_differs", "count": 0},
    {"event": "segment_dropped", "count": 0}, {"event": "malformed", "count": 0},
    {"event": "eviction", "count": 0}, {"event": "limit", "count": 0},
]


def stream_rules(*override):
    """NO_STREAM_TROUBLE with some events' rules replaced by the given ones."""
    names = {o["event"] for o in override}
    return [r for r in NO_STREAM_TROUBLE if r["event"] not in names] + \
        [o for o in override if o.get("count", 0) is not None]


def clean_stats(**over):
    st = dict(CLEAN_STATS)
    for k, v in over.items():
        if v is None:
            st.pop(k, None)
        else:
            st[k] = v
    return st


# ---------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------

class Corpus:
    def __init__(self, out):
        self.out = out
        self.cases = []

    def write(self, name, pcap_bytes, expect):
        expect = dict(expect)
        expect = {"name": name, "pcap": name + ".pcap", **expect}
        if pcap_bytes is not None:
            if len(pcap_bytes) >= 200 * 1024:
                raise GenError("%s.pcap is %d bytes (limit 200 KB)" % (name, len(pcap_bytes)))
            with open(os.path.join(self.out, name + ".pcap"), "wb") as f:
                f.write(pcap_bytes)
        with open(os.path.join(self.out, name + ".expect.json"), "w") as f:
            json.dump(expect, f, indent=1)
            f.write("\n")
        self.cases.append((name, 0 if pcap_bytes is None else len(pcap_bytes)))


def split_stats(conv, segs):
    """How the baseline cut the TPKTs (documented in the expect file)."""
    st = {"segments": 0, "one_byte": 0, "three_byte": 0, "end_inside_tpkt_header": 0,
          "end_inside_cotp_header": 0, "several_tpkts": 0, "tpkt_over_several_segments": 0}
    bounds = [set(conv.tpkt_boundaries(d)) for d in (0, 1)]
    starts = [sorted(conv.tpkt_boundaries(d)) for d in (0, 1)]
    for s in segs:
        if not s.data:
            continue
        st["segments"] += 1
        n = len(s.data)
        st["one_byte"] += n == 1
        st["three_byte"] += n == 3
        end = s.off + n
        prev = max(b for b in starts[s.dir] if b <= end)
        if end not in bounds[s.dir]:
            if end - prev < 4:
                st["end_inside_tpkt_header"] += 1
            elif end - prev < 7:
                st["end_inside_cotp_header"] += 1
        inside = [b for b in starts[s.dir] if s.off <= b and b + 1 <= end]
        if len(inside) >= 2:
            st["several_tpkts"] += 1
    for d in (0, 1):
        for t in conv.tpkts:
            if t.dir != d:
                continue
            n = sum(1 for s in segs if s.data and s.dir == d and s.off < t.end and t.start < s.off + len(s.data))
            if n > 1:
                st["tpkt_over_several_segments"] += 1
    return st


def mms_expect(order, pdus):
    return {"order": order, "pdus": pdus}


def reorder_run(run, k):
    """Deterministic reordering of a run's segments: windows of 2..5 reversed, every
    third window rotated (its last segment first)."""
    out, i, w = [], 0, 0
    sizes = [2, 3, 4, 5]
    while i < len(run):
        n = sizes[(k + w) % len(sizes)]
        win = run[i:i + n]
        if w % 3 == 2:
            win = win[-1:] + win[:-1]
        else:
            win = win[::-1]
        out += win
        i += n
        w += 1
    return out


def gen_all(shared, out):
    browse_path = os.path.join(shared, "clean_browse.pcap")
    report_path = os.path.join(shared, "clean_reporting.pcap")
    for p in (browse_path, report_path):
        if not os.path.exists(p):
            raise GenError("%s: not found (use --shared DIR or $MMSW_SHARED_PCAPS)" % p)
    os.makedirs(out, exist_ok=True)
    corpus = Corpus(out)

    # --- the bases ----------------------------------------------------------
    bconns = extract_connections(browse_path)
    bconvs = [conversation_of(c) for c in bconns]
    # BROWSE: the browse connection with the most MMS PDUs (client_example2's).
    bi = max(range(len(bconvs)), key=lambda i: (len(bconvs[i].pdus_global()), -i))
    browse = bconvs[bi]
    rconns = extract_connections(report_path)
    if len(rconns) != 1:
        raise GenError("clean_reporting.pcap: expected one connection")
    rfull = conversation_of(rconns[0])
    # REPORT: the association, the RCB set-up and the first reports: the prefix of
    # the conversation that ends with the last server->client run holding the
    # 12 000th server byte (a run of reports), so it ends with reports.
    runs = runs_of(rfull)
    count, stop = 0, None
    for d, s, e in runs:
        count += sum(1 for t in rfull.tpkts if t.dir == d and s <= t.start < e)
        if d == TO_CLIENT and e >= 12000:
            stop = count
            break
    report = conversation_prefix(rfull, stop)

    src_info = {
        "browse": "clean_browse.pcap connection %d (client port %d): %d TPKTs, %d MMS PDUs, %d+%d bytes" % (
            bi + 1, bconns[bi].client[1], len(browse.tpkts), len(browse.pdus_global()),
            len(browse.streams[0]), len(browse.streams[1])),
        "report": "clean_reporting.pcap, the first %d TPKTs: %d MMS PDUs, %d+%d bytes" % (
            len(report.tpkts), len(report.pdus_global()), len(report.streams[0]), len(report.streams[1])),
    }

    ep_b = Endpoints(**DEFAULT_EP)
    # The report base uses ISNs just below 2^32: sequence numbers wrap inside it.
    ep_r = Endpoints("10.0.0.2", 49153, "10.0.0.1", isn_c=0xFFFFFF00, isn_s=0xFFFFF000)

    # 1. baseline ------------------------------------------------------------------
    for name, conv, ep, src in (("baseline_browse", browse, ep_b, "browse"),
                                ("baseline_report", report, ep_r, "report")):
        runs_ = build_segments(conv, ep)
        segs = flat(runs_)
        st = split_stats(conv, segs)
        need = ["one_byte", "three_byte", "end_inside_tpkt_header", "end_inside_cotp_header",
                "tpkt_over_several_segments"]
        if len(runs_of(conv)) < len(conv.tpkts):  # some run holds several TPKTs
            need.append("several_tpkts")
        for k in need:
            if not st[k]:
                raise GenError("%s: the cut produced no %s" % (name, k))
        pdus = conv.pdus_global()
        corpus.write(name, encode(segs), {
            "description": "Re-segmented %s stream, in order, SYN/SYN-ACK/ACK and FIN close; "
                           "TPKTs split at 1- and 3-byte pieces and inside TPKT/COTP headers%s%s." % (
                               src, ", several TPKTs per segment" if st["several_tpkts"] else
                               " (every run of this stream is one TPKT: no segment can hold two)",
                               "; sequence numbers wrap past 2^32" if src == "report" else ""),
            "source": src_info[src],
            "segmentation": st,
            "reference_mms_pdus": len(pdus),
            "mms": mms_expect("global", pdus),
            "stream": list(NO_STREAM_TROUBLE),
            "stats": clean_stats(mms_pdus=["==", len(pdus)], flows=["==", 1]),
            "flow_count": 1,
        })

    # 2. out of order -----------------------------------------------------------------
    runs_ = build_segments(report, ep_r)
    moved = 0
    for k, r in enumerate(runs_):
        if len(r) > 1:
            nr = reorder_run(r, k)
            moved += sum(1 for a, b in zip(r, nr) if a is not b)
            runs_[k] = nr
    pdus = report.pdus_global()
    corpus.write("out_of_order", encode(flat(runs_)), {
        "description": "baseline_report with the segments of every same-direction run "
                       "reordered in windows of 2-5 (reversed, or the last first); %d segments "
                       "out of place. Same PDU list, no gaps." % moved,
        "source": src_info["report"],
        "mms": mms_expect("global", pdus),
        "stream": list(NO_STREAM_TROUBLE),
        "stats": clean_stats(mms_pdus=["==", len(pdus)], tcp_out_of_order=[">", 0]),
        "flow_count": 1,
    })

    # 3. exact retransmissions ------------------------------------------------------
    runs_ = build_segments(report, ep_r)
    dups = 0
    for k, r in enumerate(runs_):
        data = [s for s in r if s.data]
        if not data:
            continue
        nr = []
        for i, s in enumerate(r):
            nr.append(s)
            if i % 4 == 1:
                nr.append(s.copy())  # immediate duplicate
                dups += 1
            if i % 5 == 3 and i >= 2:
                nr.append(r[i - 2].copy())  # a late duplicate
                dups += 1
            if i % 7 == 2 and i + 1 < len(r):
                # old and new bytes in one segment: segments i-1, i and i+1 re-sent as
                # one after i (i+1 then comes again on its own, all old)
                a = r[i - 1]
                nr.append(a.copy(data=a.data + s.data + r[i + 1].data))
                dups += 1
        if len(r) >= 4:
            # duplicate a segment while it waits in the out-of-order queue
            nr.remove(r[2])
            pos = nr.index(r[1])
            nr[pos:pos] = [r[2], r[2].copy()]
            dups += 1
        runs_[k] = nr
    corpus.write("retransmission_same", encode(flat(runs_)), {
        "description": "baseline_report with %d exact retransmissions: immediate and late "
                       "duplicates, a re-sent segment covering old and new bytes, and a duplicate "
                       "of a segment waiting in the out-of-order queue. Same PDU list, no "
                       "overlap_differs." % dups,
        "source": src_info["report"],
        "mms": mms_expect("global", pdus),
        "stream": list(NO_STREAM_TROUBLE),
        "stats": clean_stats(mms_pdus=["==", len(pdus)], tcp_retransmissions=[">", 0]),
        "flow_count": 1,
    })

    # 4. overlap with different bytes -------------------------------------------------
    runs_ = build_segments(report, ep_r)
    cands = [(k, i) for k, r in enumerate(runs_) if r[0].dir == TO_CLIENT and r[0].data
             for i in range(len(r) - 2) if len(r[i].data) >= 100 and len(r[i + 1].data) >= 100]
    k, i = next((c for c in cands if c[0] > len(runs_) // 2), cands[0])
    r = runs_[k]
    a, b = r[i], r[i + 1]
    bad = bytes(x ^ 0xFF for x in b.data)
    merged = a.copy(data=a.data + bad)
    runs_[k] = r[:i] + [b, merged] + r[i + 2:]
    corpus.write("overlap_differs", encode(flat(runs_)), {
        "description": "baseline_report, server->client: segment k+1 (%d bytes at stream offset %d) "
                       "sent first and queued; then one segment covering k and k+1 whose k+1 bytes are "
                       "inverted (XOR 0xFF). First copy wins: the PDU list is unchanged; one "
                       "overlap_differs event." % (len(b.data), b.off),
        "source": src_info["report"],
        "mms": mms_expect("global", pdus),
        "stream": stream_rules({"event": "overlap_differs", "direction": "to_client", "count": 1}),
        "stats": clean_stats(mms_pdus=["==", len(pdus)], tcp_overlap_differs=["==", 1]),
        "flow_count": 1,
    })

    # 5. mid-stream pickup ---------------------------------------------------------------
    base = flat(build_segments(report, ep_r))
    bnd = [set(report.tpkt_boundaries(d)) for d in (0, 1)]
    sb = sorted(bnd[1])

    def next_boundary(d, off):
        return min(b for b in report.tpkt_boundaries(d) if b >= off)

    def midstream_case(name, pick, what):
        # the first candidate after the association whose cut leaves client data after it
        # (so both directions are picked up), else the first after a third of the stream
        aare_end = report.tsdus[TO_CLIENT][1].end
        c2s_after = lambda i: any(s.dir == TO_SERVER and s.data for s in base[i:])
        idx = next((i for i in range(len(base)) if base[i].off is not None and base[i].dir == TO_CLIENT
                    and base[i].off >= aare_end and pick(base[i]) and c2s_after(i)), None)
        if idx is None:
            idx = next(i for i in range(len(base) // 3, len(base)) if pick(base[i]))
        kept = base[idx:]
        first = {}
        for s in kept:
            if s.data and s.dir not in first:
                first[s.dir] = s.off
        # bytes before the first TPKT that starts at or after the first byte seen are lost;
        # a direction with no data after the cut loses everything
        lost = {d: [(0, next_boundary(d, first.get(d, len(report.streams[d]))))] for d in (0, 1)}
        surv = report.pdus_surviving(lost)
        skipped = next_boundary(TO_CLIENT, first[TO_CLIENT]) - first[TO_CLIENT]
        # a pickup for each direction whose first packet in the capture carries data
        rules = [{"event": "midstream_pickup", "direction": DIRNAME[d], "count": 1 if d in first else 0}
                 for d in (0, 1)]
        rules.append({"event": "resync", "direction": "to_client", "count": 1, "skipped_bytes": skipped})
        corpus.write(name, encode(kept), {
            "description": "baseline_report without the handshake and the first %d segments: the "
                           "capture starts at a server->client segment that begins %d bytes into a "
                           "TPKT (stream offset %d) %s. Expect a midstream_pickup for each direction "
                           "that carries data after the cut (%s), one to_client resync that skipped exactly the %d bytes before the next TPKT, and every "
                           "PDU whose TPKTs lie wholly after the cut." % (
                               idx, first[TO_CLIENT] - max(b for b in sb if b <= first[TO_CLIENT]),
                               first[TO_CLIENT], what,
                               " and ".join(DIRNAME[d] for d in sorted(first)), skipped),
            "source": src_info["report"],
            "mms": mms_expect("per_direction", surv),
            "stream": stream_rules(*rules),
            "stats": clean_stats(mms_pdus=["==", len(surv["to_server"]) + len(surv["to_client"])],
                                 midstream_pickups=[">=", 1], tpkt_resync=[">=", 1]),
            "flow_count": 1,
        })

    def mid_tpkt_with_boundary(s):
        if s.dir != TO_CLIENT or not s.data or s.off in bnd[1]:
            return False
        prev = max(b for b in sb if b <= s.off)
        nb = next_boundary(1, s.off)
        return s.off - prev >= 8 and s.off < nb < s.off + len(s.data) - 8

    def inside_one_tpkt(s):
        if s.dir != TO_CLIENT or not s.data or s.off in bnd[1] or len(s.data) < 50:
            return False
        prev = max(b for b in sb if b <= s.off)
        nb = next_boundary(1, s.off)
        if not (s.off - prev >= 8 and s.off + len(s.data) < nb):
            return False
        nxt = next((t for t in base if t.dir == TO_CLIENT and t.data and t.off == s.off + len(s.data)), None)
        return nxt is not None and nxt.off < nb < nxt.off + len(nxt.data) - 8

    midstream_case("midstream", mid_tpkt_with_boundary,
                   "and holds that TPKT's end and the next TPKT")
    midstream_case("midstream_long", inside_one_tpkt,
                   "and lies wholly inside that TPKT (the next TPKT header is in the following "
                   "segment, not at its start): the resync event must count the bytes skipped in "
                   "both segments")

    # both directions picked up in the data phase: the cut is inside a client request
    aare_end = report.tsdus[TO_CLIENT][1].end
    bnd0 = set(report.tpkt_boundaries(TO_SERVER))
    idx = next(i for i, s in enumerate(base) if s.dir == TO_SERVER and s.data and s.off not in bnd0
               and s.off - max(b for b in bnd0 if b <= s.off) >= 8
               and any(t.dir == TO_CLIENT and t.data and t.off >= aare_end for t in base[:i]))
    kept = base[idx:]
    first = {}
    for s in kept:
        if s.data and s.dir not in first:
            first[s.dir] = s.off
    lost = {d: [(0, next_boundary(d, first[d]))] for d in (0, 1)}
    surv = report.pdus_surviving(lost)
    skipped = [next_boundary(d, first[d]) - first[d] for d in (0, 1)]
    corpus.write("midstream_both", encode(kept), {
        "description": "baseline_report without the handshake and the first %d segments: the capture "
                       "starts in the data phase, %d bytes into a client request TPKT (stream offset %d); "
                       "the server direction starts %s. Expect a midstream_pickup in each direction, the "
                       "presentation contexts inferred from the content, %d+%d bytes skipped to the next "
                       "TPKT (stats.tpkt_resync_skipped_bytes), and every PDU whose TPKTs lie wholly "
                       "after the cut (the response to the cut request included)." % (
                           idx, first[0] - max(b for b in bnd0 if b <= first[0]), first[0],
                           "at a TPKT boundary" if skipped[1] == 0 else "%d bytes before a TPKT boundary" % skipped[1],
                           skipped[0], skipped[1]),
        "source": src_info["report"],
        "mms": mms_expect("per_direction", surv),
        "stream": stream_rules({"event": "midstream_pickup", "direction": "to_client", "count": 1},
                               {"event": "midstream_pickup", "direction": "to_server", "count": 1},
                               {"event": "resync", "count": None}),
        "stats": clean_stats(mms_pdus=["==", len(surv["to_server"]) + len(surv["to_client"])],
                             midstream_pickups=[">=", 1], tpkt_resync=[">=", 1],
                             tpkt_resync_skipped_bytes=["==", sum(skipped)]),
        "flow_count": 1,
    })

    # 6. holes ------------------------------------------------------------------------------
    def hole_case(name, cutter, step_us, what):
        base = flat(build_segments(report, ep_r, cutter=cutter))
        s2c = [s for s in base if s.dir == TO_CLIENT and s.data]
        mid = s2c[len(s2c) // 3: 2 * len(s2c) // 3]
        cand = [s for s in mid if s.off not in bnd[1] and (s.off + len(s.data)) not in bnd[1]]
        hole = max(cand, key=lambda s: (len(s.data), -s.off))
        segs = [s for s in base if s is not hole]
        lost = {TO_CLIENT: [(hole.off, hole.off + len(hole.data))]}
        surv = report.pdus_surviving(lost)
        lost_n = len(report.pdus_global()) - len(surv["to_server"]) - len(surv["to_client"])
        # where the first TPKT after the hole starts, relative to the segments after it
        nb = next_boundary(TO_CLIENT, hole.off + len(hole.data))
        after = [s for s in s2c if s.off >= hole.off + len(hole.data)]
        holder = next(s for s in after if s.off <= nb < s.off + len(s.data))
        tl = next(t.end - t.start for t in report.tpkts if t.dir == TO_CLIENT and t.start == nb)
        where = ("the first TPKT after the hole (stream offset %d, %d bytes) starts %d bytes into "
                 "the %s segment after the hole (%d bytes)%s" % (
                     nb, tl, nb - holder.off, ["first", "second", "third", "fourth"][min(3, after.index(holder))],
                     len(holder.data),
                     "; its 4-byte header is split across two segments" if nb + 4 > holder.off + len(holder.data)
                     else "; it ends beyond that segment" if nb + tl > holder.off + len(holder.data)
                     else ""))
        rules = [{"event": "gap", "direction": "to_client", "count": 1,
                  "bytes": len(hole.data), "seq": hole.seq}, {"event": "gap", "count": 1},
                 {"event": "resync", "count": None}]
        fin_frame = next(i for i, s in enumerate(segs) if s.flags & FIN) + 1
        if step_us * len(segs) > 3 * 1000000:
            # the hole must be given up after the hole timeout (1 s of packet time), long
            # before the flow ends
            rules[0]["pcap_cnt_lt"] = fin_frame - 5
        corpus.write(name, encode(segs, step_us=step_us), {
            "description": "baseline_report%s with one server->client data segment deleted in the "
                           "middle (%d bytes at stream offset %d, starting and ending inside TPKTs)%s. "
                           "Expect one gap of exactly those bytes at that sequence number; the %d MMS "
                           "PDUs whose TPKTs touch the hole are lost; decoding resumes at the next TPKT "
                           "boundary: %s." % (what, len(hole.data), hole.off,
                                              "; packets %d ms apart, so the 1 s hole timeout expires "
                                              "mid-stream (the gap must be reported before frame %d, the "
                                              "FIN is frame %d)" % (step_us // 1000, fin_frame - 5, fin_frame)
                                              if "pcap_cnt_lt" in rules[0] else "", lost_n, where),
            "source": src_info["report"],
            "mms": mms_expect("per_direction", surv),
            "stream": stream_rules(*rules),
            "stats": clean_stats(tcp_gaps=["==", 1], tcp_gap_bytes=["==", len(hole.data)],
                                 tpkt_resync=None,
                                 mms_pdus=["==", len(surv["to_server"]) + len(surv["to_client"])]),
            "flow_count": 1,
        })

    hole_case("hole", Cutter(), STEP_US, "")
    hole_case("hole_mss", Cutter([MSS]), 50000, " cut into MSS-sized segments (as a SPAN port sees it)")

    base = flat(build_segments(report, ep_r))
    last = [s for s in base if s.dir == TO_CLIENT and s.data][-1]
    segs = [s for s in base if s is not last]
    lost = {TO_CLIENT: [(last.off, last.off + len(last.data))]}
    surv = report.pdus_surviving(lost)
    lost_n = len(report.pdus_global()) - len(surv["to_server"]) - len(surv["to_client"])
    corpus.write("hole_at_end", encode(segs), {
        "description": "baseline_report with the last server->client data segment (%d bytes at "
                       "stream offset %d) deleted; the server's FIN (and the client's ACK) prove the "
                       "bytes were sent. Expect one gap of exactly those bytes, reported at the end "
                       "of the flow; %d MMS PDUs lost." % (len(last.data), last.off, lost_n),
        "source": src_info["report"],
        "mms": mms_expect("per_direction", surv),
        "stream": stream_rules({"event": "gap", "direction": "to_client", "count": 1,
                                "bytes": len(last.data), "seq": last.seq},
                               {"event": "gap", "count": 1}),
        "stats": clean_stats(tcp_gaps=["==", 1], tcp_gap_bytes=["==", len(last.data)],
                             mms_pdus=["==", len(surv["to_server"]) + len(surv["to_client"])]),
        "flow_count": 1,
    })

    # 7. port reuse -------------------------------------------------------------------------
    ca, cb = bconvs[0], bconvs[1]
    e1 = Endpoints("10.0.0.2", 40000, "10.0.0.1", isn_c=0x01000000, isn_s=0x02000000)
    e2 = Endpoints("10.0.0.2", 40000, "10.0.0.1", isn_c=0x31000000, isn_s=0x42000000)
    segs = flat(build_segments(ca, e1)) + flat(build_segments(cb, e2, cutter=Cutter(start=5)))
    corpus.write("port_reuse", encode(segs), {
        "description": "Two complete connections back to back on one 4-tuple (10.0.0.2:40000 -> "
                       "10.0.0.1:102), the second SYN with a new ISN right after the first closed "
                       "(clean_browse connections 1 and 2). Expect two flow ids, each with its own "
                       "complete PDU list.",
        "source": "clean_browse.pcap connections 1 and 2",
        "flow_count": 2,
        "flows": {"by": "first_seen", "expect": [
            {"mms": mms_expect("global", ca.pdus_global())},
            {"mms": mms_expect("global", cb.pdus_global())},
        ]},
        "stream": list(NO_STREAM_TROUBLE),
        "stats": clean_stats(mms_pdus=["==", len(ca.pdus_global()) + len(cb.pdus_global())]),
    })

    # 8. eviction ------------------------------------------------------------------------------
    first4 = conversation_prefix(bconvs[0], 3)  # CR, CC, CN (AARQ + initiate-request)
    nconn = 300
    per = []
    for i in range(nconn):
        ep = Endpoints("10.0.%d.%d" % (1 + i // 200, 1 + i % 200), 20000 + i, "10.0.0.1",
                       isn_c=0x10000000 + i * 0x10000, isn_s=0x20000000 + i * 0x10000)
        rr = build_segments(first4, ep, cutter=Cutter([MSS]), close=False)
        # no third handshake packet: the CR carries that ACK
        per.append([r for r in rr if not (len(r) == 1 and r[0].flags == ACK and not r[0].data)])
    segs = []
    for phase in range(len(per[0])):
        for i in range(nconn):
            segs += per[i][phase]
    corpus.write("eviction", encode(segs, link="raw101"), {
        "description": "%d concurrent connections, interleaved phase by phase (all SYNs, all "
                       "SYN-ACKs, all COTP CRs, CCs, then all CNs with the AARQ/initiate-request; "
                       "none closed), read with --max-flows 100. Expect flows "
                       "evicted and named, no crash, exit 0. Raw IP link type (101) to keep the file "
                       "small." % nconn,
        "source": "clean_browse.pcap connection 1, its first 3 TPKTs",
        "args": ["--max-flows", "100"],
        "stream": [{"event": "eviction", "min": 1}, {"event": "gap", "count": 0},
                   {"event": "overlap_differs", "count": 0}],
        "stats": {"flows_evicted": [">", 0], "mms_malformed": ["==", 0], "packets": ["==", len(segs)]},
    })

    # 9-11. link layers -------------------------------------------------------------------------
    bsegs = flat(build_segments(browse, ep_b))
    bpdus = browse.pdus_global()

    def link_case(name, desc, pcap, vlan=None, ips=None, extra_stats=None):
        st = clean_stats(mms_pdus=["==", len(bpdus)])
        st.update(extra_stats or {})
        e = {"description": desc, "source": src_info["browse"],
             "mms": mms_expect("global", bpdus), "stream": list(NO_STREAM_TROUBLE),
             "stats": st, "flow_count": 1}
        if vlan is not None:
            e["vlan"] = vlan
        e["ips"] = ips or [ep_b.cli_text, ep_b.srv_text]
        corpus.write(name, pcap, e)

    link_case("vlan_8021q", "baseline_browse inside one 802.1Q tag (VID 10).",
              encode(bsegs, tags=[(ET_8021Q, 10)]), vlan=[10])
    link_case("vlan_qinq_88a8", "baseline_browse inside 802.1ad S-tag 0x88a8 VID 100 + 802.1Q C-tag VID 200.",
              encode(bsegs, tags=[(ET_8021AD, 100), (ET_8021Q, 200)]), vlan=[100, 200])
    link_case("vlan_qinq_9100", "baseline_browse inside 0x9100 VID 300 + 0x8100 VID 400 (old QinQ).",
              encode(bsegs, tags=[(ET_9100, 300), (ET_8021Q, 400)]), vlan=[300, 400])
    link_case("vlan_4_deep", "baseline_browse inside four tags (0x88a8 1, 0x8100 2, 0x8100 3, 0x8100 4): "
              "the deepest stack mmswatch decodes (MMSW_MAX_VLAN 4).",
              encode(bsegs, tags=[(ET_8021AD, 1), (ET_8021Q, 2), (ET_8021Q, 3), (ET_8021Q, 4)]),
              vlan=[1, 2, 3, 4])
    corpus.write("vlan_too_deep", encode(bsegs, tags=[(ET_8021AD, 1), (ET_8021Q, 2), (ET_8021Q, 3),
                                                      (ET_8021Q, 4), (ET_8021Q, 5)]), {
        "description": "baseline_browse inside five VLAN tags: deeper than MMSW_MAX_VLAN (4). Every "
                       "frame is counted in vlan_stack_too_deep; no flow, no PDU.",
        "source": src_info["browse"],
        "mms": mms_expect("global", []),
        "stats": {"vlan_stack_too_deep": ["==", len(bsegs)], "mms_pdus": ["==", 0], "flows": ["==", 0]},
        "flow_count": 0,
    })
    link_case("sll", "baseline_browse with Linux cooked headers (DLT_LINUX_SLL 113).",
              encode(bsegs, link="sll"), vlan=[])
    link_case("sll_vlan", "baseline_browse with Linux cooked headers (113) whose protocol is 0x8100: "
              "a VLAN tag (VID 10) after the SLL header.",
              encode(bsegs, link="sll", tags=[(ET_8021Q, 10)]), vlan=[10])
    link_case("sll2", "baseline_browse with Linux cooked v2 headers (DLT_LINUX_SLL2 276, what "
              "tcpdump -i any writes).", encode(bsegs, link="sll2"), vlan=[])
    link_case("raw_dlt12", "baseline_browse as raw IPv4 with link type 12 (DLT_RAW) in the file header.",
              encode(bsegs, link="raw12"), vlan=[])
    link_case("raw_linktype101", "baseline_browse as raw IPv4 with LINKTYPE_RAW (101) in the file header.",
              encode(bsegs, link="raw101"), vlan=[])
    link_case("null_loopback", "baseline_browse with BSD loopback headers (DLT_NULL 0; 4-byte AF_INET=2 "
              "in little-endian host order).", encode(bsegs, link="null"), vlan=[])
    ep6 = Endpoints("2001:db8::2", 49152, "2001:db8::1")
    segs6 = flat(build_segments(browse, ep6))
    link_case("ipv6", "baseline_browse over Ethernet + IPv6 (2001:db8::2 -> 2001:db8::1) with a "
              "hop-by-hop and a destination-options extension header before TCP.",
              encode(segs6), vlan=[], ips=[ep6.cli_text, ep6.srv_text])

    # 12. IPv4 fragments ------------------------------------------------------------------------
    fsegs = [s.copy() for s in bsegs]
    patterns = ["two", "three_reversed", "three_mixed", "two_last_first", "overlap"]
    nfrag, used = 0, {}
    for s in fsegs:
        if len(s.data) < 60:
            continue
        if nfrag % 2 == 0:
            tl = 20 + len(s.data)
            pat = patterns[(nfrag // 2) % len(patterns)]
            if pat == "overlap" and "overlap" in used:
                pat = "two"
            used[pat] = used.get(pat, 0) + 1
            h = (tl // 2) // 8 * 8
            t1, t2 = (tl // 3) // 8 * 8, (2 * tl // 3) // 8 * 8
            if pat == "two":
                s.frag = [(0, h), (h, tl)]
            elif pat == "two_last_first":
                s.frag = [(h, tl), (0, h)]
            elif pat == "three_reversed":
                s.frag = [(t2, tl), (t1, t2), (0, t1)]
            elif pat == "three_mixed":
                s.frag = [(t1, t2), (0, t1), (t2, tl)]
            else:  # overlapping: the second fragment repeats 16 bytes of the first
                s.frag = [(0, h), (h - 16, tl)]
        nfrag += 1
    fragmented = sum(1 for s in fsegs if s.frag)
    # a tiny fragment (more-fragments set, 4 payload bytes) of an unrelated datagram
    e0 = ep_b
    tiny = ipv4_packet(e0.cli, e0.srv, 6, struct.pack(">HH", e0.cli_port, 102), 0x7777, 0x2000)
    idx_tiny = next(i for i, s in enumerate(fsegs) if s.frag)
    pcap = encode(fsegs, extra={idx_tiny: [tiny]})
    link_case("ipv4_fragments", "baseline_browse with %d data segments sent as IPv4 fragments: 2 or 3 "
              "per datagram, in order, reversed and mixed, one set with a 16-byte overlapping (same "
              "bytes) fragment (%s); plus one tiny fragment (MF set, 4 payload bytes, its own IP id) "
              "that must be dropped." % (fragmented, ", ".join("%s x%d" % kv for kv in sorted(used.items()))),
              pcap, vlan=[], extra_stats={"frag_tiny": [">=", 1], "ipv4_reassembled": ["==", fragmented],
                                          "frag_overlap": [">=", 1]})

    # 13. hostile ---------------------------------------------------------------------------------
    # truncated: baseline_browse cut in the middle of a record at ~60% of the file
    pcap = encode(bsegs)
    off, recs = 24, []
    while off < len(pcap):
        cl = struct.unpack("<I", pcap[off + 8:off + 12])[0]
        recs.append((off, cl))
        off += 16 + cl
    big = [i for i, (o, cl) in enumerate(recs) if o > len(pcap) * 0.6 and cl > 100]
    ci = big[0]
    cut = recs[ci][0] + 16 + recs[ci][1] // 2
    complete = bsegs[:ci]
    got = {}
    for s in complete:
        if s.data:
            got[s.dir] = s.off + len(s.data)
    lost = {d: [(got.get(d, 0), 1 << 30)] for d in (0, 1)}
    surv = browse.pdus_surviving(lost)
    corpus.write("truncated", pcap[:cut], {
        "description": "baseline_browse cut in the middle of record %d (of %d): libpcap reports a "
                       "truncated file. Expect exit 0, a warning naming the file with 'truncated', and "
                       "every PDU carried wholly by the %d complete records." % (ci + 1, len(recs), ci),
        "source": src_info["browse"],
        "exit": 0,
        "stderr_contains": ["{pcap}", "truncated"],
        "mms": mms_expect("per_direction", surv),
        "stats": {"packets": ["==", ci], "mms_malformed": ["==", 0]},
        "flow_count": 1,
    })
    # garbage: 4 KiB of deterministic pseudo-random bytes
    g, ctr = b"", 0
    while len(g) < 4096:
        g += hashlib.sha256(b"mmswatch-reasm-garbage-%d" % ctr).digest()
        ctr += 1
    corpus.write("garbage", g[:4096], {
        "description": "4096 pseudo-random bytes (SHA-256 counter stream): not a capture.",
        "exit": 2, "stderr_contains": ["{pcap}", "not a pcap"], "no_stats": True,
    })
    corpus.write("empty", b"", {
        "description": "An empty file.", "exit": 2, "stderr_contains": ["{pcap}"], "no_stats": True,
    })
    corpus.write("missing", None, {
        "description": "A file that does not exist (no missing.pcap is written).",
        "exit": 2, "stderr_contains": ["{pcap}"], "no_stats": True,
    })

    assoc = conversation_prefix(bconvs[0], 4)
    init_pdus = assoc.pdus_global()
    cr = assoc.tpkts[0].data

    def data_tpkt(mms, ctx=MMS_CONTEXT_ID):
        """TPKT + COTP DT(EOT) + session GT/DT + presentation fully-encoded-data."""
        pdv = b"\x02\x01" + bytes([ctx]) + ber(0xA0, mms)
        pres = ber(0x61, ber(0x30, pdv))
        body = b"\x02\xf0\x80" + b"\x01\x00\x01\x00" + pres
        return struct.pack(">BBH", 3, 0, 4 + len(body)) + body

    def conv_from(items, decode=False):
        """A Conversation from (dir, tpkt bytes) items."""
        tp, off = [], [0, 0]
        for i, (d, b) in enumerate(items):
            tp.append(Tpkt(d, off[d], off[d] + len(b), i, b))
            off[d] += len(b)
        return Conversation(tp, decode)

    def assoc_plus(extra_items):
        return [(t.dir, t.data) for t in assoc.tpkts] + extra_items

    # 64 KiB TPKT: informationReport carrying one octet-string, TPKT length 65535
    def big_report(fill):
        inner = lambda n: ber(0xA3, ber(0xA0, ber(0xA1, b"\x80\x03big") + ber(0xA0, ber(0x89, b"\x5a" * n))))
        n = fill
        while True:
            t = data_tpkt(inner(n))
            if len(t) == 65535:
                return t, len(inner(n)), n
            n += 65535 - len(t)
            if n <= 0:
                raise GenError("cannot size the big TPKT")
    bigt, mms_size, big_n = big_report(60000)
    conv = conv_from(assoc_plus([(TO_CLIENT, bigt)]))
    ep = Endpoints("10.0.0.2", 49200, "10.0.0.1")
    segs = flat(build_segments(conv, ep, cutter=Cutter([MSS, 1000, 1, MSS, 700])))
    exp_pdus = init_pdus + [["to_client", "unconfirmed", "informationReport", None, mms_size]]
    corpus.write("big_tpkt", encode(segs), {
        "description": "An association (CR, CC, AARQ/initiate, AARE/initiate from clean_browse) then "
                       "one TPKT of length 65535 (the largest): COTP DT + session + presentation + an "
                       "MMS informationReport whose only value is a %d-byte octet-string, split over "
                       "%d segments. Decoded: one unconfirmed mms event of %d bytes, nothing malformed." % (
                           big_n, sum(1 for s in segs if s.dir == TO_CLIENT and s.data), mms_size),
        "mms": mms_expect("global", exp_pdus),
        "stream": list(NO_STREAM_TROUBLE),
        "stats": clean_stats(mms_pdus=["==", len(exp_pdus)]),
        "flow_count": 1,
    })

    # TPKT length field 0..6: one connection each
    segs = []
    for L in range(7):
        ep = Endpoints("10.0.0.2", 41000 + L, "10.0.0.1", isn_c=0x01010101 * (L + 1), isn_s=0x0F0F0F0F + L)
        # CR and CC, then a TPKT header announcing length L and three COTP DT bytes
        items = [(t.dir, t.data) for t in assoc.tpkts[:2]] + [(TO_SERVER, b"\x03\x00" + struct.pack(">H", L) + b"\x02\xf0\x80")]
        tp, off = [], [0, 0]
        for i, (d, b) in enumerate(items):
            tp.append(Tpkt(d, off[d], off[d] + len(b), i, b))
            off[d] += len(b)
        c = Conversation(tp, decode=False)
        segs += flat(build_segments(c, ep, cutter=Cutter([MSS])))
    corpus.write("tpkt_len_small", encode(segs), {
        "description": "Seven connections (client ports 41000-41006), each a COTP CR/CC and then a "
                       "TPKT header whose length field is 0, 1, ... 6 (below the 7-byte minimum) followed "
                       "by 3 bytes. Expect, per connection, a malformed stream event with layer tpkt; "
                       "no crash.",
        "flow_count": 7,
        "flows": {"by": "client_port", "expect": [
            {"client_port": 41000 + L, "mms": mms_expect("global", []),
             "stream": [{"event": "malformed", "layer": "tpkt", "min": 1}]} for L in range(7)]},
        "stats": {"tpkt_invalid": [">=", 7], "mms_pdus": ["==", 0]},
    })

    # 10 000-deep nesting: informationReport "RPT" whose one Data is structure{structure{...}}
    data = b"\xa2\x00"
    for _ in range(9999):
        data = ber(0xA2, data)
    mms = ber(0xA3, ber(0xA0, ber(0xA1, b"\x80\x03RPT") + ber(0xA0, data)))
    conv = conv_from(assoc_plus([(TO_CLIENT, data_tpkt(mms))]))
    ep = Endpoints("10.0.0.2", 49201, "10.0.0.1")
    segs = flat(build_segments(conv, ep, cutter=Cutter([MSS])))
    corpus.write("deep_nesting", encode(segs), {
        "description": "After an association, a COTP DT whose MMS PDU is an informationReport (vmd "
                       "\"RPT\") carrying one Data: a structure nested 10 000 deep (A2 ... A2 00, definite "
                       "lengths; MMS PDU %d bytes). Expect the unconfirmed mms event with a malformed / "
                       "too-deep indication (or a limit event / ber_depth_limit), no crash." % len(mms),
        "mms": mms_expect("global", init_pdus + [["to_client", "unconfirmed", "informationReport", None, len(mms)]]),
        "hostile_mms": [{"match": {"pdu": "unconfirmed"}, "need": "malformed_or_limit"}],
        "flow_count": 1,
    })

    # BER lengths: zero, overlong (0x84 FF FF FF FF), indefinite; one connection each
    ber_cases = [
        ("zero outer length: A0 00", b"\xa0\x00", "malformed", None),
        ("zero-length invokeID: A0 04 02 00 82 00", b"\xa0\x04\x02\x00\x82\x00", "malformed", None),
        ("overlong outer length: A0 84 FF FF FF FF 02 01 01 82 00", b"\xa0\x84\xff\xff\xff\xff\x02\x01\x01\x82\x00", "malformed", None),
        ("overlong inner length: A0 0B 02 01 02 A4 84 FF FF FF FF 80 00", b"\xa0\x0b\x02\x01\x02\xa4\x84\xff\xff\xff\xff\x80\x00", "malformed", None),
        ("indefinite outer length, no end-of-contents: A0 80 02 01 03 82 00", b"\xa0\x80\x02\x01\x03\x82\x00", "malformed", None),
        ("indefinite length on a primitive invokeID: A0 07 02 80 01 00 00 82 00", b"\xa0\x07\x02\x80\x01\x00\x00\x82\x00", "malformed", None),
        ("indefinite outer length, well formed: A0 80 02 01 04 82 00 00 00 (identify, invoke 4)",
         b"\xa0\x80\x02\x01\x04\x82\x00\x00\x00", "decoded", ["to_server", "confirmed-request", "identify", 4, 9]),
        ("overlong length of the length: A0 85 00 00 00 00 05 02 01 05 82 00", b"\xa0\x85\x00\x00\x00\x00\x05\x02\x01\x05\x82\x00", "any", None),
    ]
    segs, fl = [], []
    for i, (desc, pdu, want, summ) in enumerate(ber_cases):
        port = 42000 + i
        conv = conv_from(assoc_plus([(TO_SERVER, data_tpkt(pdu))]))
        ep = Endpoints("10.0.0.2", port, "10.0.0.1", isn_c=0x03000000 + i, isn_s=0x04000000 + i)
        segs += flat(build_segments(conv, ep, cutter=Cutter([MSS])))
        item = {"client_port": port, "what": desc}
        if want == "malformed":
            item["mms_prefix"] = init_pdus
            item["malformed_mms"] = True
        elif want == "decoded":
            item["mms_prefix"] = init_pdus
            item["mms_contains"] = [summ]
        else:
            item["mms_prefix"] = init_pdus
        fl.append(item)
    corpus.write("ber_lengths", encode(segs), {
        "description": "Eight connections (client ports 42000-42007), each an association then one "
                       "MMS PDU with a hostile BER length: " + "; ".join("%d: %s" % (42000 + i, c[0]) for i, c in enumerate(ber_cases)) +
                       ". Expect no crash; the malformed ones flagged (mms.malformed or a malformed "
                       "stream event of layer mms); the well-formed indefinite one decoded.",
        "flow_count": len(ber_cases),
        "flows": {"by": "client_port", "expect": fl},
        "stats": {"mms_malformed": [">=", 1]},
    })

    # 14. S7comm on port 102
    s7_cr = bytes.fromhex("0300001611e00000000100c0010ac1020100c2020102")
    s7_cc = bytes.fromhex("0300001611d00001000100c0010ac1020100c2020102")
    s7_job = bytes.fromhex("0300001902f08032010000000000080000f0000001000101e0")
    s7_ack = bytes.fromhex("0300001b02f080320300000000000800000000f0000001000100f0")
    s7_read = bytes.fromhex("0300001f02f080320100000001000e00000401120a10020001000083000000")
    conv = conv_from([(TO_SERVER, s7_cr), (TO_CLIENT, s7_cc), (TO_SERVER, s7_job), (TO_CLIENT, s7_ack),
                      (TO_SERVER, s7_read)])
    ep = Endpoints("10.0.0.2", 49300, "10.0.0.1")
    segs = flat(build_segments(conv, ep, cutter=Cutter([MSS])))
    corpus.write("s7comm", encode(segs), {
        "description": "S7comm on TCP 102: COTP CR/CC (TSAPs 01 00 / 01 02), then COTP DT with S7comm "
                       "(0x32) setup-communication job and ack-data, and a read-var job. Expect a "
                       "stream event protocol s7comm, no mms event, nothing malformed.",
        "mms": mms_expect("global", []),
        "stream": stream_rules({"event": "protocol", "protocol": "s7comm", "min": 1}),
        "stats": clean_stats(mms_pdus=["==", 0], s7comm_pdus=[">=", 1]),
        "flow_count": 1,
    })

    return corpus


def ber(tag, content):
    n = len(content)
    if n < 0x80:
        l = bytes([n])
    elif n < 0x100:
        l = bytes([0x81, n])
    elif n < 0x10000:
        l = bytes([0x82]) + struct.pack(">H", n)
    else:
        l = bytes([0x83]) + n.to_bytes(3, "big")
    return bytes([tag]) + l + content


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=os.environ.get("MMSW_SHARED_PCAPS",
                                                      os.path.join(os.path.dirname(TOP), "shared", "pcaps")))
    ap.add_argument("--out", default=os.path.join(TOP, "tests", "data", "reasm"))
    a = ap.parse_args()
    try:
        corpus = gen_all(a.shared, a.out)
    except GenError as e:
        print("gen.py: %s" % e, file=sys.stderr)
        return 1
    total = 0
    for name, size in corpus.cases:
        print("%-22s %7d bytes" % (name, size))
        total += size
    print("%d cases, %d bytes of pcap in %s" % (len(corpus.cases), total, a.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
