/* control.c - placeholder until the control/write/file analyzer lands. */
#include "analyze/analyze.h"

void control_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at)
{ (void)f; (void)dir; (void)e; (void)at; }
void control_flow_end(struct flow *f, enum flow_end why, const struct pkt_where *at)
{ (void)f; (void)why; (void)at; }
void control_tick(int64_t now) { (void)now; }
void control_finish(int64_t now) { (void)now; }
void control_free(void) {}
