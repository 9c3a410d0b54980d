// SPDX-License-Identifier: MIT
/*
 * Host unit test of the Xen one-shot timer bookkeeping (hal/xen/oneshot.h):
 * after the timer fires, asking for the same deadline again must program
 * Xen again (the bug: a wake-up that read the clock just before the
 * deadline found it "already armed" and blocked with no timer).
 */
#include <stdio.h>

#include "oneshot.h"
#include "../../hostcheck.h"

int main(void)
{
	struct oneshot o = { ONESHOT_NONE };
	uint64_t prog = 7;

	CHECK("no timer wanted, none held: no hypercall", !oneshot_arm(&o, ONESHOT_NONE, 0, &prog));
	CHECK("first deadline is programmed", oneshot_arm(&o, 1000, 10, &prog) && prog == 1000);
	CHECK("same deadline again: no hypercall", !oneshot_arm(&o, 1000, 20, &prog));
	oneshot_fired(&o);
	CHECK("after the timer fired, the same deadline is programmed again",
	      oneshot_arm(&o, 1000, 999, &prog) && prog == 1000);
	CHECK("a new deadline replaces the old", oneshot_arm(&o, 2000, 999, &prog) && prog == 2000);
	CHECK("cancel programs 0", oneshot_arm(&o, ONESHOT_NONE, 999, &prog) && prog == 0);
	CHECK("deadline 0 is sent as 1 (0 cancels)", oneshot_arm(&o, 0, 0, &prog) && prog == 1);
	CHECK("far deadlines are clamped to 2^48 ns ahead",
	      oneshot_arm(&o, UINT64_MAX - 1, 5, &prog) && prog == 5 + ONESHOT_MAX_NS);
	return check_summary();
}
