// SPDX-License-Identifier: MIT
/*
 * dma.c - device memory for identity-mapped ports (port.h): the block the
 * port set aside at boot, handed out in pages, never given back (queues and
 * buffers live as long as the image).
 */
#include <string.h>

#include "port.h"

#define PAGE 4096

static uint8_t *pool;
static size_t pool_left;

void virtio_dma_pool(uint64_t base, size_t size)
{
	pool = (uint8_t *)(uintptr_t)base;
	pool_left = base ? size : 0;
}

void *vport_alloc(size_t size, uint64_t *dma)
{
	uint8_t *p = pool;

	size = (size + PAGE - 1) & ~(size_t)(PAGE - 1);
	if (!pool || size > pool_left)
		return NULL;
	pool += size;
	pool_left -= size;
	memset(p, 0, size);
	*dma = (uintptr_t)p;
	return p;
}

uint64_t vport_dma_addr(const void *p)
{
	return (uintptr_t)p; /* identity mapping */
}
