// SPDX-License-Identifier: MIT
/*
 * The power button: on virt, QMP's system_powerdown raises line 3 of the
 * PL061 GPIO controller (the device tree's gpio-keys "poweroff" key, which
 * says which controller and line).  A rising edge there is a shutdown
 * request, reported once per press (hal.h: HAL_READY_SHUTDOWN).
 */
#include <arm64/sysreg.h>

#include "qa.h"

#define GPIODIR 0x400
#define GPIOIS 0x404  /* 0: edge */
#define GPIOIBE 0x408 /* 0: one edge */
#define GPIOIEV 0x40c /* 1: rising */
#define GPIOIE 0x410
#define GPIOMIS 0x418
#define GPIOIC 0x41c

static uintptr_t gpio;
static uint32_t pin_bit;
static volatile unsigned presses; /* not yet reported */

void qa_button_init(const struct qa_machine *m)
{
#ifdef CONFIG_QEMU_ARM64_POWER_BUTTON
	if (!m->gpio)
		return;
	gpio = (uintptr_t)m->gpio;
	pin_bit = 1u << m->power_pin;
	a64_mmio_write32(gpio + GPIODIR, a64_mmio_read32(gpio + GPIODIR) & ~pin_bit);
	a64_mmio_write32(gpio + GPIOIS, a64_mmio_read32(gpio + GPIOIS) & ~pin_bit);
	a64_mmio_write32(gpio + GPIOIBE, a64_mmio_read32(gpio + GPIOIBE) & ~pin_bit);
	a64_mmio_write32(gpio + GPIOIEV, a64_mmio_read32(gpio + GPIOIEV) | pin_bit);
	a64_mmio_write32(gpio + GPIOIC, 0xff);
	a64_mmio_write32(gpio + GPIOIE, pin_bit);
	qa_gic_enable(m->gpio_irq, false);
#endif
}

bool qa_button_present(void)
{
	return gpio != 0;
}

void qa_button_irq(void)
{
	uint32_t mis;

	if (!gpio)
		return;
	mis = a64_mmio_read32(gpio + GPIOMIS);
	a64_mmio_write32(gpio + GPIOIC, mis);
	if (mis & pin_bit)
		presses++;
}

bool qa_shutdown_pending(void)
{
	return presses != 0;
}

bool qa_shutdown_take(void)
{
	unsigned long flags = hal_irq_save();
	bool pressed = presses != 0;

	presses = 0;
	hal_irq_restore(flags);
	return pressed;
}
