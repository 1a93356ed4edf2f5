#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Generate a large, valid SCD for load-time and peak-RSS measurements.

usage: gen-big-scd.py OUT.scd [--ieds N] [--lds N] [--seed S]

Deterministic for a given seed. The first IED is the example server of the
scenario captures (simpleIO at 127.0.0.1, as tests/scl/data/example_server.scd
has it), so a run over those captures with the big file has one IED that talks
and N-1 that stay silent. Every IED has an MMS ConnectedAP (10.x.y.z), a GSE
per IED, LDevices with LLN0, LPHD, a few XCBR/XSWI/MMXU/GGIO/PTOC, three
datasets, indexed and unindexed URCBs and BRCBs, a GSEControl; the types are
shared in one DataTypeTemplates section. With the defaults (4000 IEDs, 2 LDs)
the file is about 34 MB (the issue asks for 30). Written with plain string formatting: the point is the
size and shape a real SCD has, not an XML library's output."""
import argparse
import random

TEMPLATES = """  <DataTypeTemplates>
    <LNodeType id="LLN0_T" lnClass="LLN0"><DO name="Mod" type="ENC_T"/><DO name="Beh" type="ENS_T"/><DO name="Health" type="ENS_T"/><DO name="NamPlt" type="LPL_T"/></LNodeType>
    <LNodeType id="LPHD_T" lnClass="LPHD"><DO name="PhyNam" type="DPL_T"/><DO name="PhyHealth" type="ENS_T"/><DO name="Proxy" type="SPS_T"/></LNodeType>
    <LNodeType id="XCBR_T" lnClass="XCBR"><DO name="Beh" type="ENS_T"/><DO name="Pos" type="DPC_T"/><DO name="BlkOpn" type="SPC_T"/><DO name="BlkCls" type="SPC_T"/><DO name="OpCnt" type="INS_T"/></LNodeType>
    <LNodeType id="XSWI_T" lnClass="XSWI"><DO name="Beh" type="ENS_T"/><DO name="Pos" type="DPC_T"/><DO name="SwTyp" type="ENS_T"/></LNodeType>
    <LNodeType id="MMXU_T" lnClass="MMXU"><DO name="Beh" type="ENS_T"/><DO name="TotW" type="MV_T"/><DO name="TotVAr" type="MV_T"/><DO name="Hz" type="MV_T"/><DO name="PhV" type="WYE_T"/><DO name="A" type="WYE_T"/></LNodeType>
    <LNodeType id="PTOC_T" lnClass="PTOC"><DO name="Beh" type="ENS_T"/><DO name="Str" type="ACD_T"/><DO name="Op" type="ACT_T"/></LNodeType>
    <LNodeType id="GGIO_T" lnClass="GGIO"><DO name="Beh" type="ENS_T"/><DO name="Ind1" type="SPS_T"/><DO name="Ind2" type="SPS_T"/><DO name="AnIn1" type="MV_T"/><DO name="SPCSO1" type="SPC_T"/></LNodeType>
    <DOType id="ENC_T" cdc="ENC"><DA name="stVal" bType="Enum" type="Beh_E" fc="ST" dchg="true"/><DA name="q" bType="Quality" fc="ST" qchg="true"/><DA name="t" bType="Timestamp" fc="ST"/><DA name="ctlModel" bType="Enum" type="Ctl_E" fc="CF"/></DOType>
    <DOType id="ENS_T" cdc="ENS"><DA name="stVal" bType="Enum" type="Beh_E" fc="ST" dchg="true"/><DA name="q" bType="Quality" fc="ST" qchg="true"/><DA name="t" bType="Timestamp" fc="ST"/></DOType>
    <DOType id="INS_T" cdc="INS"><DA name="stVal" bType="INT32" fc="ST" dchg="true"/><DA name="q" bType="Quality" fc="ST" qchg="true"/><DA name="t" bType="Timestamp" fc="ST"/></DOType>
    <DOType id="SPS_T" cdc="SPS"><DA name="stVal" bType="BOOLEAN" fc="ST" dchg="true"/><DA name="q" bType="Quality" fc="ST" qchg="true"/><DA name="t" bType="Timestamp" fc="ST"/></DOType>
    <DOType id="ACD_T" cdc="ACD"><DA name="general" bType="BOOLEAN" fc="ST" dchg="true"/><DA name="dirGeneral" bType="Enum" type="Dir_E" fc="ST" dchg="true"/><DA name="q" bType="Quality" fc="ST" qchg="true"/><DA name="t" bType="Timestamp" fc="ST"/></DOType>
    <DOType id="ACT_T" cdc="ACT"><DA name="general" bType="BOOLEAN" fc="ST" dchg="true"/><DA name="q" bType="Quality" fc="ST" qchg="true"/><DA name="t" bType="Timestamp" fc="ST"/></DOType>
    <DOType id="SPC_T" cdc="SPC"><DA name="Oper" bType="Struct" type="SPCOp_T" fc="CO"/><DA name="stVal" bType="BOOLEAN" fc="ST" dchg="true"/><DA name="q" bType="Quality" fc="ST" qchg="true"/><DA name="t" bType="Timestamp" fc="ST"/><DA name="ctlModel" bType="Enum" type="Ctl_E" fc="CF"/></DOType>
    <DOType id="DPC_T" cdc="DPC"><DA name="Oper" bType="Struct" type="DPCOp_T" fc="CO"/><DA name="stVal" bType="Dbpos" fc="ST" dchg="true"/><DA name="q" bType="Quality" fc="ST" qchg="true"/><DA name="t" bType="Timestamp" fc="ST"/><DA name="ctlModel" bType="Enum" type="Ctl_E" fc="CF"/></DOType>
    <DOType id="MV_T" cdc="MV"><DA name="mag" bType="Struct" type="AV_T" fc="MX" dchg="true"/><DA name="q" bType="Quality" fc="MX" qchg="true"/><DA name="t" bType="Timestamp" fc="MX"/></DOType>
    <DOType id="CMV_T" cdc="CMV"><DA name="cVal" bType="Struct" type="Vec_T" fc="MX" dchg="true"/><DA name="q" bType="Quality" fc="MX" qchg="true"/><DA name="t" bType="Timestamp" fc="MX"/></DOType>
    <DOType id="WYE_T" cdc="WYE"><SDO name="phsA" type="CMV_T"/><SDO name="phsB" type="CMV_T"/><SDO name="phsC" type="CMV_T"/></DOType>
    <DOType id="LPL_T" cdc="LPL"><DA name="vendor" bType="VisString255" fc="DC"/><DA name="swRev" bType="VisString255" fc="DC"/><DA name="configRev" bType="VisString255" fc="DC"/></DOType>
    <DOType id="DPL_T" cdc="DPL"><DA name="vendor" bType="VisString255" fc="DC"/><DA name="serNum" bType="VisString255" fc="DC"/></DOType>
    <DAType id="AV_T"><BDA name="f" bType="FLOAT32"/></DAType>
    <DAType id="Vec_T"><BDA name="mag" bType="Struct" type="AV_T"/><BDA name="ang" bType="Struct" type="AV_T"/></DAType>
    <DAType id="Orig_T"><BDA name="orCat" bType="Enum" type="OrCat_E"/><BDA name="orIdent" bType="Octet64"/></DAType>
    <DAType id="SPCOp_T"><BDA name="ctlVal" bType="BOOLEAN"/><BDA name="origin" bType="Struct" type="Orig_T"/><BDA name="ctlNum" bType="INT8U"/><BDA name="T" bType="Timestamp"/><BDA name="Test" bType="BOOLEAN"/><BDA name="Check" bType="Check"/></DAType>
    <DAType id="DPCOp_T"><BDA name="ctlVal" bType="BOOLEAN"/><BDA name="origin" bType="Struct" type="Orig_T"/><BDA name="ctlNum" bType="INT8U"/><BDA name="T" bType="Timestamp"/><BDA name="Test" bType="BOOLEAN"/><BDA name="Check" bType="Check"/></DAType>
    <EnumType id="Beh_E"><EnumVal ord="1">on</EnumVal><EnumVal ord="2">blocked</EnumVal><EnumVal ord="3">test</EnumVal><EnumVal ord="4">test/blocked</EnumVal><EnumVal ord="5">off</EnumVal></EnumType>
    <EnumType id="Ctl_E"><EnumVal ord="0">status-only</EnumVal><EnumVal ord="1">direct-with-normal-security</EnumVal><EnumVal ord="2">sbo-with-normal-security</EnumVal><EnumVal ord="3">direct-with-enhanced-security</EnumVal><EnumVal ord="4">sbo-with-enhanced-security</EnumVal></EnumType>
    <EnumType id="Dir_E"><EnumVal ord="0">unknown</EnumVal><EnumVal ord="1">forward</EnumVal><EnumVal ord="2">backward</EnumVal><EnumVal ord="3">both</EnumVal></EnumType>
    <EnumType id="OrCat_E"><EnumVal ord="0">not-supported</EnumVal><EnumVal ord="1">bay-control</EnumVal><EnumVal ord="2">station-control</EnumVal><EnumVal ord="3">remote-control</EnumVal></EnumType>
  </DataTypeTemplates>
"""


def fcda(ld, cls, inst, do, da, fc, prefix=""):
    pre = f' prefix="{prefix}"' if prefix else ""
    dat = f' daName="{da}"' if da else ""
    return f'              <FCDA ldInst="{ld}"{pre} lnClass="{cls}" lnInst="{inst}" doName="{do}"{dat} fc="{fc}"/>\n'


def ldevice(name, ld, rnd):
    bays = rnd.randint(1, 2) if ld == "LD1" else 1
    out = [f'        <LDevice inst="{ld}" desc="{name} {ld}">\n',
           '          <LN0 lnClass="LLN0" inst="" lnType="LLN0_T">\n']
    # datasets
    out.append('            <DataSet name="StatUrg" desc="Urgent status">\n')
    for b in range(1, bays + 1):
        out.append(fcda(ld, "XCBR", b, "Pos", "stVal", "ST", "Q0"))
        out.append(fcda(ld, "XSWI", b, "Pos", "", "ST", "Q1"))
    out.append(fcda(ld, "PTOC", 1, "Op", "general", "ST"))
    out.append('            </DataSet>\n')
    out.append('            <DataSet name="Meas" desc="Measurements">\n')
    for do in ("TotW", "Hz"):
        out.append(fcda(ld, "MMXU", 1, do, "mag.f", "MX"))
        out.append(fcda(ld, "MMXU", 1, do, "q", "MX"))
    for ph in ("phsA", "phsB", "phsC"):
        out.append(fcda(ld, "MMXU", 1, f"PhV.{ph}", "cVal.mag.f", "MX"))
    out.append('            </DataSet>\n')
    out.append('            <DataSet name="Goose1" desc="Trip and position for GOOSE">\n')
    out.append(fcda(ld, "PTOC", 1, "Op", "general", "ST"))
    out.append(fcda(ld, "XCBR", 1, "Pos", "stVal", "ST", "Q0"))
    out.append('            </DataSet>\n')
    # report controls
    intg = rnd.choice((1000, 2000, 5000, 10000))
    out.append(f'            <ReportControl name="urcbStat" rptID="{name}{ld}/LLN0$RP$urcbStat" datSet="StatUrg" confRev="{rnd.randint(1, 5)}" buffered="false" bufTime="50" intgPd="{intg}">\n'
               '              <TrgOps dchg="true" qchg="true" dupd="false" period="true" gi="true"/>\n'
               '              <OptFields seqNum="true" timeStamp="true" dataSet="true" reasonCode="true" dataRef="false" entryID="false" configRef="true"/>\n'
               '              <RptEnabled max="5"/>\n            </ReportControl>\n')
    out.append(f'            <ReportControl name="brcbMeas" rptID="" datSet="Meas" confRev="{rnd.randint(1, 5)}" buffered="true" bufTime="100" intgPd="{intg}">\n'
               '              <TrgOps dchg="true" qchg="true" dupd="false" period="true" gi="true"/>\n'
               '              <OptFields seqNum="true" timeStamp="true" dataSet="true" reasonCode="true" bufOvfl="true" entryID="true" configRef="true"/>\n'
               '              <RptEnabled max="3"><ClientLN iedName="HMI1" apRef="S1" ldInst="" lnClass="IHMI" lnInst="1"/></RptEnabled>\n            </ReportControl>\n')
    out.append(f'            <ReportControl name="brcbStat" indexed="false" rptID="{name}Stat" datSet="StatUrg" confRev="1" buffered="true" bufTime="0" intgPd="0">\n'
               '              <TrgOps dchg="true" qchg="true" gi="true"/>\n'
               '              <OptFields seqNum="true" timeStamp="true" dataSet="true" reasonCode="true" entryID="true"/>\n'
               '              <RptEnabled max="1"/>\n            </ReportControl>\n')
    out.append(f'            <GSEControl name="gcb01" appID="{name}{ld}Trip" datSet="Goose1" confRev="1" type="GOOSE"/>\n')
    out.append(f'            <DOI name="NamPlt"><DAI name="vendor"><Val>mmswatch generated</Val></DAI><DAI name="configRev"><Val>{rnd.randint(1, 99)}</Val></DAI></DOI>\n')
    out.append('          </LN0>\n')
    out.append('          <LN lnClass="LPHD" inst="1" lnType="LPHD_T"/>\n')
    for b in range(1, bays + 1):
        out.append(f'          <LN prefix="Q0" lnClass="XCBR" inst="{b}" lnType="XCBR_T" desc="Breaker {b}"/>\n')
        out.append(f'          <LN prefix="Q1" lnClass="XSWI" inst="{b}" lnType="XSWI_T" desc="Disconnector {b}"/>\n')
    out.append('          <LN lnClass="MMXU" inst="1" lnType="MMXU_T"/>\n')
    out.append('          <LN lnClass="PTOC" inst="1" lnType="PTOC_T"/>\n')
    out.append('          <LN lnClass="GGIO" inst="1" lnType="GGIO_T"/>\n')
    out.append('        </LDevice>\n')
    return "".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--ieds", type=int, default=4000)
    ap.add_argument("--lds", type=int, default=2)
    ap.add_argument("--seed", type=int, default=61850)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    names = ["simpleIO"] + [f"E{i:04d}BAY" for i in range(1, a.ieds)]
    with open(a.out, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<SCL xmlns="http://www.iec.ch/61850/2003/SCL" version="2007" revision="B" release="4">\n'
                f'  <Header id="big-{a.ieds}" version="1" revision="A" toolID="tests/scl/gen-big-scd.py" nameStructure="IEDName"/>\n'
                '  <Communication>\n    <SubNetwork name="StationBus" type="8-MMS">\n')
        for i, n in enumerate(names):
            ip = "127.0.0.1" if i == 0 else f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
            f.write(f'      <ConnectedAP iedName="{n}" apName="AP1">\n        <Address>\n'
                    '          <P type="OSI-AP-Title">1,1,1,999,1</P>\n          <P type="OSI-AE-Qualifier">12</P>\n'
                    '          <P type="OSI-PSEL">00000001</P>\n          <P type="OSI-SSEL">0001</P>\n'
                    f'          <P type="OSI-TSEL">0001</P>\n          <P type="IP">{ip}</P>\n'
                    '          <P type="IP-SUBNET">255.0.0.0</P>\n        </Address>\n')
            f.write(f'        <GSE ldInst="{"GenericIO" if i == 0 else "LD1"}" cbName="gcb01">\n          <Address>\n'
                    f'            <P type="MAC-Address">01-0C-CD-01-{(i >> 8) & 255:02X}-{i & 255:02X}</P>\n'
                    f'            <P type="APPID">{i & 0x3fff:04X}</P>\n            <P type="VLAN-ID">00A</P>\n'
                    '            <P type="VLAN-PRIORITY">4</P>\n          </Address>\n        </GSE>\n'
                    '      </ConnectedAP>\n')
        f.write('      <ConnectedAP iedName="HMI1" apName="S1">\n        <Address>\n'
                '          <P type="IP">192.0.2.50</P>\n        </Address>\n      </ConnectedAP>\n')
        f.write('    </SubNetwork>\n  </Communication>\n')
        for i, n in enumerate(names):
            f.write(f'  <IED name="{n}" desc="Generated bay controller {i}" manufacturer="mmswatch" type="BCU" configVersion="1.{i % 7}">\n'
                    '    <Services><DynAssociation max="5"/><GetDirectory/><ConfReportControl max="30"/>'
                    '<ReportSettings cbName="Conf" datSet="Conf" rptID="Dyn" optFields="Dyn" bufTime="Dyn" trgOps="Dyn" intgPd="Dyn"/></Services>\n'
                    '    <AccessPoint name="AP1">\n      <Server>\n        <Authentication none="true"/>\n')
            for k in range(1, a.lds + 1):
                # the example server's first LDevice is GenericIO, as its captures show
                f.write(ldevice(n, "GenericIO" if i == 0 and k == 1 else f"LD{k}", rnd))
            f.write('      </Server>\n    </AccessPoint>\n  </IED>\n')
        f.write('  <IED name="HMI1" desc="Station HMI"><AccessPoint name="S1"><LN lnClass="IHMI" inst="1" lnType="IHMI_T"/></AccessPoint></IED>\n')
        f.write(TEMPLATES.replace("  </DataTypeTemplates>", '    <LNodeType id="IHMI_T" lnClass="IHMI"><DO name="Beh" type="ENS_T"/></LNodeType>\n  </DataTypeTemplates>'))
        f.write('</SCL>\n')


if __name__ == "__main__":
    main()
