/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The decoder and the guest page-table walker are built twice: into hvx.ko
 * and into host-only unit tests. This header gives both the same types.
 */
#ifndef HVX_X86_COMPAT_H
#define HVX_X86_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#else
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <errno.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
#endif

#endif
