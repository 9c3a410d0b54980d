// SPDX-License-Identifier: MIT
/* Boot: from the port's hal_boot_info to the app's main(). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hal.h>
#include <hako/kernel.h>
#include <hako/page.h>
#include <hako/printk.h>
#include <hako/thread.h>

#include "backtrace.h"
#include "sched_internal.h"

#ifndef HAKO_APP_NAME
#define HAKO_APP_NAME "app"
#endif

#define MAX_HOOKS 8

static const struct hal_boot_info *boot;
static char words_buf[KERN_CMDLINE_MAX];
static char *argv[KERN_MAX_ARGS + 2];
static int argc;
static struct {
	void (*fn)(void *);
	void *arg;
} hooks[MAX_HOOKS];
static int nr_hooks;
static void (*shutdown_handler)(void);
static unsigned int shutdown_requests;
static bool exiting;
static struct thread *exiting_thread;

const char *kern_platform(void)
{
	return boot ? boot->platform : "?";
}

int kern_on_shutdown(void (*fn)(void *), void *arg)
{
	if (nr_hooks == MAX_HOOKS)
		return -ENOSPC;
	if (sched_reserve_exit_thread())
		return -ENOMEM;
	hooks[nr_hooks].fn = fn;
	hooks[nr_hooks].arg = arg;
	nr_hooks++;
	return 0;
}

void kern_set_shutdown_handler(void (*fn)(void))
{
	shutdown_handler = fn;
}

void kern_exit(int status)
{
	sched_check_stack();
	/* One exit runs the hooks; a second thread calling exit() meanwhile
	 * waits for it to end the image (a hook's own exit() goes on). */
	if (exiting && exiting_thread != thread_self())
		sched_park();
	exiting = true;
	exiting_thread = thread_self();
	while (nr_hooks > 0) {
		nr_hooks--;
		hooks[nr_hooks].fn(hooks[nr_hooks].arg);
	}
	hal_exit(status & 0xff);
}

bool kern_shutdown_requested(void)
{
	return shutdown_requests > 0;
}

bool kern_shutdown_source(void)
{
	return boot && boot->flags & HAL_BOOT_SHUTDOWN_SOURCE;
}

bool kern_shutdown_can_wake(void)
{
	return kern_shutdown_source() &&
	       (sched_shutdown_waiters() || (shutdown_handler && !shutdown_requests));
}

void kern_handle_shutdown_request(void)
{
	bool waiters = sched_shutdown_waiters();

	shutdown_requests++;
	sched_wake_shutdown_waiters();
	if (shutdown_handler) {
		shutdown_handler();
		return;
	}
	if (waiters)
		return; /* the app handles it */
	if (shutdown_requests > 1 || exiting)
		return; /* already on its way out */
	printk(LOG_NOTICE, "hako: shutdown requested, exiting\n");
	if (!sched_start_exit_thread())
		kern_exit(0); /* no hook, or no threads: the hooks run here */
}

/* Declared by KERN_OPTION() in the modules linked in (a linker-made array). */
extern const struct kern_option_decl __start_hako_options[], __stop_hako_options[];
KERN_OPTION(loglevel, "loglevel", "0-7: hide console messages above this level");

static const char *options[KERN_MAX_ARGS]; /* the hako.NAME=VALUE words */
static int nr_options;

static bool declared(const char *name, size_t len)
{
	for (const struct kern_option_decl *d = __start_hako_options; d < __stop_hako_options; d++)
		if (strlen(d->name) == len && !strncmp(d->name, name, len))
			return true;
	return false;
}

const char *kern_option(const char *name)
{
	size_t len = strlen(name);

	for (int i = nr_options - 1; i >= 0; i--)
		if (!strncmp(options[i] + 5, name, len) && options[i][5 + len] == '=')
			return options[i] + 5 + len + 1;
	return NULL;
}

static void kernel_option(const char *word)
{
	const char *v = strchr(word, '=');

	if (!v || v == word + 5 || !declared(word + 5, (size_t)(v - word - 5))) {
		pr_warn("hako: unknown or malformed kernel option '%s' ignored\n", word);
		return;
	}
	if (!strncmp(word, "hako.loglevel=", 14)) {
		if (v[1] >= '0' && v[1] <= '7' && !v[2])
			printk_set_level(v[1] - '0');
		else
			pr_warn("hako: malformed kernel option '%s' ignored\n", word);
		return;
	}
	options[nr_options++] = word;
}

static void parse_cmdline(const char *cmdline)
{
	char *words[KERN_MAX_ARGS];
	int n, i = 0;

	if (strlen(cmdline) >= sizeof(words_buf))
		pr_warn("hako: command line longer than %zu bytes, truncated\n",
			sizeof(words_buf) - 1);
	n = kern_split_cmdline(cmdline, words_buf, sizeof(words_buf), words, KERN_MAX_ARGS);
	if (n < 0) {
		pr_warn("hako: unterminated quote on the command line; arguments ignored\n");
		n = 0;
	}
	argv[argc++] = HAKO_APP_NAME;
	for (; i < n && !strncmp(words[i], "hako.", 5); i++)
		kernel_option(words[i]);
	if (i < n && !strcmp(words[i], "--"))
		i++;
	for (; i < n; i++)
		argv[argc++] = words[i];
	argv[argc] = NULL;
}

#ifdef CONFIG_INITRD
static const struct hal_mem_region *initrd;

bool kern_initrd(const void **data, size_t *len)
{
	if (!initrd)
		return false;
	*data = (const void *)initrd->base;
	*len = initrd->size;
	return true;
}

void kern_initrd_release(void)
{
	if (initrd)
		page_add_region(initrd->base, (initrd->size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
	initrd = NULL;
}
#endif

/* Declared by KERN_INIT() in the services linked in (a linker-made array). */
typedef void (*kern_init_fn)(void);
extern const kern_init_fn __start_hako_inits[], __stop_hako_inits[];

static void main_thread(void *unused)
{
	for (const kern_init_fn *f = __start_hako_inits; f < __stop_hako_inits; f++)
		(*f)();
	banner_print();
	kern_exit(main(argc, argv));
}

void kern_main(const struct hal_boot_info *info)
{
	backtrace_set_boot_frame();
	banner_mark(info);
	boot = info;
	/* The options first: hako.loglevel= applies to what boot prints. */
	parse_cmdline(info->cmdline ? info->cmdline : "");
	for (size_t i = 0; i < info->nr_regions; i++)
		if (info->regions[i].type == HAL_MEM_FREE)
			page_add_region(info->regions[i].base, info->regions[i].size);
#ifdef CONFIG_INITRD
		else if (info->regions[i].type == HAL_MEM_INITRD)
			initrd = &info->regions[i];
#endif
	sched_start(main_thread, NULL);
}
