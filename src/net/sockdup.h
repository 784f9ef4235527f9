/* TCP and UDP sockets read through a duplicate of their holder's
 * descriptor (pidfd_getfd): the kernel answers for that one socket, so
 * the cost follows the listed sockets, where inet_diag, which has no
 * look-up by inode, would dump every socket of the namespace. */
#ifndef FDSCOPE_NET_SOCKDUP_H
#define FDSCOPE_NET_SOCKDUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "net/sockdiag.h"

/* At most this many TCP and UDP sockets of a namespace are read one by
 * one; more are dumped (a read costs about five system calls, a dump
 * about one per thirty sockets of the host). */
#define SOCKDUP_MAX 64

enum sockdup_result {
	SOCKDUP_FAILED = -1,	/* cannot say: dump */
	SOCKDUP_UNBOUND = 0,	/* no address: in no dump either */
	SOCKDUP_DECODED = 1,	/* *si filled */
};

/* A pidfd of pid, or -1 with errno. */
int sockdup_pidfd(pid_t pid);

/* Socket fd of pidfd's process, expected to be inode ino, a TCP or UDP
 * socket of the network namespace netns_ino (0: any): its family, type,
 * protocol, state and addresses in *si (ino set) as inet_diag gives them.
 * True only for FDSCOPE_INET_LOOKUP=copy (see sockdup.c). */
bool sockdup_wanted(void);
enum sockdup_result sockdup_read(int pidfd, int fd, unsigned long long ino,
				 unsigned long long netns_ino,
				 struct sock_info *si);

#endif
