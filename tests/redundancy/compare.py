#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare mmswatch's EVE output on a PRP/HSR variant with its output on the
capture the variant was made from (tests/redundancy/run).

usage: compare.py ORIG.eve VARIANT.eve MANIFEST.json prp|hsr VARIANT-NAME

Every record but `stats` must be the original's, in the original's order, once
frame numbers are mapped: a record of the variant must name the frame number of the
first copy of the original frame (MANIFEST's first_copy), in pcap_cnt, in evidence,
in write.request_pcap_cnt and in tshark_filter. pcap_filename differs, and finding
ids are renumbered in order of appearance. Findings of the kinds the LAN health
analyzer raises (prp_lan_down, prp_lan_degraded, hsr_ring_open) are left out:
they are checked here against what the variant is: none on a clean variant (prp,
hsr, prp-vlan, vlan), prp_lan_down for LAN B only on prp-lan-b-down,
prp_lan_degraded for LAN A only on prp-holes-a. Then the counters: every one the
original has must be equal, except packets and bytes (the copies) and the
redundancy counters, which must equal what the converter made."""
import json
import re
import sys

REDUNDANCY_KINDS = {"prp_lan_down", "prp_lan_degraded", "hsr_ring_open"}
COPY_COUNTERS = {"packets", "bytes", "reassembly_peak_bytes"}


# The redundancy findings each variant must give (kind, lan), none on the others.
DUE = {
    "prp-lan-b-down": {("prp_lan_down", "B")},
    "prp-holes-a": {("prp_lan_degraded", "A")},
}


def load(path, redundancy=None):
    recs, stats = [], None
    for line in open(path):
        r = json.loads(line)
        if r.get("event_type") == "stats":
            stats = r["stats"]
        elif r.get("event_type") == "finding" and r["finding"]["kind"] in REDUNDANCY_KINDS:
            if redundancy is not None:
                f = r["finding"]  # the last record of an id is its final state
                redundancy[f["id"]] = (f["kind"], f.get("details", {}).get("lan"))
        else:
            recs.append(r)
    return recs, stats


def normalise(recs, frame_of):
    """Frame numbers through frame_of, file names and finding ids out."""
    ids = {}
    out = []
    for r in recs:
        r = json.loads(json.dumps(r))
        r.pop("pcap_filename", None)
        if "pcap_cnt" in r:
            r["pcap_cnt"] = frame_of(r["pcap_cnt"])
        if r.get("event_type") == "write" and "request_pcap_cnt" in r.get("write", {}):
            r["write"]["request_pcap_cnt"] = frame_of(r["write"]["request_pcap_cnt"])
        f = r.get("finding")
        if f:
            f["id"] = ids.setdefault(f["id"], len(ids) + 1)
            for e in f.get("evidence", []):
                e.pop("pcap_filename", None)
                e["pcap_cnt"] = frame_of(e["pcap_cnt"])
            f["tshark_filter"] = re.sub(
                r"frame\.number in \{([0-9, ]*)\}",
                lambda m: "frame.number in {%s}" % ", ".join(
                    str(n) for n in sorted(frame_of(int(x)) for x in m.group(1).split(",") if x.strip())),
                f.get("tshark_filter", ""))
        out.append(r)
    return out


def main():
    orig_path, var_path, man_path, kind, variant = sys.argv[1:6]
    man = json.load(open(man_path))
    orig, ostats = load(orig_path)
    found = {}
    var, vstats = load(var_path, found)
    errors = []
    due = DUE.get(variant, set())
    if set(found.values()) != due or len(found) != len(due):
        errors.append("redundancy findings %s, the variant is due %s" % (
            sorted(found.values()), sorted(due)))
    first = man["first_copy"]
    a = normalise(orig, lambda n: first[n - 1] if 0 < n <= len(first) else -n)
    b = normalise(var, lambda n: n)
    if len(a) != len(b):
        errors.append("%d records, the original has %d" % (len(b), len(a)))
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            errors.append("record %d differs:\n  original: %s\n  variant:  %s" % (
                i + 1, json.dumps(x, sort_keys=True)[:600], json.dumps(y, sort_keys=True)[:600]))
            break
    if ostats is None or vstats is None:
        errors.append("no stats record")
    else:
        for k, v in ostats.items():
            if k in COPY_COUNTERS or k.startswith(("prp_", "hsr_")) or k == "files":
                continue
            if vstats.get(k) != v:
                errors.append("counter %s: %s, the original has %s" % (k, vstats.get(k), v))
        other = "hsr" if kind == "prp" else "prp"
        want = {
            "%s_duplicates" % kind: man["duplicates"],
            "%s_supervision_frames" % kind: man["supervision"]["A"] + man["supervision"]["B"],
            "%s_size_mismatch" % kind: 0,
            ("prp_frames_lan_a" if kind == "prp" else "hsr_frames_lane_a"): man["copies"]["A"],
            ("prp_frames_lan_b" if kind == "prp" else "hsr_frames_lane_b"): man["copies"]["B"],
            "%s_duplicates" % other: 0, "%s_size_mismatch" % other: 0,
            "redundancy_table_full": 0,
            "packets": man["frames_out"],
        }
        for k, v in want.items():
            if vstats.get(k) != v:
                errors.append("counter %s: %s, the variant needs %s" % (k, vstats.get(k), v))
    if errors:
        print("\n".join(errors))
        return 1
    print("%d records equal, %s_duplicates %d, mms_pdus %d, tcp_retransmissions %d" % (
        len(b), kind, vstats["%s_duplicates" % kind], vstats["mms_pdus"], vstats["tcp_retransmissions"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
