# The virtio drivers, for a port's port.mk: include hal/virtio/virtio.mk
# (the port provides hal/virtio/port.h's vport_* calls).  VIRTIO_TRANSPORTS
# names the transports the machine has: pci (the default; the port provides
# configuration access and MSI), mmio (the port finds the windows and routes
# their wired interrupts).
VIRTIO_TRANSPORTS ?= pci
objs-$(CONFIG_VIRTIO) += hal/virtio/virtio.o hal/virtio/queue.o hal/virtio/dma.o \
	$(patsubst %,hal/virtio/%.o,$(VIRTIO_TRANSPORTS))
objs-$(CONFIG_VIRTIO_NET) += hal/virtio/net.o
objs-$(CONFIG_VIRTIO_BLK) += hal/virtio/blk.o
