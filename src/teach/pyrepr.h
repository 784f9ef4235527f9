/* The Python view of a socket, as the article shows it: the repr the
 * installed python3 prints for a socket.socket holding the same
 * descriptor (python3 run on it), and the older form of the article's
 * Python (enum names: family=AddressFamily.AF_INET). */
#ifndef FDSCOPE_PYREPR_H
#define FDSCOPE_PYREPR_H

/* repr(socket.socket(family, type, proto, fileno=fd)) printed by python3
 * (found in PATH) with fd inherited at the same number: what a Python
 * program that called socket.socket(family, type, proto) and got fd
 * would print.  A new escaped string, or NULL with errno (ENOENT: no
 * python3; EPROTO: it printed no repr). */
char *pyrepr_python(int fd, int family, int type, int proto);

/* The article's form for the same socket, from the kernel's answers
 * (getsockname): <socket.socket fd=3, family=AddressFamily.AF_INET,
 * type=SocketKind.SOCK_STREAM, proto=0, laddr=('0.0.0.0', 0)>. */
char *pyrepr_article(int fd, int family, int type, int proto);

#endif
