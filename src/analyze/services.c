/* services.c - placeholder until the services analyzer lands. */
#include "analyze/analyze.h"

void services_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at)
{ (void)f; (void)dir; (void)e; (void)at; }
void services_flow_end(struct flow *f, enum flow_end why, const struct pkt_where *at)
{ (void)f; (void)why; (void)at; }
void services_tick(int64_t now) { (void)now; }
void services_finish(int64_t now) { (void)now; }
void services_free(void) {}
