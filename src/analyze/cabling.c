/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cabling.c - the sensor's PRP cabling, as the operator declared it.
 *
 * PRP runs two separate LANs, and a sensor with one port on each is told which is
 * which (-i eth1/A -i eth2/B). Every PRP frame's trailer names the LAN its sender
 * put it on (0xA or 0xB), so an interface whose frames carry the other LAN's id
 * is cabled to the wrong LAN (swapped patch cords: everything said per LAN is then
 * about the other one), or sees both LANs (a SPAN or tap mixing them, or LANs
 * bridged together: a PRP fault of its own). One finding per interface,
 * aggregated while the crossed frames go on. Interfaces without a declared LAN,
 * and files, are not judged. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "analyze/analyze.h"
#include "core/finding.h"
#include "core/inputs.h"
#include "core/packet.h"
#include "util/json.h"
#include "util/limits.h"

/* PRP frames seen per interface (the -i list is capped at MMSW_MAX_INTERFACES):
 * with the declared LAN's id, and with the other one. */
static struct {
	uint64_t as_declared, crossed;
} per_iface[MMSW_MAX_INTERFACES];

static void cabling_redundancy(const struct pkt *p)
{
	/* A supervision frame carries a trailer too: its LAN id means the same. */
	if (p->red != RED_PRP && p->red != RED_PRP_SUPERVISION)
		return;
	if (p->red_lan != INPUT_LAN_A && p->red_lan != INPUT_LAN_B)
		return;
	const struct input_iface *in = input_iface(p->iface);
	if (!in || !input_lan_name(in->lan) || p->iface >= MMSW_MAX_INTERFACES)
		return;
	if (p->red_lan == in->lan) {
		per_iface[p->iface].as_declared++;
		return;
	}
	uint64_t crossed = ++per_iface[p->iface].crossed;
	uint64_t matching = per_iface[p->iface].as_declared;
	const char *declared = input_lan_name(in->lan), *seen = input_lan_name(p->red_lan);
	struct endpoint none;
	memset(&none, 0, sizeof(none));
	struct finding *fd = finding_open("prp_lan_crossed", &none, in->name, p->at.ts_us);
	if (!fd)
		return;
	if (!fd->count)
		fd->severity = SEV_HIGH;
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "interface", in->name);
	jw_str(&w, "declared_lan", declared);
	jw_str(&w, "lan_seen", seen);
	jw_u64(&w, "frames_crossed", crossed);
	jw_u64(&w, "frames_as_declared", matching);
	finding_details_end(&w, fd);
	if (matching)
		finding_summary(fd,
				"Interface %s, declared PRP LAN %s, sees both LANs: %llu PRP frames of LAN %s "
				"and %llu of LAN %s: a SPAN or tap mixing the LANs, or LAN A and LAN B bridged "
				"together.",
				in->name, declared, (unsigned long long)crossed, seen, (unsigned long long)matching,
				declared);
	else
		finding_summary(fd,
				"Interface %s is declared PRP LAN %s, but its PRP frames carry LAN %s's id "
				"(%llu so far, none of LAN %s): the sensor is cabled to the other LAN (or -i %s/%s "
				"is wrong), so what it says per LAN is about the other one.",
				in->name, declared, seen, (unsigned long long)crossed, declared, in->name, declared);
	finding_evidence(fd, &p->at);
	finding_commit(fd, p->at.ts_us);
}

static void cabling_free(void)
{
	memset(per_iface, 0, sizeof(per_iface));
}

const struct analyzer cabling_analyzer = {
	.name = "cabling",
	.redundancy = cabling_redundancy,
	.free = cabling_free,
};
