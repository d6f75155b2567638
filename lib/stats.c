// SPDX-License-Identifier: GPL-2.0
/*
 * Binary statistics reader (see stats.h). The layout comes from the
 * header, never from assumptions: the blocks may be anywhere in the file
 * (api.rst 4.133), and the name size is the header's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "stats.h"

/* Limits that no real hypervisor reaches; they keep a bad header harmless. */
#define MAX_NAME_SIZE	4096
#define MAX_DESC	65536

/* pread all of len bytes at off: 0, -EIO on a short file, or -errno. */
static int pread_all(int fd, void *buf, size_t len, off_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t r = pread(fd, (char *)buf + done, len - done, off + done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EIO;
		done += r;
	}
	return 0;
}

static int read_descriptors(struct vmm_stats *s)
{
	const struct kvm_stats_header *h = &s->header;
	size_t one = sizeof(struct kvm_stats_desc) + h->name_size, end, i;
	char *raw = malloc(one * h->num_desc);
	int r;

	s->stat = calloc(h->num_desc, sizeof(*s->stat));
	if (!raw || !s->stat) {
		free(raw);
		return -ENOMEM;
	}
	r = pread_all(s->fd, raw, one * h->num_desc, h->desc_offset);
	for (i = 0; !r && i < h->num_desc; i++) {
		char *p = raw + i * one, *name = p + sizeof(struct kvm_stats_desc);
		struct vmm_stat *st = &s->stat[i];
		struct kvm_stats_desc d;

		memcpy(&d, p, sizeof(d));	/* p is 8-aligned only if name_size is */
		name[h->name_size - 1] = 0;
		st->name = strdup(name);
		st->flags = d.flags;
		st->exponent = d.exponent;
		st->size = d.size;
		st->offset = d.offset;
		if (!st->name)
			r = -ENOMEM;
		else if (!d.size || d.offset % 8)
			r = -EPROTO;
		end = (size_t)d.offset + (size_t)d.size * 8;
		if (end > s->data_size)
			s->data_size = end;
	}
	s->n = i;
	free(raw);
	return r;
}

int vmm_stats_open(struct vmm_stats *s, int fd)
{
	struct kvm_stats_header *h = &s->header;
	int r;

	memset(s, 0, sizeof(*s));
	s->fd = ioctl(fd, KVM_GET_STATS_FD, 0);
	if (s->fd < 0) {
		r = -errno;
		s->fd = -1;
		return r;
	}
	r = pread_all(s->fd, h, sizeof(*h), 0);
	if (!r && (h->name_size < 1 || h->name_size > MAX_NAME_SIZE || h->num_desc > MAX_DESC))
		r = -EPROTO;
	if (!r) {
		s->id = calloc(1, h->name_size);
		r = s->id ? pread_all(s->fd, s->id, h->name_size, h->id_offset) : -ENOMEM;
	}
	if (!r) {
		s->id[h->name_size - 1] = 0;
		r = read_descriptors(s);
	}
	if (!r) {
		s->data = calloc(1, s->data_size + 8);
		if (!s->data)
			r = -ENOMEM;
	}
	if (r)
		vmm_stats_close(s);
	return r;
}

int vmm_stats_read(struct vmm_stats *s)
{
	int i, j, r;

	r = pread_all(s->fd, s->data, s->data_size, s->header.data_offset);
	if (r)
		return r;
	for (i = 0; i < s->n; i++) {
		struct vmm_stat *st = &s->stat[i];

		st->value = 0;
		for (j = 0; j < st->size; j++)
			st->value += s->data[st->offset / 8 + j];
	}
	return 0;
}

const struct vmm_stat *vmm_stats_find(const struct vmm_stats *s, const char *name)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->stat[i].name, name))
			return &s->stat[i];
	return NULL;
}

int vmm_stats_get(const struct vmm_stats *s, const char *name, uint64_t *value)
{
	const struct vmm_stat *st = vmm_stats_find(s, name);

	if (!st)
		return -ENOENT;
	*value = st->value;
	return 0;
}

void vmm_stats_close(struct vmm_stats *s)
{
	int i;

	if (s->fd >= 0)
		close(s->fd);
	for (i = 0; s->stat && i < s->n; i++)
		free((char *)s->stat[i].name);
	free(s->stat);
	free(s->data);
	free(s->id);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}
