# The VFS (services/vfs).  $(d) is services/.
objs-$(CONFIG_VFS) += $(d)vfs/vfs.o $(d)vfs/ramfs.o $(d)vfs/boot.o $(d)vfs/dirent.o
objs-$(CONFIG_INITRD) += $(d)vfs/initrd.o $(d)vfs/cpio.o
