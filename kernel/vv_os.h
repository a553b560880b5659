/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vv_os.h - the only system headers the OS-independent VLAN code
 * (vlan_core.c, vlan_conf.c) sees: fixed-width types, memcpy/memmove/memset,
 * errno values, a zeroing allocator and __always_inline, from the kernel or
 * from libc.
 */
#ifndef VV_OS_H
#define VV_OS_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/mm.h>

/* Process context only (the module's mutex is held): may sleep. */
#define vv_zalloc(size)	kvzalloc((size), GFP_KERNEL)
#define vv_free(ptr)	kvfree(ptr)
#else
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <stdlib.h>

#define vv_zalloc(size)	calloc(1, (size))
#define vv_free(ptr)	free(ptr)

/* <linux/compiler_types.h>'s spelling, for the per-frame helpers */
#ifndef __always_inline
#define __always_inline	inline __attribute__((__always_inline__))
#endif
#endif

#endif /* VV_OS_H */
