/* test_services.c - placeholder: replaced by the services analyzer's unit tests. */
#include "tcheck.h"

int main(void)
{
	CHECK(1);
	TCHECK_DONE();
}
