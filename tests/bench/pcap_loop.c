/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pcap_loop: the floor for any libpcap-based reader. Opens a capture with
 * pcap_open_offline, reads every packet with pcap_next_ex and does nothing but count
 * packets and captured bytes (and fold one byte of each packet into a checksum), so
 * the compiler cannot drop the loop. tests/bench/run compares mmswatch against it.
 *
 *   cc -O2 -o pcap_loop tests/bench/pcap_loop.c -lpcap
 *   pcap_loop FILE    ->  "packets N bytes B check C" on stdout
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t packets = 0, bytes = 0;
	unsigned check = 0;
	pcap_t *p;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 2;
	}
	p = pcap_open_offline(argv[1], err);
	if (!p) {
		fprintf(stderr, "pcap_loop: %s\n", err);
		return 2;
	}
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		packets++;
		bytes += h->caplen;
		if (h->caplen)
			check += data[h->caplen - 1];
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "pcap_loop: %s\n", pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	pcap_close(p);
	printf("packets %llu bytes %llu check %u\n", (unsigned long long)packets, (unsigned long long)bytes, check);
	return 0;
}
