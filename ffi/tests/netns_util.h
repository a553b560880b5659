/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers for C tests that build private network namespaces (unshare + setns):
 * enter a namespace, run a shell command inside one and come back, write a
 * /proc or /sys file. Shared by uvale_afpacket_test.c and uvale_ifnet_test.c.
 */
#ifndef NMSCRIPT_TEST_NETNS_UTIL_H
#define NMSCRIPT_TEST_NETNS_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* Moves the calling thread into network namespace `ns` (an fd); exits 2 on failure. */
static inline void ns_enter(int ns)
{
	if (setns(ns, CLONE_NEWNET) < 0) {
		perror("setns");
		exit(2);
	}
}

/* Runs a shell command in namespace `ns`, then returns to `home`; the command's exit status. */
static inline int __attribute__((format(printf, 3, 4)))
ns_sh(int ns, int home, const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ns_enter(ns);
	rc = system(cmd);
	ns_enter(home);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

/* Writes `val` to `path` (a sysctl file, say); errors are ignored. */
static inline void write_file(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(val, f);
		fclose(f);
	}
}

/*
 * Makes `count` anonymous network namespaces (IPv6 off, so no stray frames), one after the
 * other, storing an fd for each in *nss[i]; the caller is left in the last one. Needs iproute2
 * for the tests' set-up. On failure returns false with the reason in why.
 */
static inline bool ns_make(int *const nss[], int count, char *why, size_t n)
{
	if (system("ip -V >/dev/null 2>&1") != 0) {
		snprintf(why, n, "iproute2 ('ip') is not installed");
		return false;
	}
	for (int i = 0; i < count; i++) {
		if (unshare(CLONE_NEWNET) < 0) {
			snprintf(why, n, "cannot create a network namespace: %s", strerror(errno));
			return false;
		}
		write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
		write_file("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
		*nss[i] = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	}
	return true;
}

#endif /* NMSCRIPT_TEST_NETNS_UTIL_H */
