/* test_control.c - placeholder: replaced by the control analyzer's unit tests. */
#include "tcheck.h"

int main(void)
{
	CHECK(1);
	TCHECK_DONE();
}
