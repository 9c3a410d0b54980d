# The virtio drivers, for a port's port.mk: include hal/virtio/virtio.mk
# (the port provides hal/virtio/port.h's vport_* calls).
objs-$(CONFIG_VIRTIO) += hal/virtio/virtio.o hal/virtio/queue.o hal/virtio/pci.o
objs-$(CONFIG_VIRTIO_NET) += hal/virtio/net.o
objs-$(CONFIG_VIRTIO_BLK) += hal/virtio/blk.o
