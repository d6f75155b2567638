// SPDX-License-Identifier: GPL-2.0
/*
 * Flat binaries: the file's bytes at flat_load, started in real mode at
 * CS:IP = 0:flat_load with the rest of the CPU as after reset. Nothing
 * else is written: no tables, no memory map (the guests in guests/ use
 * all of low memory as they like).
 */
#include <string.h>

#include "internal.h"

int hvx_load_flat(struct hvx_ram *ram, const struct hvx_boot_cfg *cfg,
		  struct hvx_boot *boot, char *err, size_t errlen)
{
	char a[32], b[32];

	if (!ram->base || !ram->size)
		return hvx_loader_fail(err, errlen, "no guest memory");
	if (cfg->flat_load > 0xffff)
		return hvx_loader_fail(err, errlen, "load address %#llx is not below 64 KiB (real mode)",
				       (unsigned long long)cfg->flat_load);
	if (!cfg->kernel_len)
		return hvx_loader_fail(err, errlen, "empty image");
	if (cfg->flat_load >= ram->size || cfg->kernel_len > ram->size - cfg->flat_load)
		return hvx_loader_fail(err, errlen, "image of %s does not fit at %#llx in %s of guest memory",
				       hvx_size_str(a, sizeof(a), cfg->kernel_len),
				       (unsigned long long)cfg->flat_load,
				       hvx_size_str(b, sizeof(b), ram->size));
	memcpy(ram->base + cfg->flat_load, cfg->kernel, cfg->kernel_len);
	hvx_regs_real_mode(boot, cfg->flat_load);
	boot->kind = "flat";
	return 0;
}
