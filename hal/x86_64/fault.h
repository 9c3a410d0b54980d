/* SPDX-License-Identifier: MIT */
/*
 * fault.h - from an x86_64 exception to the kernel's fault report, shared by
 * the x86_64 ports: the bare ones pass their exception frame, usermode the
 * registers of its signal frame.  One classification (page fault bits,
 * vector names) and one register dump on every port.
 */
#ifndef HAL_X86_64_FAULT_H
#define HAL_X86_64_FAULT_H

#include <stdint.h>

#include <hal.h>
#include <x86_64/gprs.h>

/* The page-fault error code's bits (vector 14). */
#define X86_PF_PRESENT 0x01 /* a protection violation (else: no page) */
#define X86_PF_WRITE 0x02
#define X86_PF_FETCH 0x10

#define X86_VEC_PAGE_FAULT 14

/* An exception as the CPU (or the hypervisor, or Linux) reported it. */
struct x86_trap_frame {
	struct x86_gprs g; /* push_gprs (x86_64/gprs.h) */
	uint64_t vector;   /* 0-31 exceptions, above: interrupts or the port's own */
	uint64_t error;	   /* the error code, 0 when the vector has none */
	uint64_t rip, cs, rflags, rsp, ss;
};

/* x86_vector_name - "page fault", "general protection fault"...; NULL for
 * a vector that is not an architectural exception. */
const char *x86_vector_name(uint64_t vector);

/*
 * x86_fault - report the exception in f through kern_fault() and end the
 * image.  A page fault's address is cr2 (ignored for other vectors); what
 * names the event (NULL: the vector's name).  Runs on whatever stack the
 * port's entry code gave it.
 */
_Noreturn void x86_fault(const struct x86_trap_frame *f, uint64_t cr2, const char *what);

/* x86_fault_dump - hal_fault's dump callback: regs is a struct
 * x86_trap_frame.  Prints the vector, error code and registers. */
void x86_fault_dump(const struct hal_fault *f);

#endif /* HAL_X86_64_FAULT_H */
