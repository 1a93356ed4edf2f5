/* inputs.c - the run's input files by index, for whoever names a frame's file;
 * see inputs.h. */
#include "core/inputs.h"

static const struct input_set *current;

void inputs_use(const struct input_set *s) { current = s; }

const char *input_name(uint32_t file_idx)
{
	return current && file_idx < current->n ? current->files[file_idx].path : NULL;
}
