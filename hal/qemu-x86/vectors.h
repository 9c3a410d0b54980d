/* SPDX-License-Identifier: MIT */
/* vectors.h - the interrupt vectors of the qemu-x86 port (C and assembly). */
#ifndef QEMU_X86_VECTORS_H
#define QEMU_X86_VECTORS_H

#define QX_VEC_TIMER 0x20
#define QX_VEC_SCI 0x21
#define QX_VEC_DEV0 0x30   /* device n's MSI-X: QX_VEC_DEV0 + n */
#define QX_DEV_VECTORS 8   /* = VIRTIO_MAX_DEVICES */
#define QX_VEC_SPURIOUS 0xff

#endif
