/* Opening the sockets of serve, connect and exchange: listening on a
 * resolved address or a unix path, connecting with a timeout, and the
 * one-line explanations of the errors a user can act on. */
#ifndef FDSCOPE_NET_SOCK_H
#define FDSCOPE_NET_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* Resolves host and port and opens a socket of socktype bound there (and
 * listening with backlog, for SOCK_STREAM), non-blocking and close-on-
 * exec.  Returns the descriptor, or -1 with a whole message in why
 * ("cannot bind 127.0.0.1:80: permission denied: ..."). */
int net_listen_inet(const char *host, const char *port, int family,
		    int socktype, int backlog, char *why, size_t whylen);

/* Same on a unix socket path ("@name" for the abstract namespace).  A
 * socket file nobody listens on (connect refused) is replaced, with a line
 * for the user in note (else note is ""); a live one is refused. */
int net_listen_unix(const char *path, int socktype, int backlog,
		    char *why, size_t whylen, char *note, size_t notelen);

/* Fills a sockaddr_un from a path or "@abstract"; returns its length or
 * -1 (ENAMETOOLONG). */
int net_unix_addr(const char *path, struct sockaddr_storage *ss,
		  socklen_t *len);

/* Connects fd (any blocking mode) within timeout_ms; restores blocking
 * mode.  Returns 0, or -1 with errno (ETIMEDOUT on the timeout). */
int net_connect_timeout(int fd, const struct sockaddr *sa, socklen_t len,
			int timeout_ms);

/* Resolves and connects the first address that answers.  Returns the
 * descriptor (blocking, close-on-exec), or -1 with a message in why. */
int net_connect_inet(const char *host, const char *port, int socktype,
		     int timeout_ms, char *why, size_t whylen);

/* What a user can do about err after bind/connect, or "". */
const char *net_hint(int err);

/* The hint for err that matches its cause on that address: for a unix
 * path (binding: the directory must be writable) or an inet one. */
const char *net_hint_for(const struct sockaddr *sa, int err, bool binding);

/* Milliseconds of CLOCK_MONOTONIC. */
long long net_now_ms(void);

#endif
