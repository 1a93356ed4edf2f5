/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostile.h - the markup the XSS capture carries in every free string an IED or a
 * client controls. tests/web/xss_run checks that each appears on the pages as text
 * and that none of them runs. */
#ifndef XSS_HOSTILE_H
#define XSS_HOSTILE_H

#define HOSTILE_RPTID_URCB "<img src=x onerror=alert(1)>"
#define HOSTILE_RPTID_BRCB "\"><script>window.__xss=1</script>"
#define HOSTILE_VENDOR "javascript:alert(1)"
#define HOSTILE_MODEL "</code><svg onload=window.__xss=2>"
#define HOSTILE_REVISION "<b onmouseover=alert(4)>1.0</b>&amp;'\""
/* written by the client as an RCB's DatSet (refused: no such dataset) */
#define HOSTILE_DATSET "XSSLD0/LLN0$<img src=x onerror=window.__xss=3>"
/* the name of an RCB the client tries to enable (refused: no such object) */
#define HOSTILE_RCB "XSSLD0/LLN0.RP.<svg onload=alert(5)>"

#endif
