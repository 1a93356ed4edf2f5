#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check mmswatch's findings on one capture against an expectation file.

usage: check.py EVE.json EXPECT.json PCAP
The expectation file:
  {"must": [{"kind": K, "object": O?, "severity": S?, "count": N?, "details": {...}?}, ...],
   "must_not": [K, ...],          # kinds that must not appear at all
   "only_listed_above_info": true # no other kind above info (default true)
  }
"details" matches as a subset (lists compare exactly). Every finding's
tshark_filter must select exactly its evidence frames (checked with tshark when
installed: a wrong filter is a wrong finding)."""
import json
import shutil
import subprocess
import sys

SEV = ["info", "low", "medium", "high", "critical"]


def subset(want, have):
    if isinstance(want, dict):
        return isinstance(have, dict) and all(k in have and subset(v, have[k]) for k, v in want.items())
    return want == have


def main():
    eve, exp_path, pcap = sys.argv[1:4]
    exp = json.load(open(exp_path))
    findings = {}
    for line in open(eve):
        rec = json.loads(line)
        if rec.get("event_type") == "finding":
            findings[rec["finding"]["id"]] = rec["finding"]  # the last record is the whole aggregate
    errors = []
    for m in exp.get("must", []):
        hits = [f for f in findings.values() if f["kind"] == m["kind"]
                and ("object" not in m or f.get("object", "") == m["object"])
                and ("severity" not in m or f["severity"] == m["severity"])
                and ("count" not in m or f["count"] == m["count"])
                and subset(m.get("details", {}), f["details"])]
        if not hits:
            near = [(f["kind"], f.get("object"), f["count"], f["details"]) for f in findings.values() if f["kind"] == m["kind"]]
            errors.append(f"missing {m}; findings of that kind: {near or 'none'}")
    for k in exp.get("must_not", []):
        for f in findings.values():
            if f["kind"] == k:
                errors.append(f"must not report {k}: got {f['summary']}")
    if exp.get("only_listed_above_info", True):
        listed = {m["kind"] for m in exp.get("must", [])}
        for f in findings.values():
            if SEV.index(f["severity"]) > 0 and f["kind"] not in listed:
                errors.append(f"unexpected {f['severity']} finding {f['kind']}: {f['summary']}")
    if shutil.which("tshark"):
        for f in findings.values():
            flt = f["tshark_filter"]
            if not flt:
                errors.append(f"{f['kind']}: empty tshark_filter")
                continue
            want = sorted({e["pcap_cnt"] for e in f["evidence"] if e.get("pcap_filename", pcap) == f["evidence"][0].get("pcap_filename", pcap)})
            run = subprocess.run(["tshark", "-r", pcap, "-Y", flt, "-T", "fields", "-e", "frame.number"],
                                 capture_output=True, text=True)
            got = sorted(int(x) for x in run.stdout.split())
            if run.returncode != 0 or got != want:
                errors.append(f"{f['kind']}: tshark -Y '{flt}' selected {got[:10]} (rc {run.returncode}), evidence is {want[:10]}")
    kinds = sorted({(f["kind"], f["severity"]) for f in findings.values()})
    if errors:
        print("\n".join("  " + e for e in errors))
        return 1
    print(f"  {len(findings)} findings: {', '.join(f'{k}({s})' for k, s in kinds) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
