# The architectures this port runs on, its default first.
PORT_ARCHS := arm64
