/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inputs.c - the run's input files and interfaces by index, for whoever names a
 * frame's file or interface; see inputs.h. */
#include "core/inputs.h"

static const struct input_set *current;

void inputs_use(const struct input_set *s)
{
	current = s;
}

const char *input_name(uint32_t file_idx)
{
	return current && file_idx < current->n ? current->files[file_idx].path : NULL;
}

size_t input_iface_count(void)
{
	return current ? current->n_ifaces : 0;
}

const struct input_iface *input_iface(uint32_t idx)
{
	return current && idx < current->n_ifaces ? &current->ifaces[idx] : NULL;
}

const char *input_lan_name(uint8_t lan)
{
	return lan == INPUT_LAN_A ? "A" : lan == INPUT_LAN_B ? "B" : NULL;
}
