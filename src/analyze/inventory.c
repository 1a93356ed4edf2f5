/* inventory.c - placeholder until the inventory analyzer lands. */
#include "analyze/analyze.h"

void inventory_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at)
{ (void)f; (void)dir; (void)e; (void)at; }
void inventory_assoc(struct flow *f, int dir, const struct assoc_event *e, const struct pkt_where *at)
{ (void)f; (void)dir; (void)e; (void)at; }
void inventory_stream(struct flow *f, int dir, const struct stream_event *e, const struct pkt_where *at)
{ (void)f; (void)dir; (void)e; (void)at; }
void inventory_l2(const struct pkt *p) { (void)p; }
void inventory_finish(int64_t now) { (void)now; }
int inventory_write(const char *path) { (void)path; return 0; }
void inventory_free(void) {}
