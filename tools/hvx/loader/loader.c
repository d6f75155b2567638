// SPDX-License-Identifier: GPL-2.0
/*
 * Which loader an image needs (see hvx_image_detect in loader.h).
 */
#include <elf.h>
#include <string.h>

#include "internal.h"

enum hvx_image_kind hvx_image_detect(const void *image, size_t len)
{
	const uint8_t *img = image;

	if (!img)
		return HVX_IMAGE_FLAT;
	if (len >= 0x206 && hvx_get32(img + 0x202) == 0x53726448)	/* "HdrS" (boot.rst) */
		return HVX_IMAGE_BZIMAGE;
	if ((len >= SELFMAG && !memcmp(img, ELFMAG, SELFMAG)) ||
	    hvx_multiboot_find_magic(img, len, 0) >= 0)
		return HVX_IMAGE_MULTIBOOT;
	return HVX_IMAGE_FLAT;
}

int hvx_load_image(struct hvx_ram *ram, const struct hvx_boot_cfg *cfg,
		   struct hvx_boot *boot, char *err, size_t errlen)
{
	switch (hvx_image_detect(cfg->kernel, cfg->kernel_len)) {
	case HVX_IMAGE_BZIMAGE:
		return hvx_load_bzimage(ram, cfg, boot, err, errlen);
	case HVX_IMAGE_MULTIBOOT:
		return hvx_load_multiboot(ram, cfg, boot, err, errlen);
	default:
		return hvx_load_flat(ram, cfg, boot, err, errlen);
	}
}
