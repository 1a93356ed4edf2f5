/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inputs.h - what the run reads, as the layers above the capture name it: the
 * input files (EVE's pcap_filename, the store's run row, the summary's header)
 * or, when live, the interfaces (a packet's iface indexes them; an analyzer reads
 * the PRP LAN an interface was declared on) and the kernel's capture counters.
 * The wiring fills them. */
#ifndef MMSW_INPUTS_H
#define MMSW_INPUTS_H

#include <stddef.h>
#include <stdint.h>

struct input_file {
	char *path;
	int64_t first_ts; /* first packet time (us); INT64_MAX when the file has none */
	int dlt;
};

/* The PRP LAN an interface is cabled to, as the operator declared it (-i eth1/A):
 * the LAN id (IEC 62439-3) its PRP frames should carry; 0 when not declared. */
#define INPUT_LAN_A 0xA
#define INPUT_LAN_B 0xB

/* A live capture interface; its index (-i order) is struct pkt's iface. */
struct input_iface {
	const char *name;
	uint8_t lan; /* INPUT_LAN_A, INPUT_LAN_B, or 0 */
};

struct input_set {
	struct input_file *files;
	size_t n;
	const struct input_iface *ifaces; /* live: the interfaces (not owned); NULL for files */
	size_t n_ifaces;
};

/* The run's inputs (main.c sets them once they are opened: files, or the
 * interfaces when live). */
void inputs_use(const struct input_set *s);
/* The path of input file file_idx, NULL when there is none (live). */
const char *input_name(uint32_t file_idx);
/* The live interfaces: how many (0 for files), and one by index (NULL past the end). */
size_t input_iface_count(void);
const struct input_iface *input_iface(uint32_t idx);
/* "A", "B" or NULL: a declared LAN as the documentation and findings write it. */
const char *input_lan_name(uint8_t lan);

/* A live capture's counters (pcap_stats): what the kernel and the interface
 * dropped before mmswatch saw it. */
struct live_stats {
	uint64_t received, dropped, if_dropped;
	/* Several interfaces (their packets merged in time order): frames delivered
	 * early because this interface's reorder buffer was full, and frames of this
	 * interface delivered after a later-stamped frame of another (the disorder
	 * that got through), and frames of this interface read more than the merge's
	 * hold after the kernel stamped them (a host too loaded to keep up with the
	 * hold: such a frame may arrive after later-stamped frames went on, and
	 * every out_of_order frame not caused by reorder_full is one). Always 0 with
	 * one interface. */
	uint64_t reorder_full, out_of_order, late;
};

#endif
