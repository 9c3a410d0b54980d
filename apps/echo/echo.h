/* SPDX-License-Identifier: MIT */
/* echo's client modes (client.c); each returns the app's exit status. */
#ifndef ECHO_H
#define ECHO_H

int tcp_client(int argc, char **argv);
int udp_client(int argc, char **argv);

#endif
