/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reader of the binary statistics of a VM or a vCPU (KVM_GET_STATS_FD,
 * api.rst 4.133), on /dev/hvx or /dev/kvm: open once (header, id and
 * descriptors are read then), then vmm_stats_read() as often as wanted
 * (one pread of the data block). Functions return 0 or -errno.
 *
 *	struct vmm_stats s;
 *	if (!vmm_stats_open(&s, vcpu.fd) && !vmm_stats_read(&s))
 *		for (i = 0; i < s.n; i++)
 *			printf("%s %llu\n", s.stat[i].name, s.stat[i].value);
 *	vmm_stats_close(&s);
 */
#ifndef HVX_LIB_STATS_H
#define HVX_LIB_STATS_H

#include <stdint.h>
#include <linux/kvm.h>

struct vmm_stat {
	const char *name;
	uint32_t flags;		/* KVM_STATS_TYPE_*, _UNIT_*, _BASE_* */
	int16_t exponent;
	uint16_t size;		/* values: 1, or the buckets of a histogram */
	uint32_t offset;	/* of its first value in the data block */
	/* After vmm_stats_read: the value; for a histogram the sum of its
	 * buckets (the number of samples). */
	uint64_t value;
};

struct vmm_stats {
	int fd;				/* the stats fd, -1 when closed */
	struct kvm_stats_header header;
	char *id;			/* "kvm-PID" or "kvm-PID/vcpu-N" */
	int n;				/* header.num_desc */
	struct vmm_stat *stat;
	uint64_t *data;			/* the raw data block, data_size bytes */
	size_t data_size;
};

/* KVM_GET_STATS_FD on fd (a VM fd or a vCPU fd), then the fixed blocks. */
int vmm_stats_open(struct vmm_stats *s, int fd);
/* Fill every stat's value from the current data block. */
int vmm_stats_read(struct vmm_stats *s);
/* The stat called name, or NULL. */
const struct vmm_stat *vmm_stats_find(const struct vmm_stats *s, const char *name);
/* Its value after the last vmm_stats_read: 0 or -ENOENT. */
int vmm_stats_get(const struct vmm_stats *s, const char *name, uint64_t *value);
void vmm_stats_close(struct vmm_stats *s);

#endif
