# The architectures this port runs on, its default first.
PORT_ARCHS := x86_64 arm64
