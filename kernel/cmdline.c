// SPDX-License-Identifier: MIT
/* Splitting the boot command line into words (rules in hako/kernel.h). */
#include <stdbool.h>

#include <hako/kernel.h>
#include <hako/printk.h>

int kern_split_cmdline(const char *s, char *buf, size_t bufsize, char **words, int max_words)
{
	size_t len = 0;
	int n = 0;
	bool dropped = false;

	if (bufsize == 0)
		return 0;
	for (;;) {
		char quote = 0;

		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (!*s)
			break;
		if (len >= bufsize - 1)
			break;
		if (n == max_words) {
			dropped = true;
			break;
		}
		words[n] = buf + len;
		for (; *s; s++) {
			char c = *s;

			if (!quote && (c == ' ' || c == '\t' || c == '\n'))
				break;
			if (!quote && (c == '"' || c == '\'')) {
				quote = c;
				continue;
			}
			if (quote && c == quote) {
				quote = 0;
				continue;
			}
			if (c == '\\' && quote != '\'' && s[1])
				c = *++s;
			if (len < bufsize - 1)
				buf[len++] = c;
		}
		if (quote)
			return -1;
		buf[len++] = '\0'; /* len <= bufsize - 1 before this */
		n++;
	}
	if (dropped)
		pr_warn("hako: more than %d words on the command line; the rest are dropped\n",
			max_words);
	return n;
}
