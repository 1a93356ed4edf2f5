#!/usr/bin/python3
"""Build goose_sv_vlan.pcap: MMS, GOOSE and Sampled Values on shared and separate VLANs.

usage: gen.py [CLEAN_BROWSE_PCAP] [OUT_PCAP]
  (defaults: ../../../pcaps/clean_browse.pcap and goose_sv_vlan.pcap next to this script)

Standard library only, deterministic (same bytes on every run). The MMS part is real
traffic: two TCP connections of pcaps/clean_browse.pcap (libiec61850 client and
server on loopback) copied frame by frame, with the addresses moved to 10.0.10.2
(client) -> 10.0.10.5:102 (IED), an 802.1Q tag VID 10 inserted and the IP and TCP
checksums recomputed. GOOSE and SV frames are built here following IEC 61850-8-1
and 9-2 (values are placeholders; only the identifying fields matter):

  VLAN 10  GOOSE APPID 0x0001 gocbRef IED1PROT/LLN0$GO$gcbTrip, from before the
           first MMS frame (the analyzer must remember it and judge when MMS shows)
  VLAN 10  SV    APPID 0x4000 svID MU01SV1, after MMS started
  VLAN 20  GOOSE APPID 0x0002 gocbRef IED2CTRL/LLN0$GO$gcbInterlock (no MMS there),
           plus one frame cut by the snaplen (caplen < len)
  VID 0    GOOSE APPID 0x0003 priority-tagged (the native VLAN, like untagged: no MMS)
  VLAN 10  a Siemens S7comm connection (COTP, then protocol id 0x32) from the same
           client to a PLC at 10.0.10.6:102: S7comm on the MMS port
  VLAN 10  0x88B8 garbage: a header whose Length is 0 (APPID 0x0005), and a frame
           cut inside its header; neither may make a stream or a finding

Expected: goose_on_mms_vlan (vlan 10 appid 0x0001) and sv_on_mms_vlan (vlan 10
appid 0x4000), both low; mms_plaintext (info); s7comm_seen (info) for the PLC;
nothing for VLAN 20 or VID 0.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
T0 = 1796000000  # 2026-11-30T...: any fixed time
CLIENT_IP, IED_IP = bytes([10, 0, 10, 2]), bytes([10, 0, 10, 5])
CLIENT_MAC, IED_MAC = bytes.fromhex("000c29000002"), bytes.fromhex("0030a7000005")
STREAM_PORTS = (57052, 57068)  # the GetNameList/NVL browse and the Identify/Read/Write connection


def read_pcap(path):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic != 0xA1B2C3D4:
        sys.exit(f"{path}: not a little-endian microsecond pcap")
    if struct.unpack("<I", data[20:24])[0] != 1:
        sys.exit(f"{path}: not Ethernet")
    off, out = 24, []
    while off + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        out.append((sec * 1000000 + usec, data[off + 16:off + 16 + incl], orig))
        off += 16 + incl
    return out


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def vlan_tag(vid, prio=0, inner=0x0800):
    return struct.pack("!HHH", 0x8100, (prio << 13) | vid, inner)


def mms_frames(src_pcap):
    """The chosen connections of clean_browse, moved to VLAN 10 and 10.0.10.0/24."""
    frames = []
    for ts, pkt, orig in read_pcap(src_pcap):
        if len(pkt) < 54 or pkt[12:14] != b"\x08\x00" or pkt[23] != 6:
            continue
        ihl = (pkt[14] & 0x0F) * 4
        ip = bytearray(pkt[14:])
        sport, dport = struct.unpack("!HH", ip[ihl:ihl + 4])
        client_port = dport if sport == 102 else sport
        if client_port not in STREAM_PORTS:
            continue
        to_ied = dport == 102
        ip[12:16], ip[16:20] = (CLIENT_IP, IED_IP) if to_ied else (IED_IP, CLIENT_IP)
        ip[10:12] = b"\0\0"
        ip[10:12] = struct.pack("!H", csum(bytes(ip[:ihl])))
        total = struct.unpack("!H", ip[2:4])[0]
        tcp = bytearray(ip[ihl:total])
        tcp[16:18] = b"\0\0"
        pseudo = bytes(ip[12:20]) + struct.pack("!BBH", 0, 6, len(tcp))
        tcp[16:18] = struct.pack("!H", csum(pseudo + bytes(tcp)))
        ip[ihl:total] = tcp
        dst, src = (IED_MAC, CLIENT_MAC) if to_ied else (CLIENT_MAC, IED_MAC)
        frames.append((ts, dst + src + vlan_tag(10) + bytes(ip)))
    t_first = frames[0][0]
    # MMS starts 1 s into the capture: GOOSE on VLAN 10 is seen before it.
    return [(T0 * 1000000 + 1000000 + ts - t_first, f) for ts, f in frames]


def tcp_frame(src_ip, dst_ip, src_mac, dst_mac, sport, dport, seq, ack, flags, payload=b""):
    """An IPv4/TCP frame on VLAN 10 with correct checksums."""
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    pseudo = src_ip + dst_ip + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, src_ip, dst_ip)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return dst_mac + src_mac + vlan_tag(10) + ip + tcp


def s7comm_frames(t0):
    """COTP CR/CC, then an S7comm setup-communication job and its ack: a PLC on
    the MMS port, as a passive sensor sees it."""
    plc_ip, plc_mac = bytes([10, 0, 10, 6]), bytes.fromhex("001b1b000006")
    c, s = 1000, 5000
    SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01
    cr = bytes.fromhex("0300001611e00000000100c0010ac1020100c2020102")
    cc = bytes.fromhex("0300001611d00001000100c0010ac1020100c2020102")
    job = bytes.fromhex("0300001902f08032010000000000080000f0000001000101e0")
    ackd = bytes.fromhex("0300001b02f080320300000000000800000000f0000001000101e0")
    up = (CLIENT_IP, plc_ip, CLIENT_MAC, plc_mac, 49152, 102)
    down = (plc_ip, CLIENT_IP, plc_mac, CLIENT_MAC, 102, 49152)
    out = []
    def add(dt, d, seq, ack, flags, payload=b""):
        out.append((t0 + dt, tcp_frame(*d, seq, ack, flags, payload)))
    add(0, up, c, 0, SYN)
    add(50, down, s, c + 1, SYN | ACK)
    add(100, up, c + 1, s + 1, ACK)
    add(200, up, c + 1, s + 1, PSH | ACK, cr)
    add(300, down, s + 1, c + 1 + len(cr), PSH | ACK, cc)
    a = c + 1 + len(cr)
    add(400, up, a, s + 1 + len(cc), PSH | ACK, job)
    add(500, down, s + 1 + len(cc), a + len(job), PSH | ACK, ackd)
    b = s + 1 + len(cc) + len(ackd)
    add(600, up, a + len(job), b, FIN | ACK)
    add(700, down, b, a + len(job) + 1, FIN | ACK)
    add(800, up, a + len(job) + 1, b + 1, ACK)
    return out


def tlv(tag, value):
    n = len(value)
    if n < 0x80:
        return bytes([tag, n]) + value
    if n < 0x100:
        return bytes([tag, 0x81, n]) + value
    return bytes([tag, 0x82, n >> 8, n & 0xFF]) + value


def uint(v):
    b = v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big")
    return b


def goose_pdu(gocb, datset, goid, st, sq, ts_us):
    t = struct.pack("!II", ts_us // 1000000, ((ts_us % 1000000) << 32) // 1000000)[:8]
    all_data = tlv(0x83, b"\x00") + tlv(0x84, b"\x03\x00\x00")
    return tlv(0x61, tlv(0x80, gocb) + tlv(0x81, uint(2000)) + tlv(0x82, datset) + tlv(0x83, goid)
               + tlv(0x84, t) + tlv(0x85, uint(st)) + tlv(0x86, uint(sq)) + tlv(0x87, b"\x00")
               + tlv(0x88, uint(1)) + tlv(0x89, b"\x00") + tlv(0x8A, uint(2)) + tlv(0xAB, all_data))


def sv_pdu(svid, datset, smp_cnt):
    sample = bytes(64)  # 8 channels x (INT32 value + quality), zero
    asdu = (tlv(0x80, svid) + tlv(0x81, datset) + tlv(0x82, struct.pack("!H", smp_cnt))
            + tlv(0x83, struct.pack("!I", 1)) + tlv(0x85, b"\x02") + tlv(0x87, sample))
    return tlv(0x60, tlv(0x80, uint(1)) + tlv(0xA2, tlv(0x30, asdu)))


def l2_frame(dst, src, tags, ethertype, appid, pdu):
    body = struct.pack("!HHHH", appid, 8 + len(pdu), 0, 0) + pdu
    hdr = dst + src
    if tags is None:
        hdr += struct.pack("!H", ethertype)
    else:
        vid, prio = tags
        hdr += vlan_tag(vid, prio, ethertype)
    frame = hdr + body
    return frame + bytes(max(0, 60 - len(frame)))  # Ethernet minimum, FCS not captured


def write_pcap(path, records):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for ts, frame, orig in records:
            f.write(struct.pack("<IIII", ts // 1000000, ts % 1000000, len(frame), orig))
            f.write(frame)


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "..", "pcaps", "clean_browse.pcap")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "goose_sv_vlan.pcap")
    recs = [(ts, f, len(f)) for ts, f in mms_frames(src)]
    base = T0 * 1000000
    pub1, pub2, pub3 = bytes.fromhex("0030a7000001"), bytes.fromhex("0030a7000002"), bytes.fromhex("0030a7000003")
    mu = bytes.fromhex("0030a7000004")
    for i in range(8):  # every 0.5 s from t=0: before, during and after the MMS exchange
        ts = base + i * 500000
        recs.append((ts, l2_frame(bytes.fromhex("010ccd010001"), pub1, (10, 4), 0x88B8, 0x0001,
                                  goose_pdu(b"IED1PROT/LLN0$GO$gcbTrip", b"IED1PROT/LLN0$dsTrip", b"IED1_Trip",
                                            1, i, ts)), None))
        f2 = l2_frame(bytes.fromhex("010ccd010002"), pub2, (20, 4), 0x88B8, 0x0002,
                      goose_pdu(b"IED2CTRL/LLN0$GO$gcbInterlock", b"IED2CTRL/LLN0$dsInterlock", b"IED2_Ilk",
                                1, i, ts))
        recs.append((ts + 100, f2, None))
        f3 = l2_frame(bytes.fromhex("010ccd010003"), pub3, (0, 4), 0x88B8, 0x0003,
                      goose_pdu(b"IED3MEAS/LLN0$GO$gcbAlarm", b"IED3MEAS/LLN0$dsAlarm", b"IED3_Alarm", 1, i, ts))
        recs.append((ts + 200, f3, None))
    # A VLAN 20 frame cut by the capture's snaplen: the header's Length runs past it.
    cut = l2_frame(bytes.fromhex("010ccd010002"), pub2, (20, 4), 0x88B8, 0x0002,
                   goose_pdu(b"IED2CTRL/LLN0$GO$gcbInterlock", b"IED2CTRL/LLN0$dsInterlock", b"IED2_Ilk", 2, 0,
                             base + 4100000))
    recs.append((base + 4100000, cut[:40], len(cut)))
    # Garbage on VLAN 10: the ethertype says GOOSE, two bytes follow.
    garbage = bytes.fromhex("010ccd010001") + pub1 + vlan_tag(10, 4, 0x88B8) + b"\x00\x05" + bytes(40)
    recs.append((base + 4200000, garbage, None))
    recs.append((base + 4300000, garbage[:20], len(garbage)))
    for i in range(8):  # SV at 4000 samples/s from t=2 s, when MMS is already there
        ts = base + 2000000 + i * 250
        recs.append((ts, l2_frame(bytes.fromhex("010ccd040001"), mu, (10, 4), 0x88BA, 0x4000,
                                  sv_pdu(b"MU01SV1", b"MU01/LLN0$PhsMeas1", i)), None))
    recs += [(ts, f, None) for ts, f in s7comm_frames(base + 3000000)]
    recs = [(ts, f, orig if orig is not None else len(f)) for ts, f, orig in recs]
    recs.sort(key=lambda r: r[0])
    write_pcap(out, recs)
    print(f"{out}: {len(recs)} frames")


if __name__ == "__main__":
    main()
