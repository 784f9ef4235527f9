/* `fdscope list`: the descriptor tables of fdscope itself, of given
 * processes, or of every process it may read.  Collect (fdlist), attach
 * what is known about sockets, convert to rows, print (output). */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cli/command.h"
#include "cmd/list.h"
#include "cmd/sampling.h"
#include "lib/parallel.h"
#include "lib/util.h"
#include "out/escape.h"
#include "net/attach.h"
#include "net/sockx.h"
#include "out/table.h"
#include "proc/anon.h"
#include "proc/assoc.h"
#include "proc/bpfname.h"
#include "proc/chrdev.h"
#include "proc/fdlist.h"
#include "proc/fdmany.h"
#include "proc/fdtype.h"
#include "proc/locks.h"
#include "proc/mounts.h"
#include "proc/hidepid.h"
#include "proc/holders.h"
#include "proc/procfs.h"
#include "query/counter.h"
#include "query/select.h"
#include "proc/threads.h"

static const struct out_column columns[NCOLUMNS] = {
	[COL_PID] = { "PID", 5, OUT_RIGHT, OUT_JSON_NUMBER,
		"process ID" },
	[COL_COMMAND] = { "COMMAND", 0.1, OUT_TRUNC, OUT_JSON_STRING,
		"command name (/proc/PID/comm)" },
	[COL_FD] = { "FD", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"descriptor number" },
	[COL_TYPE] = { "TYPE", 4, 0, OUT_JSON_STRING,
		"REG DIR CHR BLK FIFO SOCK LNK, memfd, or an anonymous inode's kind" },
	[COL_MODE] = { "MODE", 2, 0, OUT_JSON_STRING,
		"access mode: r- -w rw, or -- for O_PATH (fdinfo flags)" },
	[COL_FLAGS] = { "FLAGS", 0.1, 0, OUT_JSON_STRING,
		"status flags from fdinfo: cloexec, nonblock, append, ..." },
	[COL_POS] = { "POS", 5, OUT_RIGHT, OUT_JSON_NUMBER,
		"file offset (fdinfo pos)" },
	[COL_INODE] = { "INODE", 5, OUT_RIGHT, OUT_JSON_NUMBER,
		"inode number (stat)" },
	[COL_DEV] = { "DEV", 5, 0, OUT_JSON_STRING,
		"device holding the inode, major:minor (stat st_dev)" },
	[COL_RDEV] = { "RDEV", 5, 0, OUT_JSON_STRING,
		"device a CHR or BLK file stands for, major:minor (st_rdev)" },
	[COL_MNTID] = { "MNTID", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"mount ID (fdinfo mnt_id)" },
	[COL_SIZE] = { "SIZE", 5, OUT_RIGHT, OUT_JSON_NUMBER,
		"file size in bytes (stat)" },
	[COL_DELETED] = { "DELETED", 1, 0, OUT_JSON_BOOLEAN,
		"the file was unlinked while open" },
	[COL_NAME] = { "NAME", 0.5, OUT_TRUNC, OUT_JSON_STRING,
		"what the descriptor refers to: the /proc/PID/fd link, or a "
		"decoded socket (TCP 127.0.0.1:1234 -> 127.0.0.1:54321 ESTABLISHED, "
		"TCP (unbound), NETLINK socket:[N])" },
	[COL_SOCK_FAMILY] = { "SOCK.FAMILY", 7, 0, OUT_JSON_STRING,
		"socket address family: AF_INET, AF_INET6, AF_UNIX, ..." },
	[COL_SOCK_TYPE] = { "SOCK.TYPE", 7, 0, OUT_JSON_STRING,
		"socket type: SOCK_STREAM, SOCK_DGRAM, ..." },
	[COL_SOCK_PROTO] = { "SOCK.PROTO", 4, 0, OUT_JSON_STRING,
		"socket protocol as the kernel names it: TCP, UDP, UNIX, NETLINK, "
		"PACKET, RAW, ..." },
	[COL_LADDR] = { "LADDR", 0.2, 0, OUT_JSON_STRING,
		"socket's local address: host:port, [v6]:port, a unix path or @abstract" },
	[COL_RADDR] = { "RADDR", 0.2, 0, OUT_JSON_STRING,
		"socket's remote address (a unix socket's peer's name)" },
	[COL_STATE] = { "STATE", 0.1, 0, OUT_JSON_STRING,
		"TCP state (LISTEN, ESTABLISHED, ...); unix and UDP: listening, "
		"connected, unconnected" },
	[COL_SOCK_PEER] = { "SOCK.PEER", 0.1, 0, OUT_JSON_STRING,
		"unix socket's peer inode, and PID,COMMAND,FD of its holders "
		"among the listed processes" },
	[COL_ENDPOINTS] = { "ENDPOINTS", 0.2, 0, OUT_JSON_ARRAY_STRING,
		"other holders of the same pipe or FIFO among the listed "
		"processes: PID,COMMAND,FD and r/w, one a line" },
	[COL_NOTE] = { "NOTE", 0.2, OUT_TRUNC, OUT_JSON_STRING,
		"what fdscope itself uses the descriptor for" },
	[COL_SOURCE] = { "SOURCE", 0.1, 0, OUT_JSON_STRING,
		"where the file is: partition (vda1), mount source, pipefs, sockfs, "
		"anon_inodefs, DRIVER:MINOR or misc:NAME for devices; for error "
		"rows the call that failed and its errno (readlink:EACCES)" },
	[COL_EVENTFD_ID] = { "EVENTFD.ID", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"eventfd: its ID (fdinfo eventfd-id)" },
	[COL_EVENTFD_COUNT] = { "EVENTFD.COUNT", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"eventfd: its counter (fdinfo eventfd-count)" },
	[COL_EVENTPOLL_TFDS] = { "EVENTPOLL.TFDS", 3, 0, OUT_JSON_ARRAY_NUMBER,
		"eventpoll: the descriptors it watches" },
	[COL_EVENTPOLL_EVENTS] = { "EVENTPOLL.EVENTS", 0.1, 0, OUT_JSON_STRING,
		"eventpoll: each watched descriptor with its event mask (5:IN,ET 6:OUT)" },
	[COL_EVENTPOLL_BY] = { "EVENTPOLL.BY", 3, 0, OUT_JSON_ARRAY_NUMBER,
		"the eventpoll descriptors of the same process watching this one" },
	[COL_TIMERFD_CLOCKID] = { "TIMERFD.CLOCKID", 0.1, 0, OUT_JSON_STRING,
		"timerfd: its clock (CLOCK_MONOTONIC, ...)" },
	[COL_TIMERFD_INTERVAL] = { "TIMERFD.INTERVAL", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"timerfd: the period in seconds, 0 for a one-shot timer" },
	[COL_TIMERFD_REMAINING] = { "TIMERFD.REMAINING", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"timerfd: seconds until it expires, 0 when disarmed" },
	[COL_TIMERFD_TICKS] = { "TIMERFD.TICKS", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"timerfd: expirations not yet read" },
	[COL_SIGNALFD_MASK] = { "SIGNALFD.MASK", 0.1, 0, OUT_JSON_STRING,
		"signalfd: the signals it accepts (USR1,TERM)" },
	[COL_INOTIFY_INODES] = { "INOTIFY.INODES", 3, 0, OUT_JSON_ARRAY_NUMBER,
		"inotify or fanotify: the inodes watched" },
	[COL_PIDFD_PID] = { "PIDFD.PID", 5, OUT_RIGHT, OUT_JSON_NUMBER,
		"pidfd: the process's ID in fdscope's PID namespace" },
	[COL_PIDFD_COMM] = { "PIDFD.COMM", 0.1, 0, OUT_JSON_STRING,
		"pidfd: the process's command" },
	[COL_PIDFD_NSPID] = { "PIDFD.NSPID", 0.1, 0, OUT_JSON_STRING,
		"pidfd: the process's IDs in its nested PID namespaces" },
	[COL_BPF_MAP_ID] = { "BPF-MAP.ID", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"bpf map: its ID" },
	[COL_BPF_MAP_TYPE] = { "BPF-MAP.TYPE", 0.1, 0, OUT_JSON_STRING,
		"bpf map: its type (hash, array, ...)" },
	[COL_BPF_PROG_ID] = { "BPF-PROG.ID", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"bpf program: its ID" },
	[COL_BPF_PROG_TYPE] = { "BPF-PROG.TYPE", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"bpf program: its type number" },
	[COL_BPF_PROG_TAG] = { "BPF-PROG.TAG", 0.1, 0, OUT_JSON_STRING,
		"bpf program: its tag (hex)" },
	[COL_IO_URING_SQ] = { "IO_URING.SQ", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"io_uring: submission queue entries" },
	[COL_IO_URING_CQ] = { "IO_URING.CQ", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"io_uring: completion queue entries" },
	[COL_IO_URING_SQTHREAD] = { "IO_URING.SQTHREAD", 5, OUT_RIGHT, OUT_JSON_NUMBER,
		"io_uring: thread ID of its SQPOLL thread (fdinfo SqThread)" },
	[COL_IO_URING_OWNER] = { "IO_URING.OWNER", 5, OUT_RIGHT, OUT_JSON_NUMBER,
		"io_uring: the process that made the ring, whose thread the "
		"SQPOLL thread is (none reported without SQPOLL)" },
	[COL_FANOTIFY_FLAGS] = { "FANOTIFY.FLAGS", 0.1, 0, OUT_JSON_STRING,
		"fanotify: the group's fanotify_init flags (CLASS_NOTIF,CLOEXEC)" },
	[COL_FANOTIFY_EVENT_FLAGS] = { "FANOTIFY.EVENT-FLAGS", 0.1, 0, OUT_JSON_STRING,
		"fanotify: open flags of its events' descriptors (O_RDONLY,...)" },
	[COL_FANOTIFY_MARKS] = { "FANOTIFY.MARKS", 0.2, 0, OUT_JSON_ARRAY_STRING,
		"fanotify: each mark (inode DEV:INO, mount ID, filesystem DEV) "
		"with its event mask, one a line" },
	[COL_PTMX_TTY_INDEX] = { "PTMX.TTY-INDEX", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"/dev/ptmx: the index N of its peer /dev/pts/N" },
	[COL_TUN_IFACE] = { "TUN.IFACE", 0.1, 0, OUT_JSON_STRING,
		"/dev/net/tun: the network interface attached" },
	[COL_CHRDRV] = { "CHRDRV", 0.1, 0, OUT_JSON_STRING,
		"character device: its driver (/proc/devices)" },
	[COL_MISCDEV] = { "MISCDEV", 0.1, 0, OUT_JSON_STRING,
		"misc character device: its name (/proc/misc)" },
	[COL_BLKDRV] = { "BLKDRV", 0.1, 0, OUT_JSON_STRING,
		"block device: its driver (/proc/devices)" },
	[COL_PARTITION] = { "PARTITION", 0.1, 0, OUT_JSON_STRING,
		"the partition holding the file (stat st_dev) by its "
		"/proc/partitions name, else MAJ:MIN, as lsfd" },
	[COL_USER] = { "USER", 0.1, 0, OUT_JSON_STRING,
		"user owning the process (the owner of /proc/PID)" },
	[COL_UID] = { "UID", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"user ID owning the process" },
	[COL_NLINK] = { "NLINK", 2, OUT_RIGHT, OUT_JSON_NUMBER,
		"the file's link count (stat)" },
	[COL_OWNER] = { "OWNER", 0.1, 0, OUT_JSON_STRING,
		"the file's owner (stat st_uid), by name" },
	[COL_FUID] = { "FUID", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"the file owner's user ID (stat st_uid)" },
	[COL_STTYPE] = { "STTYPE", 4, 0, OUT_JSON_STRING,
		"the type stat gives (REG DIR CHR BLK FIFO SOCK LNK, UNKN for "
		"anonymous inodes)" },
	[COL_KNAME] = { "KNAME", 0.3, OUT_WRAP, OUT_JSON_STRING,
		"the /proc/PID/fd link text as the kernel wrote it (NAME decodes)" },
	[COL_SOCK_NETNS] = { "SOCK.NETNS", 5, OUT_RIGHT, OUT_JSON_NUMBER,
		"inode of the network namespace whose socket table has the socket" },
	[COL_SOCK_SHUTDOWN] = { "SOCK.SHUTDOWN", 2, 0, OUT_JSON_STRING,
		"shut down for r(eceiving) and w(riting): -- r- -w rw" },
	[COL_SOCK_LISTENING] = { "SOCK.LISTENING", 1, 0, OUT_JSON_BOOLEAN,
		"the socket listens for connections" },
	[COL_SOCK_RECVQ] = { "SOCK.RECVQ", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"bytes queued for receiving (a listener: connections waiting)" },
	[COL_SOCK_SENDQ] = { "SOCK.SENDQ", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"bytes queued for sending (a listener: its backlog)" },
	[COL_SOCK_UID] = { "SOCK.UID", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"user ID owning the socket (sock_diag)" },
	[COL_TCP_TIMER] = { "TCP.TIMER", 0.1, 0, OUT_JSON_STRING,
		"TCP timer as ss -e: KIND,TIMEms,RETRANSMITS (on, keepalive, ...)" },
	[COL_NETLINK_PROTOCOL] = { "NETLINK.PROTOCOL", 0.1, 0, OUT_JSON_STRING,
		"netlink protocol: route, audit, generic, sock_diag, ..." },
	[COL_NETLINK_LPORT] = { "NETLINK.LPORT", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"netlink port ID" },
	[COL_NETLINK_RPORT] = { "NETLINK.RPORT", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"netlink destination port ID (0: the kernel)" },
	[COL_NETLINK_GROUPS] = { "NETLINK.GROUPS", 0.1, 0, OUT_JSON_STRING,
		"netlink multicast groups joined, a bitmap in hex" },
	[COL_PACKET_IFACE] = { "PACKET.IFACE", 0.1, 0, OUT_JSON_STRING,
		"packet socket: the interface it is bound to" },
	[COL_PACKET_PROTOCOL] = { "PACKET.PROTOCOL", 0.1, 0, OUT_JSON_STRING,
		"packet socket: the protocol it receives (ALL, IP, ARP, 0xNNNN)" },
	[COL_RAW_PROTOCOL] = { "RAW.PROTOCOL", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"raw socket: its IP protocol number" },
	[COL_VSOCK_LCID] = { "VSOCK.LCID", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"vsock: local context ID" },
	[COL_VSOCK_LPORT] = { "VSOCK.LPORT", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"vsock: local port" },
	[COL_VSOCK_RCID] = { "VSOCK.RCID", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"vsock: remote context ID" },
	[COL_VSOCK_RPORT] = { "VSOCK.RPORT", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"vsock: remote port" },
	[COL_LOCKS] = { "LOCKS", 0.1, 0, OUT_JSON_STRING,
		"locks held through the descriptor's open file: FLOCK, POSIX, OFD, "
		"LEASE, R or W, the range and the owner (fdinfo lock:); a row of its own, "
		"without FD, for a lock of the process on a file it has no "
		"descriptor for (/proc/locks)" },
	[COL_XMODE] = { "XMODE", 5, 0, OUT_JSON_STRING,
		"r w, D deleted, a lock as lsof writes it (W whole file, w part, "
		"R r read), m watched by an eventpoll of the process" },
	[COL_ASSOC] = { "ASSOC", 4, 0, OUT_JSON_STRING,
		"the descriptor number, or with --assoc: cwd, rtd, exe, mem, or "
		"a namespace (net, pid4c, ...)" },
	[COL_MAPLEN] = { "MAPLEN", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"mem: length of the mapping in pages" },
	[COL_MAP_RANGE] = { "MAP.RANGE", 0.1, 0, OUT_JSON_STRING,
		"mem: the mapped addresses, START-END in hex" },
	[COL_MAP_OFFSET] = { "MAP.OFFSET", 3, OUT_RIGHT, OUT_JSON_NUMBER,
		"mem: offset in the file of the mapping's start" },
	[COL_MAP_PERMS] = { "MAP.PERMS", 4, 0, OUT_JSON_STRING,
		"mem: the mapping's permissions as maps writes them (r-xp)" },
	[COL_NS_TYPE] = { "NS.TYPE", 0.1, 0, OUT_JSON_STRING,
		"namespace rows: the namespace's type (net, pid, ...)" },
	[COL_NS_NAME] = { "NS.NAME", 0.1, 0, OUT_JSON_STRING,
		"namespace rows: the link text, TYPE:[INODE]" },
	[COL_DEVTYPE] = { "DEVTYPE", 5, 0, OUT_JSON_STRING,
		"device type as lsfd: blk, char, or nodev for the rest" },
	[COL_KTHREAD] = { "KTHREAD", 1, 0, OUT_JSON_BOOLEAN,
		"the process is a kernel thread" },
	[COL_MAJMIN] = { "MAJ:MIN", 5, 0, OUT_JSON_STRING,
		"RDEV for a CHR or BLK file, else DEV, as lsfd" },
	[COL_PROTONAME] = { "PROTONAME", 4, 0, OUT_JSON_STRING,
		"socket protocol as the kernel's sockprotoname attribute "
		"spells it (TCP, UNIX-STREAM, UDP-Lite), as lsfd" },
	[COL_BPF_NAME] = { "BPF.NAME", 0.1, 0, OUT_JSON_STRING,
		"bpf map or program: its name (the bpf syscall, with "
		"CAP_SYS_ADMIN)" },
	[COL_TID] = { "TID", 5, OUT_RIGHT, OUT_JSON_NUMBER,
		"thread ID: given to -p when it is not the process's (PID is "
		"then its thread group), or with -l the thread whose own table "
		"the row is in (the PID for the process's table)" },
};

/* Attach steps, after collection: kept above the fdlist bits. */
enum {
	LIST_NEED_SOCKETS = 1 << 16,	/* one sock_diag dump per namespace */
	LIST_NEED_HOLDERS = 1 << 17,	/* every descriptor by inode */
	LIST_NEED_ATTACH = LIST_NEED_SOCKETS | LIST_NEED_HOLDERS,
	LIST_NEED_DEVTAB = 1 << 18,	/* /proc/devices, misc, partitions */
	LIST_NEED_EPMARKS = 1 << 19,	/* every eventpoll's targets */
	LIST_NEED_MOUNTS = 1 << 20,	/* each process's mountinfo */
	LIST_NEED_NAMES = 1 << 21,	/* user names of the UIDs */
	LIST_NEED_SOCKX = 1 << 22,	/* every family's socket details */
	LIST_NEED_LOCKTAB = 1 << 23,	/* /proc/locks */
	LIST_NEED_EXTRA = LIST_NEED_ATTACH | LIST_NEED_DEVTAB |
		LIST_NEED_EPMARKS | LIST_NEED_MOUNTS | LIST_NEED_NAMES |
		LIST_NEED_SOCKX | LIST_NEED_LOCKTAB,
};
/* What a second pass over the matching rows need not read: the command
 * and fdscope's own getsockopt are one call per process, and protocol
 * names are read after the dumps for the sockets no dump decoded
 * (fill_protos). */
#define LIST_LATE_NEEDS (FDL_NEED_COMM | FDL_NEED_SOCKOPT | FDL_NEED_PROTO)
#define ANON_NEEDS (FDL_NEED_LINK | FDL_NEED_ANON)
#define SOCKX_NEEDS (FDL_NEED_LINK | FDL_NEED_STAT | LIST_NEED_SOCKX)
#define LOCK_NEEDS (FDL_NEED_FDINFO | FDL_NEED_LOCKS | FDL_NEED_STAT | \
		    LIST_NEED_LOCKTAB)
#define SOCK_NEEDS (FDL_NEED_STAT | FDL_NEED_LINK | FDL_NEED_PROTO | \
		    LIST_NEED_SOCKETS)

/* What each column needs collected, so that unused look-ups are skipped. */
static const unsigned int column_needs[NCOLUMNS] = {
	[COL_COMMAND] = FDL_NEED_COMM,
	[COL_TYPE] = FDL_NEED_STAT | FDL_NEED_LINK,
	[COL_SOURCE] = FDL_NEED_STAT | FDL_NEED_LINK | FDL_NEED_FDINFO |
		LIST_NEED_DEVTAB | LIST_NEED_MOUNTS,
	[COL_USER] = FDL_NEED_PROC_UID | LIST_NEED_NAMES,
	[COL_UID] = FDL_NEED_PROC_UID,
	[COL_NLINK] = FDL_NEED_STAT,
	[COL_OWNER] = FDL_NEED_STAT | FDL_NEED_OWNER | LIST_NEED_NAMES,
	[COL_FUID] = FDL_NEED_STAT | FDL_NEED_OWNER,
	[COL_STTYPE] = FDL_NEED_STAT,
	[COL_KNAME] = FDL_NEED_LINK,
	[COL_SOCK_NETNS] = SOCKX_NEEDS,
	[COL_SOCK_SHUTDOWN] = SOCKX_NEEDS,
	[COL_SOCK_LISTENING] = SOCKX_NEEDS,
	[COL_SOCK_RECVQ] = SOCKX_NEEDS,
	[COL_SOCK_SENDQ] = SOCKX_NEEDS,
	[COL_SOCK_UID] = SOCKX_NEEDS,
	[COL_TCP_TIMER] = SOCKX_NEEDS,
	[COL_NETLINK_PROTOCOL] = SOCKX_NEEDS,
	[COL_NETLINK_LPORT] = SOCKX_NEEDS,
	[COL_NETLINK_RPORT] = SOCKX_NEEDS,
	[COL_NETLINK_GROUPS] = SOCKX_NEEDS,
	[COL_PACKET_IFACE] = SOCKX_NEEDS,
	[COL_PACKET_PROTOCOL] = SOCKX_NEEDS,
	[COL_RAW_PROTOCOL] = SOCKX_NEEDS,
	[COL_VSOCK_LCID] = SOCKX_NEEDS,
	[COL_VSOCK_LPORT] = SOCKX_NEEDS,
	[COL_VSOCK_RCID] = SOCKX_NEEDS,
	[COL_VSOCK_RPORT] = SOCKX_NEEDS,
	[COL_LOCKS] = LOCK_NEEDS,
	[COL_XMODE] = LOCK_NEEDS | ANON_NEEDS | LIST_NEED_EPMARKS,
	[COL_MODE] = FDL_NEED_FDINFO,
	[COL_FLAGS] = FDL_NEED_FDINFO,
	[COL_POS] = FDL_NEED_FDINFO,
	[COL_INODE] = FDL_NEED_STAT,
	[COL_DEV] = FDL_NEED_STAT,
	[COL_RDEV] = FDL_NEED_STAT,
	[COL_MNTID] = FDL_NEED_FDINFO,
	[COL_SIZE] = FDL_NEED_STAT,
	[COL_DELETED] = FDL_NEED_STAT | FDL_NEED_LINK,
	[COL_NAME] = FDL_NEED_LINK | FDL_NEED_PROTO | LIST_NEED_SOCKETS |
		FDL_NEED_ANON,
	[COL_SOCK_FAMILY] = SOCK_NEEDS | FDL_NEED_SOCKOPT,
	[COL_SOCK_TYPE] = SOCK_NEEDS | FDL_NEED_SOCKOPT,
	[COL_SOCK_PROTO] = SOCK_NEEDS | FDL_NEED_SOCKOPT,
	[COL_LADDR] = SOCK_NEEDS,
	[COL_RADDR] = SOCK_NEEDS,
	[COL_STATE] = SOCK_NEEDS,
	[COL_SOCK_PEER] = SOCK_NEEDS | FDL_NEED_COMM | FDL_NEED_FDINFO |
		LIST_NEED_HOLDERS,
	[COL_ENDPOINTS] = FDL_NEED_STAT | FDL_NEED_COMM | FDL_NEED_FDINFO |
		LIST_NEED_HOLDERS | FDL_NEED_LINK | FDL_NEED_ANON | LIST_NEED_SOCKETS,
	[COL_EVENTFD_ID] = ANON_NEEDS,
	[COL_EVENTFD_COUNT] = ANON_NEEDS,
	[COL_EVENTPOLL_TFDS] = ANON_NEEDS,
	[COL_EVENTPOLL_EVENTS] = ANON_NEEDS,
	[COL_EVENTPOLL_BY] = ANON_NEEDS | LIST_NEED_EPMARKS,
	[COL_TIMERFD_CLOCKID] = ANON_NEEDS,
	[COL_TIMERFD_INTERVAL] = ANON_NEEDS,
	[COL_TIMERFD_REMAINING] = ANON_NEEDS,
	[COL_TIMERFD_TICKS] = ANON_NEEDS,
	[COL_SIGNALFD_MASK] = ANON_NEEDS,
	[COL_INOTIFY_INODES] = ANON_NEEDS,
	[COL_PIDFD_PID] = ANON_NEEDS,
	[COL_PIDFD_COMM] = ANON_NEEDS,
	[COL_PIDFD_NSPID] = ANON_NEEDS,
	[COL_BPF_MAP_ID] = ANON_NEEDS,
	[COL_BPF_MAP_TYPE] = ANON_NEEDS,
	[COL_BPF_PROG_ID] = ANON_NEEDS,
	[COL_BPF_PROG_TYPE] = ANON_NEEDS,
	[COL_BPF_PROG_TAG] = ANON_NEEDS,
	[COL_IO_URING_SQ] = ANON_NEEDS,
	[COL_IO_URING_CQ] = ANON_NEEDS,
	[COL_IO_URING_SQTHREAD] = ANON_NEEDS,
	[COL_IO_URING_OWNER] = ANON_NEEDS,
	[COL_FANOTIFY_FLAGS] = ANON_NEEDS,
	[COL_FANOTIFY_EVENT_FLAGS] = ANON_NEEDS,
	[COL_FANOTIFY_MARKS] = ANON_NEEDS,
	[COL_PTMX_TTY_INDEX] = ANON_NEEDS,
	[COL_TUN_IFACE] = ANON_NEEDS,
	[COL_CHRDRV] = FDL_NEED_STAT | LIST_NEED_DEVTAB,
	[COL_MISCDEV] = FDL_NEED_STAT | LIST_NEED_DEVTAB,
	[COL_BLKDRV] = FDL_NEED_STAT | LIST_NEED_DEVTAB,
	[COL_PARTITION] = FDL_NEED_STAT | LIST_NEED_DEVTAB,
	[COL_DEVTYPE] = FDL_NEED_STAT,
	[COL_MAJMIN] = FDL_NEED_STAT,
	[COL_PROTONAME] = FDL_NEED_LINK | FDL_NEED_PROTO,
	[COL_BPF_NAME] = ANON_NEEDS,
};

static const int defaults_one[] = {
	COL_FD, COL_TYPE, COL_MODE, COL_FLAGS, COL_POS, COL_INODE, COL_NAME,
};
/* NAME last in every set: the one long cell of a row then pads nothing
 * after it, and a terminal's width cuts it rather than the others. */
static const int defaults_self[] = {
	COL_FD, COL_TYPE, COL_MODE, COL_FLAGS, COL_POS, COL_INODE, COL_NOTE,
	COL_NAME,
};
static const int defaults_many[] = {
	COL_PID, COL_COMMAND, COL_FD, COL_TYPE, COL_MODE, COL_FLAGS, COL_POS,
	COL_INODE, COL_ENDPOINTS, COL_NAME,
};
/* When -p names a thread that is not its process's main one. */
static const int defaults_thread[] = {
	COL_PID, COL_TID, COL_COMMAND, COL_FD, COL_TYPE, COL_MODE, COL_FLAGS,
	COL_POS, COL_INODE, COL_ENDPOINTS, COL_NAME,
};

/* "readlink:EACCES": the failed call and the errno's name, as lsfd 2.41
 * writes error rows; NULL when the row is not one. */
static const char *error_cell(const struct fd_entry *e, char *buf, size_t len)
{
	const char *call, *name;
	int err = fd_entry_error(e, &call);

	if (err == 0)
		return NULL;
	name = strerrorname_np(err);
	if (name != NULL)
		snprintf(buf, len, "%s:%s", call, name);
	else
		snprintf(buf, len, "%s:%d", call, err);
	return buf;
}

static const struct sock_info *row_sock(const struct list_row *r)
{
	return r->ctl->attach ? net_attach_sock(r->ctl->attach, r->pi, r->e) : NULL;
}

static const struct sock_info *row_peer(const struct list_row *r,
					const struct sock_info *si)
{
	return si ? net_attach_peer(r->ctl->attach, r->pi, si) : NULL;
}

/* "INODE" or "INODE PID,COMMAND,FD...": the unix peer and who holds it. */
static const char *sock_peer_cell(const struct list_row *r, char *buf,
				  size_t len)
{
	const struct sock_info *si = row_sock(r);
	int n;

	if (si == NULL || si->family != AF_UNIX || !si->have_peer)
		return NULL;
	n = snprintf(buf, len, "%llu", si->peer_ino);
	if (n > 0 && (size_t)n + 1 < len && r->e->stat_errno == 0 &&
	    r->ctl->holders &&
	    holder_index_of(r->ctl->holders, r->e->st.st_dev, si->peer_ino,
			    SIZE_MAX, -1, "; ", buf + n + 1,
			    len - (size_t)n - 1) > 0)
		buf[n] = ' ';
	return buf;
}

static const char *endpoints_cell(const struct list_row *r, char *buf,
				  size_t len);


static int cmp_epmark(const void *a, const void *b)
{
	const struct ep_mark *x = a, *y = b;

	if (x->pi != y->pi)
		return x->pi < y->pi ? -1 : 1;
	if (x->tfd != y->tfd)
		return (x->tfd > y->tfd) - (x->tfd < y->tfd);
	return (x->epfd > y->epfd) - (x->epfd < y->epfd);
}

/* Every eventpoll's targets, so that each target can name its watchers. */
static void collect_epmarks(struct list_control *ctl)
{
	enum { MAX_TARGETS = 65536 };
	struct anon_epoll_target *t = NULL;
	size_t pi, i, cap = 0;

	for (pi = 0; pi < ctl->nprocs; pi++) {
		const struct fd_proc *p = &ctl->procs[pi];

		for (i = 0; i < p->n; i++) {
			size_t tlen;
			const char *text = fd_entry_info_text(p, &p->fds[i], &tlen);
			int n, k;

			if (text == NULL || anon_kind_of_link(fd_entry_link(p,
					&p->fds[i])) != ANON_EVENTPOLL)
				continue;
			if (t == NULL)
				t = xcalloc(MAX_TARGETS, sizeof(*t));
			n = anon_parse_epoll(text, tlen, t, MAX_TARGETS);
			for (k = 0; k < n && k < MAX_TARGETS; k++) {
				if (ctl->nepmarks == cap) {
					cap = cap ? cap * 2 : 64;
					ctl->epmarks = xrealloc(ctl->epmarks,
						cap * sizeof(*ctl->epmarks));
				}
				ctl->epmarks[ctl->nepmarks++] = (struct ep_mark){
					pi, t[k].tfd, p->fds[i].fd };
			}
		}
	}
	free(t);
	if (ctl->nepmarks)
		qsort(ctl->epmarks, ctl->nepmarks, sizeof(*ctl->epmarks),
		      cmp_epmark);
}

static const char *epoll_by_cell(const struct list_row *r, char *buf,
				 size_t len)
{
	const struct list_control *ctl = r->ctl;
	size_t lo = 0, hi = ctl->nepmarks, used = 0;
	struct ep_mark key = { r->pi, r->e->fd, -1 };

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_epmark(&ctl->epmarks[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == ctl->nepmarks || ctl->epmarks[lo].pi != r->pi ||
	    ctl->epmarks[lo].tfd != r->e->fd)
		return NULL;
	buf[0] = '\0';
	for (; lo < ctl->nepmarks && ctl->epmarks[lo].pi == r->pi &&
	       ctl->epmarks[lo].tfd == r->e->fd && used + 16 < len; lo++)
		used += (size_t)snprintf(buf + used, len - used, "%s%d",
					 used ? "\n" : "", ctl->epmarks[lo].epfd);
	return buf;
}

static const char *device_cell(const struct list_row *r, int col)
{
	const struct fd_entry *e = r->e;
	const struct devtab *t = &r->ctl->devtab;
	unsigned int maj = major(e->st.st_rdev), min = minor(e->st.st_rdev);

	if (e->stat_errno != 0)
		return NULL;
	switch (col) {
	case COL_CHRDRV:
		return S_ISCHR(e->st.st_mode) ? devtab_chrdrv(t, maj) : NULL;
	case COL_MISCDEV:
		return S_ISCHR(e->st.st_mode) && maj == 10 ? devtab_misc(t, min) : NULL;
	case COL_BLKDRV:
		return S_ISBLK(e->st.st_mode) ? devtab_blkdrv(t, maj) : NULL;
	default:
		return NULL;
	}
}

static const char *partition_cell(const struct list_row *r, char *buf,
				  size_t len)
{
	const struct fd_entry *e = r->e;
	unsigned int maj = major(e->st.st_dev), min = minor(e->st.st_dev);
	const char *s;

	if (e->stat_errno != 0)
		return NULL;
	if ((s = devtab_partition(&r->ctl->devtab, maj, min)) != NULL)
		return s;
	snprintf(buf, len, "%u:%u", maj, min);
	return buf;
}

static bool is_selected(const struct list_control *ctl, int col)
{
	size_t i;

	for (i = 0; i < ctl->nselected; i++)
		if (ctl->selected[i] == col)
			return true;
	return false;
}

static bool have_name(const struct list_control *ctl, uid_t uid)
{
	size_t i;

	for (i = 0; i < ctl->nnames; i++)
		if (ctl->names[i].uid == uid)
			return true;
	return false;
}

static void add_name(struct list_control *ctl, uid_t uid)
{
	struct passwd pw, *res = NULL;
	char tmp[4096];
	struct uid_name *u;

	if (have_name(ctl, uid))
		return;
	ctl->names = xrealloc(ctl->names, (ctl->nnames + 1) * sizeof(*ctl->names));
	u = &ctl->names[ctl->nnames++];
	u->uid = uid;
	u->name[0] = '\0';
	if (getpwuid_r(uid, &pw, tmp, sizeof(tmp), &res) == 0 && res != NULL)
		snprintf(u->name, sizeof(u->name), "%s", res->pw_name);
}

/* Every UID of the rows resolved once: NSS look-ups are too slow for a
 * row each. */
static void resolve_names(struct list_control *ctl)
{
	bool owners = is_selected(ctl, COL_OWNER);
	size_t pi, i;

	for (pi = 0; pi < ctl->nprocs; pi++) {
		const struct fd_proc *p = &ctl->procs[pi];

		if (p->have_uid)
			add_name(ctl, p->uid);
		for (i = 0; owners && i < p->n; i++)
			if (p->fds[i].stat_errno == 0)
				add_name(ctl, p->fds[i].st.st_uid);
	}
}

/* The user name of uid, or its number when it has none. */
const char *user_cell(const struct list_control *ctl, uid_t uid,
		      char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < ctl->nnames; i++) {
		if (ctl->names[i].uid != uid)
			continue;
		if (ctl->names[i].name[0] == '\0')
			break;
		escape_into(buf, len, ctl->names[i].name,
			    strlen(ctl->names[i].name));
		return buf;
	}
	return fmt_ull(buf, len, (unsigned long long)uid);
}

/* SOURCE as lsfd has it: where the file lives, or what a device is. */
static const char *source_cell(const struct list_row *r, char *buf, size_t len)
{
	const struct fd_entry *e = r->e;
	const struct devtab *t = &r->ctl->devtab;
	const char *link = fd_entry_link(r->proc, e), *s;
	const struct mount_entry *m = NULL;
	unsigned int maj, min;
	unsigned long long ino;

	if (error_cell(e, buf, len) != NULL)
		return buf;
	if (e->stat_errno != 0)
		return NULL;
	maj = major(e->st.st_rdev);
	min = minor(e->st.st_rdev);
	if (S_ISCHR(e->st.st_mode)) {
		if (maj == 10 && (s = devtab_misc(t, min)) != NULL)
			snprintf(buf, len, "misc:%s", s);
		else if ((s = devtab_chrdrv(t, maj)) != NULL)
			snprintf(buf, len, "%s:%u", s, min);
		else
			snprintf(buf, len, "%u:%u", maj, min);
		return buf;
	}
	if (S_ISBLK(e->st.st_mode)) {
		if ((s = devtab_partition(t, maj, min)) != NULL)
			snprintf(buf, len, "%s", s);
		else
			snprintf(buf, len, "%u:%u", maj, min);
		return buf;
	}
	if (S_ISFIFO(e->st.st_mode) && link_bracket_inode(link, "pipe:", &ino))
		return "pipefs";
	if (S_ISSOCK(e->st.st_mode) && link_bracket_inode(link, "socket:", &ino))
		return "sockfs";
	if (fdtype_is_anon(link))
		return "anon_inodefs";
	maj = major(e->st.st_dev);
	min = minor(e->st.st_dev);
	if ((s = devtab_partition(t, maj, min)) != NULL) {
		snprintf(buf, len, "%s", s);
		return buf;
	}
	if (r->ctl->mounts != NULL) {
		const struct mount_tab *mt = &r->ctl->mounts[r->pi];

		if (e->have_info && e->info.has_mnt_id)
			m = mount_tab_find(mt, e->info.mnt_id);
		if (m == NULL)
			m = mount_tab_find_dev(mt, maj, min);
	}
	if (m != NULL && m->source[0] != '\0' && strcmp(m->source, "none") != 0) {
		escape_into(buf, len, m->source, strlen(m->source));
		return buf;
	}
	if (m != NULL) {
		escape_into(buf, len, m->fstype, strlen(m->fstype));
		return buf;
	}
	snprintf(buf, len, "%u:%u", maj, min);
	return buf;
}

static const struct sockx *row_sockx(const struct list_row *r)
{
	unsigned long long ino;
	/* sockx_find sorts once; the table is sorted when loaded, so this
	 * only reads. */
	struct sockx_table *t = (struct sockx_table *)(uintptr_t)&r->ctl->sockx; /* NOLINT(performance-no-int-to-ptr) */

	if (!r->ctl->have_sockx)
		return NULL;
	ino = net_entry_sock_ino(r->proc, r->e);
	/* Sorted once loaded: this only reads. */
	return ino ? sockx_find(t, ino) : NULL;
}

static const char *sockx_cell(const struct list_row *r, int col, char *buf,
			      size_t len)
{
	const struct sockx *x = row_sockx(r);
	unsigned long long v;

	if (x == NULL)
		return NULL;
	switch (col) {
	case COL_SOCK_NETNS:
		return x->netns ? fmt_ull(buf, len, x->netns) : NULL;
	case COL_SOCK_SHUTDOWN:
		return sockx_shutdown(x);
	case COL_SOCK_LISTENING:
		return x->family == AF_NETLINK || x->family == AF_PACKET ? NULL :
			sockx_listening(x) ? "yes" : "no";
	case COL_SOCK_RECVQ:
	case COL_SOCK_SENDQ:
		if (!x->have_queues)
			return NULL;
		return fmt_ull(buf, len, col == COL_SOCK_RECVQ ? x->rqueue : x->wqueue);
	case COL_SOCK_UID:
		return x->have_uid ? fmt_ull(buf, len, x->uid) : NULL;
	case COL_TCP_TIMER:
		return sockx_timer(x, buf, len);
	case COL_RAW_PROTOCOL:
		return x->type == SOCK_RAW && (x->family == AF_INET ||
					       x->family == AF_INET6) ?
			fmt_ull(buf, len, (unsigned long long)x->proto) : NULL;
	case COL_PACKET_IFACE:
		if (x->family != AF_PACKET || x->ifindex == 0)
			return NULL;
		if (x->ifname[0] == '\0')
			return fmt_ull(buf, len, (unsigned long long)x->ifindex);
		escape_into(buf, len, x->ifname, strlen(x->ifname));
		return buf;
	case COL_PACKET_PROTOCOL:
		return x->family == AF_PACKET ?
			sockx_packet_proto(x->proto, buf, len) : NULL;
	default:
		break;
	}
	if (x->family == AF_NETLINK) {
		switch (col) {
		case COL_NETLINK_PROTOCOL:
			return sockx_netlink_proto(x->proto, buf, len);
		case COL_NETLINK_LPORT:
			return fmt_ull(buf, len, x->portid);
		case COL_NETLINK_RPORT:
			return fmt_ull(buf, len, x->dst_portid);
		case COL_NETLINK_GROUPS:
			if (!x->have_groups)
				return NULL;
			snprintf(buf, len, "0x%x", x->groups[0]);
			return buf;
		default:
			return NULL;
		}
	}
	if (x->family != AF_VSOCK)
		return NULL;
	v = col == COL_VSOCK_LCID ? x->src_cid : col == COL_VSOCK_LPORT ?
		x->src_port : col == COL_VSOCK_RCID ? x->dst_cid : x->dst_port;
	return fmt_ull(buf, len, v);
}

/* The locks fdinfo lists for the descriptor's open file description. */
static size_t entry_locks(const struct list_row *r, struct file_lock *v,
			  size_t max)
{
	struct lock_tab t;
	size_t tlen, n;
	const char *text = fd_entry_info_text(r->proc, r->e, &tlen);

	if (text == NULL)
		return 0;
	lock_tab_init(&t);
	lock_tab_parse(&t, text, tlen, true);
	n = t.n < max ? t.n : max;
	if (n)
		memcpy(v, t.v, n * sizeof(*v));
	lock_tab_release(&t);
	return n;
}

static const char *locks_cell(const struct list_row *r, char *buf, size_t len)
{
	struct file_lock v[16];
	size_t n = entry_locks(r, v, ARRAY_SIZE(v)), i, used = 0;

	if (n == 0)
		return NULL;
	buf[0] = '\0';
	for (i = 0; i < n && used + 1 < len; i++) {
		char one[128];

		lock_owned_format(&v[i], one, sizeof(one));
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 i ? "; " : "", one);
	}
	return buf;
}

static bool watched_by_epoll(const struct list_row *r)
{
	char tmp[32];

	return r->ctl->nepmarks && epoll_by_cell(r, tmp, sizeof(tmp)) != NULL;
}

static const char *xmode_cell(const struct list_row *r, char *buf, size_t len)
{
	const struct fd_entry *e = r->e;
	const char *link = fd_entry_link(r->proc, e);
	struct file_lock v[16];
	size_t n = entry_locks(r, v, ARRAY_SIZE(v));
	unsigned int acc;
	char lk;

	if (!e->have_info || !e->info.has_flags || len < 7)
		return NULL;
	acc = e->info.flags & 3;
	lk = lock_letter(v, n);
	snprintf(buf, len, "%c%c-%c%c%c", acc == 0 || acc == 2 ? 'r' : '-',
		 acc == 1 || acc == 2 ? 'w' : '-',
		 link_is_deleted(link) && e->stat_errno == 0 &&
		 e->st.st_nlink == 0 ? 'D' : '-',
		 lk == ' ' ? '-' : lk, watched_by_epoll(r) ? 'm' : '-');
	if (e->info.flags & 010000000)		/* O_PATH: no access at all */
		buf[0] = buf[1] = '-';
	return buf;
}

/* lsfd's DEVTYPE and MAJ:MIN from a stat. */
static const char *devtype_cell(const struct fd_stat *st, int col, char *buf,
				size_t len)
{
	bool dev = S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode);

	if (col == COL_DEVTYPE)
		return S_ISCHR(st->st_mode) ? "char" : S_ISBLK(st->st_mode) ?
			"blk" : "nodev";
	snprintf(buf, len, "%u:%u", dev ? major(st->st_rdev) : major(st->st_dev),
		 dev ? minor(st->st_rdev) : minor(st->st_dev));
	return buf;
}

/* The cells made from a file's status alone, for descriptors and --assoc
 * rows alike: NULL when st was not read (ok false) or col is none of them.
 * STTYPE as lsfd prints it: UNKN for a type stat has no name for. */
const char *stat_cell(const struct list_control *ctl, const struct fd_stat *st,
		      bool ok, int col, char *buf, size_t len)
{
	if (!ok)
		return NULL;
	switch (col) {
	case COL_INODE:
		return fmt_ull(buf, len, (unsigned long long)st->st_ino);
	case COL_DEV:
		snprintf(buf, len, "%u:%u", major(st->st_dev), minor(st->st_dev));
		return buf;
	case COL_SIZE:
		return fmt_ull(buf, len, (unsigned long long)st->st_size);
	case COL_NLINK:
		return fmt_ull(buf, len, (unsigned long long)st->st_nlink);
	case COL_OWNER:
		return user_cell(ctl, st->st_uid, buf, len);
	case COL_FUID:
		return fmt_ull(buf, len, (unsigned long long)st->st_uid);
	case COL_STTYPE:
		return fdtype_mode_name(st->st_mode, "UNKN");
	case COL_DEVTYPE:
	case COL_MAJMIN:
		return devtype_cell(st, col, buf, len);
	default:
		return NULL;
	}
}

/* Appends "PID,COMMAND,FDm" of entry e of p on a line of its own, as
 * holder_index_of. */
static void add_endpoint(char *buf, size_t len, size_t *off, size_t *count,
			 const struct fd_proc *p, const struct fd_entry *e)
{
	char comm[4 * sizeof(p->comm)], m = 0;
	int w;

	if (e->have_info && e->info.has_flags)
		m = "rwu"[(e->info.flags & 3) < 2 ? e->info.flags & 3 : 2];
	escape_into(comm, sizeof(comm), p->comm, strlen(p->comm));
	if (*off >= len)
		return;
	w = snprintf(buf + *off, len - *off, "%s%ld,%s,%d%.*s", *count ? "\n" : "",
		     (long)p->pid, comm, e->fd, m ? 1 : 0, &m);
	if (w < 0 || (size_t)w >= len - *off)
		return;
	*off += (size_t)w;
	(*count)++;
}

static size_t all_tables(const struct list_control *ctl)
{
	return ctl->nall > ctl->nprocs ? ctl->nall : ctl->nprocs;
}

/* The pty peers: a /dev/ptmx with tty-index N and the /dev/pts/N. */
static bool pty_index(const struct fd_proc *p, const struct fd_entry *e,
		      unsigned long long *index, bool *master)
{
	size_t tlen;
	const char *text;
	unsigned int maj;

	if (e->stat_errno != 0 || !S_ISCHR(e->st.st_mode))
		return false;
	maj = major(e->st.st_rdev);
	if (maj >= 136 && maj <= 143) {
		*index = (unsigned long long)(maj - 136) * 256 + minor(e->st.st_rdev);
		*master = false;
		return true;
	}
	if (anon_kind_of_link(fd_entry_link(p, e)) != ANON_PTMX ||
	    (text = fd_entry_info_text(p, e, &tlen)) == NULL ||
	    anon_field_ull(text, tlen, "tty-index", 10, index) < 0)
		return false;
	*master = true;
	return true;
}

static bool eventfd_id(const struct fd_proc *p, const struct fd_entry *e,
		       unsigned long long *id)
{
	struct anon_eventfd ev;
	size_t tlen;
	const char *text;

	if (anon_kind_of_link(fd_entry_link(p, e)) != ANON_EVENTFD ||
	    (text = fd_entry_info_text(p, e, &tlen)) == NULL ||
	    anon_parse_eventfd(text, tlen, &ev) < 0 || !ev.has_id)
		return false;
	*id = ev.id;
	return true;
}

/* ENDPOINTS' look-ups, made once for the rows as they are: every row
 * scanning every table (eventfds, ptys) or every socket (loopback peers)
 * is quadratic, seconds at 19000 descriptors.  Sorted by key, then by
 * table and row, so that a key's holders come in the order of the rows. */
enum ep_kind { EPK_EVENTFD, EPK_PTY_SLAVE, EPK_PTY_MASTER };

struct ep_key {
	unsigned long long key;
	int kind;
	size_t pi, i;
};

struct inet_ref {
	const struct sockx *x;
};

struct ep_index {
	struct ep_key *keys;
	size_t nkeys;
	struct inet_ref *inet;		/* bound TCP/UDP ones, by addresses */
	size_t ninet;
};

static int cmp_ep_key(const void *a, const void *b)
{
	const struct ep_key *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->pi != y->pi)
		return x->pi < y->pi ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

static int cmp_addr(const struct sockaddr_storage *a, socklen_t alen,
		    const struct sockaddr_storage *b, socklen_t blen)
{
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return memcmp(a, b, alen);
}

/* netns, protocol, local and remote address; then the table's order,
 * so that the first of equals is the one a scan would have found. */
static int cmp_inet(const void *a, const void *b)
{
	const struct sockx *x = ((const struct inet_ref *)a)->x;
	const struct sockx *y = ((const struct inet_ref *)b)->x;
	int c;

	if (x->netns != y->netns)
		return x->netns < y->netns ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if ((c = cmp_addr(&x->local, x->local_len, &y->local, y->local_len)))
		return c;
	if ((c = cmp_addr(&x->remote, x->remote_len, &y->remote, y->remote_len)))
		return c;
	return (x > y) - (x < y);
}

static struct ep_index *ep_index_make(const struct list_control *ctl)
{
	struct ep_index *x = xcalloc(1, sizeof(*x));
	size_t pi, i, n = 0, cap = 0;

	for (pi = 0; pi < all_tables(ctl); pi++)
		for (i = 0; i < ctl->procs[pi].n; i++) {
			const struct fd_proc *p = &ctl->procs[pi];
			const struct fd_entry *e = &p->fds[i];
			unsigned long long key;
			bool master;
			int kind;

			/* Pipes and sockets have the holder index; a holder
			 * whose stat failed is still one (its link and fdinfo
			 * tell an eventfd or a ptmx). */
			if (e->stat_errno == 0 && (S_ISFIFO(e->st.st_mode) ||
						   S_ISSOCK(e->st.st_mode)))
				continue;
			if (pty_index(p, e, &key, &master))
				kind = master ? EPK_PTY_MASTER : EPK_PTY_SLAVE;
			else if (eventfd_id(p, e, &key))
				kind = EPK_EVENTFD;
			else
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				x->keys = xrealloc(x->keys, cap * sizeof(*x->keys));
			}
			x->keys[n++] = (struct ep_key){ key, kind, pi, i };
		}
	x->nkeys = n;
	if (n)
		qsort(x->keys, n, sizeof(*x->keys), cmp_ep_key);
	x->inet = xcalloc(ctl->sockx.n + 1, sizeof(*x->inet));
	for (i = 0; i < ctl->sockx.n; i++) {
		const struct sockx *y = &ctl->sockx.v[i];

		if ((y->family == AF_INET || y->family == AF_INET6) &&
		    y->state != 10 && y->local_len != 0 && y->remote_len != 0)
			x->inet[x->ninet++].x = y;
	}
	if (x->ninet)
		qsort(x->inet, x->ninet, sizeof(*x->inet), cmp_inet);
	return x;
}

static void ep_index_free(struct ep_index *x)
{
	if (x == NULL)
		return;
	free(x->keys);
	free(x->inet);
	free(x);
}

static void drop_endpoints(struct list_control *ctl)
{
	ep_index_free(ctl->endpoints);
	ctl->endpoints = NULL;
}

/* Made on the first ENDPOINTS cell, for the rows and sockets as they are
 * then (drop_endpoints runs whenever either changes). */
static const struct ep_index *endpoints_of(const struct list_control *ctl)
{
	struct list_control *mut = (struct list_control *)(uintptr_t)ctl; /* NOLINT(performance-no-int-to-ptr) */

	if (mut->endpoints == NULL)
		mut->endpoints = ep_index_make(ctl);
	return mut->endpoints;
}

/* The first of key's entries of kind, or nkeys. */
static size_t ep_first(const struct ep_index *x, int kind,
		       unsigned long long key)
{
	size_t lo = 0, hi = x->nkeys;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct ep_key *k = &x->keys[mid];

		if (k->kind < kind || (k->kind == kind && k->key < key))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Appends every holder of (kind, key) but row r's own descriptor. */
static size_t ep_add_holders(const struct list_row *r, int kind,
			     unsigned long long key, char *buf, size_t len)
{
	const struct ep_index *x = endpoints_of(r->ctl);
	size_t k, off = 0, count = 0;

	buf[0] = '\0';
	for (k = ep_first(x, kind, key);
	     k < x->nkeys && x->keys[k].kind == kind && x->keys[k].key == key; k++) {
		const struct fd_proc *p = &r->ctl->procs[x->keys[k].pi];
		const struct fd_entry *o = &p->fds[x->keys[k].i];

		if (x->keys[k].pi == r->pi && o->fd == r->e->fd)
			continue;
		add_endpoint(buf, len, &off, &count, p, o);
	}
	return count;
}

static bool same_addr(const struct sockaddr_storage *a, socklen_t alen,
		      const struct sockaddr_storage *b, socklen_t blen)
{
	return alen != 0 && alen == blen && memcmp(a, b, alen) == 0;
}

/* A loopback TCP or UDP socket's other end: the socket of the same
 * namespace whose addresses are this one's swapped. */
static unsigned long long inet_peer_ino(const struct list_row *r)
{
	const struct sockx *x = row_sockx(r);
	const struct ep_index *ix;
	struct sockx want;
	size_t lo, hi;

	if (x == NULL || (x->family != AF_INET && x->family != AF_INET6) ||
	    x->type == SOCK_RAW || x->remote_len == 0 || x->local_len == 0)
		return 0;
	ix = endpoints_of(r->ctl);
	/* The first socket of the index at or after the swapped addresses
	 * (its own address compares below every real one there). */
	memset(&want, 0, sizeof(want));
	want.netns = x->netns;
	want.proto = x->proto;
	want.local = x->remote;
	want.local_len = x->remote_len;
	want.remote = x->local;
	want.remote_len = x->local_len;
	lo = 0;
	hi = ix->ninet;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct sockx *y = ix->inet[mid].x;
		int c = y->netns != want.netns ? (y->netns < want.netns ? -1 : 1) :
			y->proto != want.proto ? (y->proto < want.proto ? -1 : 1) :
			cmp_addr(&y->local, y->local_len, &want.local, want.local_len);

		if (c == 0)
			c = cmp_addr(&y->remote, y->remote_len, &want.remote,
				     want.remote_len);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < ix->ninet; lo++) {
		const struct sockx *y = ix->inet[lo].x;

		if (y->netns != x->netns || y->proto != x->proto ||
		    !same_addr(&y->local, y->local_len, &x->remote, x->remote_len) ||
		    !same_addr(&y->remote, y->remote_len, &x->local, x->local_len))
			break;
		if (y->ino != x->ino)
			return y->ino;
	}
	return 0;
}

static const char *endpoints_cell(const struct list_row *r, char *buf,
				  size_t len)
{
	const struct list_control *ctl = r->ctl;
	const struct fd_entry *e = r->e;
	const struct sock_info *si;
	unsigned long long key, peer;
	bool master;

	if (e->stat_errno != 0)
		return NULL;
	if (S_ISFIFO(e->st.st_mode))
		return ctl->holders && holder_index_of(ctl->holders, e->st.st_dev,
				e->st.st_ino, r->pi, e->fd, "\n", buf, len) ?
			buf : NULL;
	if (S_ISSOCK(e->st.st_mode) && ctl->attach && ctl->holders) {
		/* Unix: the holders of the peer; TCP/UDP on this machine:
		 * the holders of the socket with the addresses swapped. */
		si = row_sock(r);
		peer = si && si->family == AF_UNIX && si->have_peer ? si->peer_ino :
			inet_peer_ino(r);
		return peer && holder_index_of(ctl->holders, e->st.st_dev, peer,
						     SIZE_MAX, -1, "\n", buf, len) ?
			buf : NULL;
	}
	if (pty_index(r->proc, e, &key, &master))
		return ep_add_holders(r, master ? EPK_PTY_SLAVE : EPK_PTY_MASTER,
				      key, buf, len) ? buf : NULL;
	if (eventfd_id(r->proc, e, &key))
		return ep_add_holders(r, EPK_EVENTFD, key, buf, len) ? buf : NULL;
	return NULL;
}

static const char *sock_cell(const struct list_row *r, int col, char *buf,
			     size_t len)
{
	const struct sock_info *si = row_sock(r);
	const struct fd_entry *e = r->e;

	/* fdscope's own sockets answer getsockopt; others come from the
	 * kernel's socket tables. */
	switch (col) {
	case COL_SOCK_FAMILY:
		return e->have_sockopt ? sock_family_name(e->sock_family, buf, len) :
			si ? sock_family_name(si->family, buf, len) : NULL;
	case COL_SOCK_TYPE:
		return e->have_sockopt ? sock_type_name(e->sock_type, buf, len) :
			si ? sock_type_name(si->type, buf, len) : NULL;
	case COL_SOCK_PROTO:
		/* The kernel's own name first: it holds for every socket. */
		if (e->proto[0] && net_sock_proto_word(e->proto)) {
			escape_into(buf, len, net_sock_proto_word(e->proto),
				    strlen(net_sock_proto_word(e->proto)));
			return buf;
		}
		if (si && si->family == AF_UNIX)
			return "UNIX";
		return e->have_sockopt ?
			sock_proto_name(e->sock_family, e->sock_proto, buf, len) :
			si ? sock_proto_name(si->family, si->proto, buf, len) : NULL;
	case COL_LADDR:
		return net_sock_laddr(si, buf, len);
	case COL_RADDR:
		return net_sock_raddr(si, row_peer(r, si), buf, len);
	case COL_STATE:
		return net_sock_state(si);
	default:
		return NULL;
	}
}

/* NAME when the link could not be read.  Past PATH_MAX the kernel
 * returns no part of the path (d_path fails whole). */
static const char *link_error_name(const struct fd_entry *e, char *buf,
				   size_t len)
{
	if (e->link_errno == ENAMETOOLONG) {
		snprintf(buf, len, "(path longer than %d bytes: the kernel "
			 "returns no part of it)", PATH_MAX - 1);
		return buf;
	}
	return NULL;
}

static bool is_proc_column(int col)
{
	return col == COL_PID || col == COL_TID || col == COL_COMMAND ||
		col == COL_USER || col == COL_UID || col == COL_KTHREAD;
}

/* The cells of the process a row is of, the same on its descriptor,
 * --assoc and lock rows. */
static const char *proc_cell(const struct list_row *r, int col, char *buf,
			     size_t len)
{
	const struct fd_proc *p = r->proc;

	switch (col) {
	case COL_PID:
		return fmt_ull(buf, len, (unsigned long long)p->pid);
	case COL_TID:
		/* -l: every row says whose table it is in. */
		if (p->tid)
			return fmt_ull(buf, len, (unsigned long long)p->tid);
		return r->ctl->threads ?
			fmt_ull(buf, len, (unsigned long long)p->pid) : NULL;
	case COL_COMMAND:
		escape_into(buf, len, p->comm, strlen(p->comm));
		return buf;
	case COL_USER:
		return p->have_uid ? user_cell(r->ctl, p->uid, buf, len) : NULL;
	case COL_UID:
		return p->have_uid ? fmt_ull(buf, len, (unsigned long long)p->uid) : NULL;
	case COL_KTHREAD:
		return p->task == PROCFS_TASK_KTHREAD ? "yes" : "no";
	default:
		return NULL;
	}
}


const char *list_cell(const void *row, int col, char *buf, size_t len)
{
	const struct list_row *r = row;
	const struct fd_entry *e = r->e;
	const char *link;
	const struct sock_info *si;
	bool st_ok;

	if (is_proc_column(col))
		return proc_cell(r, col, buf, len);
	if (r->lock != NULL)
		return lock_row_cell(r, col, buf, len);
	if (r->assoc != NULL)
		return assoc_cell(r, col, buf, len);
	link = fd_entry_link(r->proc, e);
	st_ok = e->stat_errno == 0;

	switch (col) {
	case COL_FD:
		return fmt_ull(buf, len, (unsigned long long)e->fd);
	case COL_TYPE:
		if (error_cell(e, buf, len) != NULL)
			return "ERROR";
		return fdtype_name(e->st.st_mode, st_ok, link);
	case COL_SOURCE:
		return source_cell(r, buf, len);
	case COL_INODE:
	case COL_DEV:
	case COL_SIZE:
	case COL_NLINK:
	case COL_OWNER:
	case COL_FUID:
	case COL_STTYPE:
	case COL_DEVTYPE:
	case COL_MAJMIN:
		return stat_cell(r->ctl, &e->st, st_ok, col, buf, len);
	case COL_KNAME:
		if (link == NULL)
			return error_cell(e, buf, len);
		escape_into(buf, len, link, strlen(link));
		return buf;
	case COL_MODE:
		return e->have_info && e->info.has_flags ?
			fdmode_name(e->info.flags) : NULL;
	case COL_FLAGS:
		if (!e->have_info || !e->info.has_flags)
			return NULL;
		fdflags_format(e->info.flags, buf, len);
		return buf;
	case COL_POS:
		return e->have_info && e->info.has_pos ?
			fmt_ull(buf, len, e->info.pos) : NULL;
	case COL_RDEV:
		if (!st_ok || !(S_ISCHR(e->st.st_mode) || S_ISBLK(e->st.st_mode)))
			return NULL;
		snprintf(buf, len, "%u:%u", major(e->st.st_rdev), minor(e->st.st_rdev));
		return buf;
	case COL_MNTID:
		return e->have_info && e->info.has_mnt_id ?
			fmt_ull(buf, len, (unsigned long long)e->info.mnt_id) : NULL;
	case COL_DELETED:
		/* The link text alone could be a file really named so; an
		 * unlinked file also has no links left. */
		return (link_is_deleted(link) ||
			(link == NULL && e->link_errno == ENAMETOOLONG)) &&
			st_ok && e->st.st_nlink == 0 ? "yes" : "no";
	case COL_NAME:
		/* An MPTCP socket also answers the TCP dump: the MPTCP dump,
		 * when made, knows better. */
		if (row_sockx(r) != NULL && row_sockx(r)->proto == IPPROTO_MPTCP)
			return sockx_name(row_sockx(r), buf, len);
		if ((si = row_sock(r)) != NULL)
			return net_sock_name(si, row_peer(r, si), buf, len);
		/* Other families, dumped when some socket was left without a
		 * decoding; else the kernel's own name for it. */
		if (row_sockx(r) != NULL)
			return sockx_name(row_sockx(r), buf, len);
		if (r->ctl->attach && net_entry_sock_ino(r->proc, e))
			return net_sock_undecoded_name(e->proto,
				net_attach_ns_read(r->ctl->attach, r->pi),
				net_entry_sock_ino(r->proc, e), buf, len);
		if (anon_name(r, buf, len) != NULL)
			return buf;
		if (link == NULL)
			return e->link_errno == ENAMETOOLONG ?
				link_error_name(e, buf, len) : error_cell(e, buf, len);
		escape_into(buf, len, link, strlen(link));
		return buf;
	case COL_SOCK_FAMILY:
	case COL_SOCK_TYPE:
	case COL_SOCK_PROTO:
	case COL_LADDR:
	case COL_RADDR:
	case COL_STATE:
		return sock_cell(r, col, buf, len);
	case COL_SOCK_PEER:
		return sock_peer_cell(r, buf, len);
	case COL_BPF_NAME:
		return anon_cell(r, col, buf, len);
	case COL_PROTONAME:
		if (e->proto[0] == '\0' || net_entry_sock_ino(r->proc, e) == 0)
			return NULL;
		escape_into(buf, len, e->proto, strnlen(e->proto, sizeof(e->proto)));
		return buf;
	case COL_ENDPOINTS:
		return endpoints_cell(r, buf, len);
	case COL_NOTE:
		return e->is_reader ?
			"fdscope reading /proc/self/fd" : NULL;
	case COL_EVENTPOLL_BY:
		return epoll_by_cell(r, buf, len);
	case COL_LOCKS:
		return locks_cell(r, buf, len);
	case COL_ASSOC:
		return fmt_ull(buf, len, (unsigned long long)e->fd);
	case COL_XMODE:
		return xmode_cell(r, buf, len);
	case COL_CHRDRV:
	case COL_MISCDEV:
	case COL_BLKDRV:
		return device_cell(r, col);
	case COL_PARTITION:
		return partition_cell(r, buf, len);
	default:
		if (col >= COL_EVENTFD_ID && col <= COL_TUN_IFACE)
			return anon_cell(r, col, buf, len);
		if (col >= COL_SOCK_NETNS && col <= COL_VSOCK_RPORT)
			return sockx_cell(r, col, buf, len);
		return NULL;
	}
}

static size_t nassoc(const struct list_control *ctl, size_t pi)
{
	return ctl->assocs ? ctl->assocs[pi].n : 0;
}

/* Numbers the rows: row_start[pi] is the number of rows before process
 * pi's first, lock_first[pi] the index of its first lock row.  Returns the
 * number of rows. */
static size_t index_rows(struct list_control *ctl)
{
	size_t pi, n = 0, k = 0;

	free(ctl->row_start);
	free(ctl->lock_first);
	ctl->row_start = xcalloc(ctl->nprocs + 1, sizeof(*ctl->row_start));
	ctl->lock_first = xcalloc(ctl->nprocs + 1, sizeof(*ctl->lock_first));
	for (pi = 0; pi < ctl->nprocs; pi++) {
		ctl->row_start[pi] = n;
		n += ctl->procs[pi].n + nassoc(ctl, pi);
		/* lock_rows are in process order. */
		ctl->lock_first[pi] = k;
		while (k < ctl->nlock_rows && ctl->lock_rows[k].pi == pi) {
			k++;
			n++;
		}
	}
	ctl->row_start[pi] = n;
	ctl->lock_first[pi] = k;
	return n;
}

static size_t proc_rows(const struct list_control *ctl, size_t pi)
{
	return ctl->row_start[pi + 1] - ctl->row_start[pi];
}

/* Row i of the listing: the processes' tables one after the other, each
 * process's descriptors, then its --assoc rows, then its lock rows. */
static void row_at(const struct list_control *ctl, size_t i, struct list_row *r)
{
	size_t lo = 0, hi = ctl->nprocs;

	/* The last process whose first row is at or before i. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ctl->row_start[mid] <= i)
			lo = mid;
		else
			hi = mid;
	}
	while (lo + 1 < ctl->nprocs && ctl->row_start[lo + 1] == ctl->row_start[lo] &&
	       ctl->row_start[lo + 1] <= i)
		lo++;
	i -= ctl->row_start[lo];
	*r = (struct list_row){ ctl, lo, &ctl->procs[lo], NULL, NULL, NULL };
	if (i < ctl->procs[lo].n) {
		r->e = &ctl->procs[lo].fds[i];
	} else if (i - ctl->procs[lo].n < nassoc(ctl, lo)) {
		r->assoc = &ctl->assocs[lo].v[i - ctl->procs[lo].n];
	} else {
		r->lock = &ctl->lock_rows[ctl->lock_first[lo] + i - ctl->procs[lo].n -
					  nassoc(ctl, lo)];
	}
}

static const char *row_cell(const void *ctx, size_t i, int col, char *buf,
			    size_t len)
{
	struct list_row r;

	row_at(ctx, i, &r);
	return list_cell(&r, col, buf, len);
}

static int print_rows(struct list_control *ctl)
{
	size_t n = index_rows(ctl);

	return out_table_print_rows(ctl->table, ctl, n, row_cell);
}

/* Large tables take long enough to read that the socket dumps of
 * fdscope's own namespace are made meanwhile, in a thread of their own;
 * for small ones, only if some process turns out to hold a socket. */
#define PREFETCH_MIN_FDS 512

/* Resolves every PID of -p once, before anything is read: fdscope itself
 * needs no pin.  Out of descriptors, a process is resolved when read. */
static void pin_pids(struct list_control *ctl)
{
	size_t i;

	ctl->pins = xcalloc(ctl->npids ? ctl->npids : 1, sizeof(*ctl->pins));
	for (i = 0; i < ctl->npids; i++) {
		struct pid_pin *pin = &ctl->pins[i];

		pin->fd = -1;
		if (ctl->pids[i] == getpid())
			continue;
		pin->fd = procfs_open_pid(ctl->proc_root, ctl->pids[i]);
		if (pin->fd < 0 && errno != EMFILE && errno != ENFILE)
			pin->error = errno;
	}
}

static void unpin_pids(struct list_control *ctl)
{
	size_t i;

	for (i = 0; ctl->pins && i < ctl->npids; i++)
		if (ctl->pins[i].fd >= 0)
			close(ctl->pins[i].fd);
	free(ctl->pins);
	ctl->pins = NULL;
}

/* A few processes' TCP and UDP sockets are asked of the kernel by their
 * cgroups (each socket keeps its creator's): on a host of many services
 * the dumps then carry the listed processes' sockets, not the host's.
 * Not with -i, whose ports already narrow them, nor with --all. */
static void narrow_to_cgroups(struct list_control *ctl)
{
	int dirs[INETDIAG_FILTER_MAX_CGROUPS];
	size_t i, n = 0;

	if ((ctl->need & LIST_NEED_SOCKETS) == 0 || ctl->all ||
	    ctl->port_filter.len != 0 ||
	    ctl->npids > INETDIAG_FILTER_MAX_CGROUPS)
		return;
	if (ctl->npids == 0)
		dirs[n++] = -1;
	for (i = 0; i < ctl->npids; i++)
		if (ctl->pins[i].fd >= 0 || ctl->pins[i].error == 0)
			dirs[n++] = ctl->pins[i].fd;
	net_cgroup_narrowing(&ctl->cgroup_filter, ctl->proc_root, dirs, n);
}

/* The filter of the first TCP and UDP dumps. */
static const struct inetdiag_filter *first_filter(const struct list_control *ctl)
{
	return ctl->port_filter.len == 0 && ctl->cgroup_filter.len != 0 ?
		&ctl->cgroup_filter : &ctl->port_filter;
}

static void start_prefetch(struct list_control *ctl)
{
	size_t i, n = 0;

	if ((ctl->need & LIST_NEED_SOCKETS) == 0)
		return;
	/* One large table, not many small ones: a list of small processes
	 * is read too fast to hide a dump of a busy host, which would then
	 * be a cost per listing, whatever it holds. */
	for (i = 0; i < ctl->npids && n < PREFETCH_MIN_FDS; i++)
		if (ctl->pins[i].fd >= 0)
			n = procfs_fd_count_hint(ctl->pins[i].fd);
	if (ctl->all || n >= PREFETCH_MIN_FDS)
		ctl->prefetch = sock_prefetch_start_filtered(ctl->proc_root,
							     ctl->skip_dumps,
							     first_filter(ctl),
							     ctl->port_filter.len == 0);
}

/* A socket NAME the main dumps (TCP, UDP, unix) left without a decoding:
 * then the other families are dumped too. */
static bool undecoded_sockets(const struct list_control *ctl)
{
	size_t pi, i;

	if (!is_selected(ctl, COL_NAME) ||
	    ctl->attach == NULL)
		return false;
	for (pi = 0; pi < ctl->nprocs; pi++) {
		const struct fd_proc *p = &ctl->procs[pi];

		/* By the link's socket:[N]: NAME alone collects no stat. */
		for (i = 0; i < p->n; i++)
			if (net_entry_sock_ino(p, &p->fds[i]) != 0 &&
			    net_attach_sock(ctl->attach, pi, &p->fds[i]) == NULL)
				return true;
	}
	return false;
}

static bool holds_socket(const struct fd_proc *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (net_entry_sock_ino(p, &p->fds[i]) != 0)
			return true;
	return false;
}

static bool sockx_missing(struct list_control *ctl)
{
	size_t pi, i;

	for (pi = 0; pi < ctl->nprocs; pi++) {
		const struct fd_proc *p = &ctl->procs[pi];

		for (i = 0; i < p->n; i++) {
			unsigned long long ino;

			ino = net_entry_sock_ino(p, &p->fds[i]);
			if (ino && sockx_find(&ctl->sockx, ino) == NULL)
				return true;
		}
	}
	return false;
}

/* The socket tables of p's namespace (NULL: fdscope's own), through p
 * pinned again and checked to be the same process (fd_proc_repin). */
static int load_sockx_of(struct list_control *ctl, const struct fd_proc *p)
{
	int pin = p ? fd_proc_repin(ctl->proc_root, p) :
		procfs_open_pid(ctl->proc_root, 0);
	int rc, saved;

	if (pin < 0)
		return -1;
	rc = sockx_load_for(&ctl->sockx, pin);
	saved = errno;
	close(pin);
	errno = saved;
	return rc;
}

/* Each namespace once; one that cannot be entered is said once. */
static void load_sockx(struct list_control *ctl)
{
	size_t pi;
	bool warned = false;

	for (pi = 0; pi < ctl->nprocs; pi++) {
		if (!holds_socket(&ctl->procs[pi]))
			continue;
		if (load_sockx_of(ctl, &ctl->procs[pi]) < 0 &&
		    !warned && errno != ENOENT && errno != ESRCH) {
			warn("process %ld: cannot read the socket tables of its "
			     "network namespace (CAP_SYS_ADMIN lets fdscope enter "
			     "it)", (long)ctl->procs[pi].pid);
			warned = true;
		}
	}
	/* A socket made before its holder moved to another namespace
	 * stays in the one it was made in: fdscope's own is tried for
	 * those (once; never the holder's current one by assumption). */
	if (sockx_missing(ctl))
		load_sockx_of(ctl, NULL);
	ctl->have_sockx = true;
	/* Sorts, so that the rows only read. */
	sockx_find(&ctl->sockx, 0);
}

/* The kernel's protocol name for sockets that no dump decoded (unbound,
 * of a protocol fdscope does not dump), and for all when a table came
 * from /proc/net, where the name guards against forged lines. */
static void fill_protos(struct list_control *ctl, unsigned int need)
{
	/* PROTONAME is the attribute itself, for every socket. */
	bool all = !net_attach_all_netlink(ctl->attach) ||
		is_selected(ctl, COL_PROTONAME);
	size_t pi, i;

	if ((need & FDL_NEED_PROTO) == 0)
		return;
	for (pi = 0; pi < ctl->nprocs; pi++) {
		int pin = -1;

		for (i = 0; i < ctl->procs[pi].n; i++) {
			struct fd_entry *e = &ctl->procs[pi].fds[i];

			if (e->proto[0] != '\0' ||
			    !net_entry_sock_ino(&ctl->procs[pi], e) ||
			    (!all && net_attach_sock(ctl->attach, pi, e) != NULL))
				continue;
			/* Pinned again once per process, when first needed;
			 * a process gone or replaced keeps its names empty. */
			if (pin == -1)
				pin = fd_proc_repin(ctl->proc_root, &ctl->procs[pi]);
			if (pin < 0)
				break;
			fd_entry_read_proto(pin, e);
		}
		if (pin >= 0)
			close(pin);
	}
}

/* One process per namespace keeps its ns/net and net/ open: p drops its
 * pins when one of the first n processes shares its namespace. */
static void drop_shared_netns(const struct list_control *ctl,
			      struct fd_proc *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && p->netns_kept; i++)
		if (ctl->procs[i].netns_ino == p->netns_ino &&
		    (ctl->procs[i].self || ctl->procs[i].netns_kept))
			fd_proc_drop_netns(p);
}

/* Every descriptor by inode, again whenever the selections dropped rows:
 * the index points at rows by position. */
static void index_holders(struct list_control *ctl)
{
	drop_endpoints(ctl);
	holder_index_free(ctl->holders);
	ctl->holders = holder_index_new(ctl->procs, all_tables(ctl));
}

/* What attach_extra derives from the rows, released before it is made
 * again and at the end. */
static void release_extras(struct list_control *ctl)
{
	size_t i;

	drop_endpoints(ctl);
	free(ctl->epmarks);
	ctl->epmarks = NULL;
	ctl->nepmarks = 0;
	free(ctl->names);
	ctl->names = NULL;
	ctl->nnames = 0;
	sockx_table_release(&ctl->sockx);
	memset(&ctl->sockx, 0, sizeof(ctl->sockx));
	ctl->have_sockx = false;
	for (i = 0; ctl->assocs != NULL && i < ctl->nprocs; i++)
		assoc_list_release(&ctl->assocs[i]);
	free(ctl->assocs);
	ctl->assocs = NULL;
	for (i = 0; ctl->mounts != NULL && i < ctl->nprocs; i++)
		mount_tab_release(&ctl->mounts[i]);
	free(ctl->mounts);
	ctl->mounts = NULL;
}

static void release_lock_rows(struct list_control *ctl)
{
	free(ctl->lock_rows);
	free(ctl->lock_first);
	ctl->lock_rows = NULL;
	ctl->lock_first = NULL;
	ctl->nlock_rows = 0;
	lock_tab_release(&ctl->locks);
	memset(&ctl->locks, 0, sizeof(ctl->locks));
	ctl->have_lock_rows = false;
}

/* Between collection and rows: what /proc/PID/fd does not say, found once
 * for every collected table together. */
static void attach_extra(struct list_control *ctl, unsigned int need)
{
	/* Run again after the selections dropped rows or re-read them: what
	 * follows is derived from the rows, so it is made anew. */
	release_extras(ctl);
	if ((need & LIST_NEED_DEVTAB) && !ctl->have_devtab) {
		devtab_load(&ctl->devtab, ctl->proc_root);
		ctl->have_devtab = true;
	}
	if (need & LIST_NEED_EPMARKS)
		collect_epmarks(ctl);
	if (need & LIST_NEED_NAMES)
		resolve_names(ctl);
	/* Once, against the whole tables: after the selections dropped the
	 * descriptor a lock is held through, it is still not a lock row. */
	if ((need & LIST_NEED_LOCKTAB) && !ctl->have_lock_rows) {
		collect_lock_rows(ctl);
		ctl->have_lock_rows = true;
	}
	if (ctl->assoc) {
		size_t pi;

		ctl->assocs = xcalloc(ctl->nprocs + 1, sizeof(*ctl->assocs));
		for (pi = 0; pi < ctl->nprocs; pi++) {
			int pin;

			if (ctl->procs[pi].tid != 0)
				continue;
			pin = fd_proc_repin(ctl->proc_root, &ctl->procs[pi]);
			if (pin < 0) {
				/* One that exited (or whose PID went to another)
				 * since its table was read is gone, as --all says
				 * nothing of those either. */
				if (!(ctl->all && (errno == ENOENT || errno == ESRCH)))
					warn("process %ld: cannot read its cwd, root, exe and "
					     "mappings", (long)ctl->procs[pi].pid);
				continue;
			}
			assoc_collect(&ctl->assocs[pi], pin);
			close(pin);
		}
	}
	if (need & LIST_NEED_MOUNTS) {
		size_t pi;

		/* A process whose mountinfo cannot be read keeps an empty
		 * table: SOURCE falls back to the device number. */
		ctl->mounts = xcalloc(ctl->nprocs + 1, sizeof(*ctl->mounts));
		for (pi = 0; pi < ctl->nprocs; pi++) {
			int pin = fd_proc_repin(ctl->proc_root, &ctl->procs[pi]);

			if (pin >= 0) {
				mount_tab_load(&ctl->mounts[pi], pin);
				close(pin);
			}
		}
	}
	if (need & LIST_NEED_ATTACH) {
		if (ctl->attach == NULL) {
			ctl->attach = net_attach_new(ctl->proc_root, ctl->procs,
						     all_tables(ctl));
			net_attach_skip_dumps(ctl->attach, ctl->skip_dumps);
			net_attach_filter_dumps(ctl->attach, &ctl->port_filter);
			if (ctl->cgroup_filter.len != 0)
				net_attach_narrow_dumps(ctl->attach,
							&ctl->cgroup_filter);
			net_attach_take_prefetch(ctl->attach, ctl->prefetch);
			ctl->prefetch = NULL;
		}
		if (need & LIST_NEED_SOCKETS) {
			net_attach_sockets(ctl->attach);
			fill_protos(ctl, need);
		}
		/* Every table read, the ones read for ENDPOINTS only too. */
		if (need & LIST_NEED_HOLDERS)
			index_holders(ctl);
	}
	if ((need & LIST_NEED_SOCKX) ||
	    (!ctl->names_later && undecoded_sockets(ctl)))
		load_sockx(ctl);
}

/* A cell for -Q and -C, from what collection read. */
int query_get(const void *ctx, int col, char *buf, size_t len,
	      const char **val)
{
	*val = list_cell(ctx, col, buf, len);
	return 0;
}

/* Row r as the selections see it, whatever its kind; type holds TYPE. */
static void row_view(const struct list_row *r, struct query_row *qr,
		     char *type, size_t len)
{
	const struct sock_info *si;

	if (r->e != NULL) {
		query_row_of_fd(qr, r->proc, r->e);
	} else {
		*qr = (struct query_row){ .proc = r->proc, .fd = -1 };
		if (r->assoc != NULL) {
			const struct assoc_entry *a = r->assoc;

			/* A mapping's device and inode are in maps. */
			qr->have_id = a->stat_errno == 0 || a->kind == ASSOC_MEM;
			qr->dev = a->st.st_dev;
			qr->ino = a->st.st_ino;
			qr->path = a->name;
			qr->assoc = a->assoc;
		} else if (r->lock != NULL) {
			qr->have_id = true;
			qr->dev = makedev(r->lock->lock->major, r->lock->lock->minor);
			qr->ino = (ino_t)r->lock->lock->ino;
		}
	}
	qr->type = list_cell(r, COL_TYPE, type, len);
	si = r->e ? row_sock(r) : NULL;
	qr->si = si;
	qr->peer = row_peer(r, si);
	qr->get = query_get;
	qr->get_ctx = r;
}

/* Drops every row the selections do not match: descriptors, --assoc rows
 * and lock rows alike.  Every row is decided before any moves: ENDPOINTS
 * and SOCK.PEER find other rows by position. */
static size_t keep_matching(struct list_control *ctl)
{
	size_t pi, i, n = index_rows(ctl), k, nl = 0;
	bool *keep = xcalloc(n ? n : 1, sizeof(*keep));

	for (i = 0; i < n; i++) {
		struct list_row r;
		struct query_row qr;
		char type[64];

		row_at(ctl, i, &r);
		row_view(&r, &qr, type, sizeof(type));
		keep[i] = query_match(ctl->query, &qr);
	}
	for (pi = 0, k = 0; pi < ctl->nprocs; pi++) {
		struct fd_proc *p = &ctl->procs[pi];
		size_t kept = 0;

		for (i = 0; i < p->n; i++)
			if (keep[k++])
				p->fds[kept++] = p->fds[i];
		p->n = kept;
		if (ctl->assocs != NULL) {
			struct assoc_list *a = &ctl->assocs[pi];

			for (i = 0, kept = 0; i < a->n; i++) {
				if (keep[k++])
					a->v[kept++] = a->v[i];
				else
					free(a->v[i].name);
			}
			a->n = kept;
		}
		for (i = ctl->lock_first[pi]; i < ctl->lock_first[pi + 1]; i++)
			if (keep[k++])
				ctl->lock_rows[nl++] = ctl->lock_rows[i];
	}
	ctl->nlock_rows = nl;
	free(keep);
	return index_rows(ctl);
}

/* True when a kept row is an anonymous inode (or ptmx, tun), whose
 * details fdlist reads with FDL_NEED_ANON. */
static bool kept_anon(const struct list_control *ctl)
{
	size_t pi, i;

	for (pi = 0; pi < ctl->nprocs; pi++)
		for (i = 0; i < ctl->procs[pi].n; i++)
			if (anon_kind_of_link(fd_entry_link(&ctl->procs[pi],
							    &ctl->procs[pi].fds[i])) !=
			    ANON_NONE)
				return true;
	return false;
}

/* Selections are decided on what they need alone (a socket's inode for
 * -i, a stat for PATH); only the rows that match are then read for the
 * columns, and matched again on the complete rows. */
static size_t select_rows(struct list_control *ctl)
{
	unsigned int fdl = ctl->need & ~(unsigned int)LIST_NEED_EXTRA;
	size_t pi, n;

	bool again = (fdl & ~ctl->first_need & ~(unsigned int)FDL_NEED_PROTO) != 0;

	/* The namespace of each process with sockets, pinned as list_one
	 * pins it. */
	if (ctl->need & LIST_NEED_SOCKETS)
		fdl |= FDL_NEED_NETNS;
	/* The sockets of every table, of which -i :PORT keeps a few: the
	 * dumps of the other families (a whole TCP dump among them) are made
	 * for the rows kept, after the match. */
	ctl->names_later = !ctl->cells_decide;
	attach_extra(ctl, ctl->first_need);
	ctl->names_later = false;
	if (keep_matching(ctl) == 0)
		return 0;
	/* list_one pinned the namespaces already. */
	if (again && (fdl & ~ctl->first_need &
		      ~(unsigned int)(FDL_NEED_PROTO | FDL_NEED_NETNS)) ==
	    FDL_NEED_ANON && !kept_anon(ctl))
		again = false;
	if (again) {
		for (pi = 0; pi < ctl->nprocs; pi++) {
			struct fd_proc *old = &ctl->procs[pi], fresh;

			if (proc_rows(ctl, pi) == 0)
				continue;
			if (fd_proc_collect_again(&fresh, ctl->proc_root, old,
						  fdl) < 0)
				memset(&fresh, 0, sizeof(fresh));
			fd_proc_release(old);
			*old = fresh;
			drop_shared_netns(ctl, old, pi);
		}
	}
	attach_extra(ctl, ctl->need);
	n = keep_matching(ctl);
	/* The rows moved: ENDPOINTS names the other listed holders. */
	if (ctl->need & LIST_NEED_HOLDERS)
		index_holders(ctl);
	return n;
}

static void print_pids(struct list_control *ctl)
{
	size_t pi, k;

	index_rows(ctl);
	for (pi = 0; pi < ctl->nprocs; pi++) {
		if (proc_rows(ctl, pi) == 0)
			continue;
		for (k = 0; k < pi; k++)
			if (proc_rows(ctl, k) && ctl->procs[k].pid == ctl->procs[pi].pid)
				break;
		if (k == pi)
			printf("%ld\n", (long)ctl->procs[pi].pid);
	}
}

static void count_rows(struct list_control *ctl, struct summary *s)
{
	size_t pi, i;
	char buf[64];

	index_rows(ctl);
	for (pi = 0; pi < ctl->nprocs; pi++) {
		const struct fd_proc *p = &ctl->procs[pi];
		int pin;

		if (proc_rows(ctl, pi) == 0)
			continue;
		for (i = ctl->row_start[pi]; i < ctl->row_start[pi + 1]; i++) {
			struct list_row r;

			row_at(ctl, i, &r);
			summary_count_row(s, list_cell(&r, COL_TYPE, buf, sizeof(buf)),
					  query_get, &r);
		}
		pin = fd_proc_repin(ctl->proc_root, p);
		summary_add_process(s, pin, p->pid, p->comm);
		if (pin >= 0)
			close(pin);
	}
}

/* Once per listing, off JSON: how many rows are error rows, an example
 * (the first), and what would let fdscope read them. */
static void explain_error_rows(const struct list_control *ctl)
{
	size_t pi, i, n = 0, total = 0;
	bool denied = false;
	char first[64] = "";

	for (pi = 0; pi < ctl->nprocs; pi++) {
		total += ctl->procs[pi].n;
		for (i = 0; i < ctl->procs[pi].n; i++) {
			const struct fd_entry *e = &ctl->procs[pi].fds[i];
			const char *call;
			int err = fd_entry_error(e, &call);

			if (err == 0)
				continue;
			if (n++ == 0)
				error_cell(e, first, sizeof(first));
			if (err == EACCES || err == EPERM)
				denied = true;
		}
	}
	if (n == 0)
		return;
	if (denied)
		warnx("%zu of %zu rows are error rows (TYPE ERROR, SOURCE %s): "
		      "the table may be listed but not what its descriptors "
		      "refer to; run as the process's user in its user "
		      "namespace, or with CAP_SYS_PTRACE, to read them",
		      n, total, first);
	else
		warnx("%zu of %zu rows are error rows (TYPE ERROR, SOURCE %s): "
		      "the kernel refused to read their link or stat; SOURCE "
		      "says which call failed and why", n, total, first);
}

static void release_procs(struct list_control *ctl)
{
	size_t i;

	for (i = 0; i < (ctl->nall > ctl->nprocs ? ctl->nall : ctl->nprocs); i++)
		fd_proc_release(&ctl->procs[i]);
	free(ctl->procs);
	ctl->procs = NULL;
	ctl->nprocs = ctl->nall = ctl->procs_cap = 0;
}

/* Explains a refusal the way the kernel's rules decide it. */
static void warn_collect_error(const char *root, pid_t pid, int e)
{
	char *esc_root = NULL;

	if (pid == 0)
		pid = getpid();
	if (e == EMFILE || e == ENFILE)
		warnx("process %ld: cannot read its descriptors: fdscope has no "
		      "descriptor left to read them with (%s); raise the limit "
		      "with 'ulimit -n' or close some", (long)pid, strerror(e));
	else if ((e == ENOENT || e == ESRCH) && root && procfs_hidepid(root))
		warnx("process %ld: no such process, or one hidden from fdscope: "
		      "'%s' is mounted with hidepid, which shows only the user's "
		      "own processes; run as root, as the process's user, or in "
		      "the group given by the mount's gid= option", (long)pid,
		      esc_root = escape_str(root));
	else if (e == ENOENT || e == ESRCH)
		warnx("process %ld: no such process", (long)pid);
	else if (e == EACCES || e == EPERM)
		warnx("process %ld: permission denied reading its descriptors: "
		      "run as the process's user, or with CAP_SYS_PTRACE "
		      "(and kernel.yama.ptrace_scope allowing it)", (long)pid);
	else
		warnx("process %ld: cannot read its descriptors: %s",
		      (long)pid, strerror(e));
	free(esc_root);
}

/* An empty table is rare enough to deserve a word: say why, when the
 * kernel tells (a zombie has released its table, a kernel thread never
 * had one).  Not an error: that is the process's real state. */
static void explain_empty_table(const struct fd_proc *p)
{
	if (p->task == PROCFS_TASK_KTHREAD)
		fprintf(stderr, "fdscope: process %ld is a kernel thread: it has no "
			"descriptor table\n", (long)p->pid);
	else if (p->task == PROCFS_TASK_ZOMBIE)
		fprintf(stderr, "fdscope: process %ld is a zombie (exited, not yet "
			"reaped by its parent): its descriptors are all closed\n",
			(long)p->pid);
}

/* Adds p at procs[*n] (n: nprocs or nall, the end of the array).
 * Doubling: one more each time copied the array once a process. */
static void append_proc(struct list_control *ctl, size_t *n,
			const struct fd_proc *p)
{
	if (*n == ctl->procs_cap) {
		ctl->procs_cap = ctl->procs_cap ? 2 * ctl->procs_cap : 16;
		ctl->procs = xrealloc(ctl->procs,
				      ctl->procs_cap * sizeof(*ctl->procs));
	}
	ctl->procs[(*n)++] = *p;
}

/* -l: the tables of pid's threads that do not share its own (kcmp),
 * each listed after the process's. */
static void list_threads(struct list_control *ctl, pid_t pid, bool quiet)
{
	pid_t *tids;
	size_t n, i;

	if (threads_with_own_table(ctl->proc_root, pid, &tids, &n) < 0) {
		if (!quiet)
			warn("process %ld: cannot compare its threads' descriptor "
			     "tables (kcmp needs the access ptrace needs)", (long)pid);
		return;
	}
	for (i = 0; i < n; i++) {
		struct fd_proc t;

		if (fd_proc_collect_thread(&t, ctl->proc_root, pid, tids[i],
					   ctl->need & ~(unsigned int)LIST_NEED_EXTRA) < 0)
			continue;	/* exited meanwhile */
		append_proc(ctl, &ctl->nprocs, &t);
	}
	free(tids);
}

/* The thread group of a task ID: /proc/TID exists for every thread
 * (hidden from listings) and its status names the group, read through
 * the pin of -p.  0 when unknown. */
static pid_t tgid_of(const struct pid_pin *pin)
{
	char buf[4096];
	unsigned long long v;

	if (pin->fd < 0 ||
	    procfs_read_at(pin->fd, "status", buf, sizeof(buf)) <= 0 ||
	    status_parse_ull(buf, "Tgid", &v) < 0 || v == 0 || v > INT_MAX)
		return 0;
	return (pid_t)v;
}

/* What collection reads of every listed table. */
static unsigned int table_need(const struct list_control *ctl)
{
	unsigned int need = ctl->selecting ? ctl->first_need : ctl->need;

	need &= ~(unsigned int)LIST_NEED_EXTRA;
	/* With every dump under way already, the protocol names are read
	 * afterwards, for the sockets no dump holds (fill_protos). */
	if (ctl->prefetch)
		need &= ~(unsigned int)FDL_NEED_PROTO;
	if (ctl->need & LIST_NEED_SOCKETS)
		need |= FDL_NEED_NETNS;
	return need;
}

/* Takes pid's table as read (rc and errno e of its collection): appended
 * to the listing, or its failure warned or counted.  Returns as list_one
 * does. */
static int take_table(struct list_control *ctl, pid_t pid, pid_t tgid,
		      int rc, int e, struct fd_proc *p, bool quiet_denied)
{
	if (rc < 0) {
		if (e == ENOMEM) {
			warn_collect_error(ctl->proc_root, pid, e);
			return -2;
		}
		if (quiet_denied && (e == EACCES || e == EPERM)) {
			ctl->denied++;
			return 0;
		}
		/* --all: a process that exited meanwhile is not an error. */
		if (quiet_denied && (e == ENOENT || e == ESRCH))
			return 0;
		warn_collect_error(ctl->proc_root, pid, e);
		return -1;
	}
	if (p->n == 0 && !quiet_denied && !ctl->selecting)
		explain_empty_table(p);
	/* -p TID reads that thread's table (its own after unshare(2) of
	 * CLONE_FILES) and labels it with its process. */
	if (!p->self && tgid && tgid != pid) {
		p->tid = pid;
		p->pid = tgid;
	}
	drop_shared_netns(ctl, p, ctl->nprocs);
	append_proc(ctl, &ctl->nprocs, p);
	if (ctl->threads)
		list_threads(ctl, p->pid, quiet_denied);
	return 0;
}

/* Reads pid's table, through pin when the caller resolved it already;
 * tgid: pid's thread group when pid is another thread's ID, else 0.
 * Returns 0, -1 when the process could not be read (warned), -2 when
 * fdscope ran out of memory (warned): then nothing is printed at all. */
static int list_one(struct list_control *ctl, pid_t pid, pid_t tgid,
		    const struct pid_pin *pin, bool quiet_denied)
{
	unsigned int need = table_need(ctl);
	struct query_proc qp;
	struct fd_proc p;
	int rc, own = -1, saved;

	/* What the query reads of the process is read through the pin that
	 * then serves collection: one process for both. */
	if (ctl->selecting && !(pin && (pin->fd >= 0 || pin->error)))
		own = procfs_open_pid(ctl->proc_root, pid);
	if (ctl->selecting &&
	    !query_want_process(ctl->query, own >= 0 ? own : pin ? pin->fd : -1,
				pid, &qp)) {
		if (own >= 0)
			close(own);
		return 0;
	}
	if (pin && pin->error) {
		errno = pin->error;
		rc = -1;
	} else if (pin && pin->fd >= 0) {
		rc = fd_proc_collect_at_some(&p, pin->fd, pid, need,
					     ctl->selecting ? query_keep_fd : NULL,
					     &qp);
	} else if (own >= 0 && pid != 0 && pid != getpid()) {
		rc = fd_proc_collect_at_some(&p, own, pid, need, query_keep_fd,
					     &qp);
	} else {
		rc = fd_proc_collect_some(&p, ctl->proc_root, pid, need,
					  ctl->selecting ? query_keep_fd : NULL,
					  &qp);
	}
	saved = errno;
	if (own >= 0)
		close(own);
	return take_table(ctl, pid, tgid, rc, saved, &p, quiet_denied);
}

/* Out of memory (-2) stops the walk: nothing is printed then. */
struct list_walk {
	struct list_control *ctl;
	int ret;
};

static bool list_found(void *arg, pid_t pid)
{
	struct list_walk *w = arg;
	int rc = list_one(w->ctl, pid, 0, NULL, true);

	if (rc < 0 && w->ret != -2)
		w->ret = rc;
	return rc != -2;
}

/* list --all reads whole processes on every CPU at once (fd_proc_collect
 * _many), a batch at a time: each table pins its network namespace until
 * take_table finds it shared, so a batch bounds the descriptors held. */
#define ALL_BATCH 64

struct pid_list {
	pid_t *v;
	size_t n, cap;
};

static bool add_pid(void *arg, pid_t pid)
{
	struct pid_list *l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = pid;
	return true;
}

/* Tables a batch may hold at once: each may keep two descriptors (its
 * network namespace) until take_table finds the namespace shared, and
 * each reader opens a few; 0 when the limit leaves too little room. */
static size_t all_batch_size(void)
{
	struct rlimit rl;
	size_t room;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < 128)
		return 0;
	room = rl.rlim_cur == RLIM_INFINITY ? SIZE_MAX :
		(size_t)(rl.rlim_cur - 64) / 4;
	return room < 8 ? 0 : room < ALL_BATCH ? room : ALL_BATCH;
}

/* Plain --all on more than one CPU: a selection reads each process
 * through the query first, and -l each process's threads after it. */
static bool read_all_at_once(const struct list_control *ctl)
{
	return !ctl->selecting && !ctl->threads && parallel_cpus() > 1 &&
		all_batch_size() > 0 && getenv("FDSCOPE_LIST_SERIAL") == NULL;
}

/* One batch read, then taken in its order; fdscope's own table is read
 * here, with no reading thread left to show in it.  Returns as
 * list_one; after -2 the batch's other tables are released. */
static int take_batch(struct list_control *ctl, struct fd_proc_slot *slots,
		      size_t n)
{
	size_t k;
	int ret = 0, rc;

	fd_proc_collect_many(ctl->proc_root, slots, n, table_need(ctl));
	for (k = 0; k < n; k++) {
		struct fd_proc_slot *s = &slots[k];

		if (ret == -2) {
			if (s->read && s->rc == 0)
				fd_proc_release(&s->p);
			continue;
		}
		rc = s->read ? take_table(ctl, s->pid, 0, s->rc, s->error,
					  &s->p, true) :
			list_one(ctl, s->pid, 0, NULL, true);
		if (rc < 0)
			ret = rc;
	}
	return ret;
}

static int list_all_at_once(struct list_control *ctl)
{
	struct pid_list pids = { NULL, 0, 0 };
	struct fd_proc_slot *slots;
	size_t batch = all_batch_size(), b, k, m;
	int ret = 0, rc;

	if (sampling_each_process(ctl->proc_root, add_pid, &pids) < 0)
		return -1;
	slots = xcalloc(batch, sizeof(*slots));
	for (b = 0; b < pids.n && ret != -2; b += m) {
		m = pids.n - b < batch ? pids.n - b : batch;
		for (k = 0; k < m; k++)
			slots[k].pid = pids.v[b + k];
		rc = take_batch(ctl, slots, m);
		if (rc < 0 && ret != -2)
			ret = rc;
	}
	free(slots);
	free(pids.v);
	return ret;
}

static int list_all(struct list_control *ctl)
{
	struct list_walk w = { ctl, 0 };

	if (read_all_at_once(ctl)) {
		w.ret = list_all_at_once(ctl);
	} else if (sampling_each_process(ctl->proc_root, list_found, &w) < 0) {
		return -1;
	}
	if (w.ret == -2)
		return -2;
	if (ctl->denied)
		warnx("%zu process%s not shown: permission denied (run as root "
		      "or with CAP_SYS_PTRACE to see them)", ctl->denied,
		      ctl->denied == 1 ? "" : "es");
	return w.ret;
}

/* ENDPOINTS named in -o: the other ends are looked for among every
 * process fdscope may read, not only the listed ones (as lsof -E).  The
 * default multi-process columns keep it to the listed ones: reading every
 * table of the machine is not what a plain listing should cost. */
static bool endpoints_machine_wide(const struct list_control *ctl)
{
	return !ctl->all && ctl->out.columns != NULL &&
		strcasestr(ctl->out.columns, "endpoints") != NULL;
}

static bool listed(const struct list_control *ctl, pid_t pid)
{
	size_t i;

	for (i = 0; i < ctl->nprocs; i++)
		if (ctl->procs[i].pid == pid)
			return true;
	return false;
}

static bool collect_peer(void *arg, pid_t pid)
{
	struct list_control *ctl = arg;
	unsigned int need = FDL_NEED_LINK | FDL_NEED_STAT | FDL_NEED_COMM |
		FDL_NEED_FDINFO | FDL_NEED_ANON;
	struct fd_proc p;

	if (!listed(ctl, pid) &&
	    fd_proc_collect(&p, ctl->proc_root, pid, need) == 0)
		append_proc(ctl, &ctl->nall, &p);
	return true;
}

/* Every other readable table, read for ENDPOINTS only, after the listed
 * ones in ctl->procs. */
static void collect_peer_tables(struct list_control *ctl)
{
	ctl->nall = ctl->nprocs;
	sampling_each_pid(ctl->proc_root, collect_peer, ctl);
}

#define LIST_OPT_ASSOC 0x1100

static const struct option list_longopts[] = {
	{ "pid", required_argument, NULL, 'p' },
	{ "all", no_argument, NULL, 'a' },
	{ "assoc", no_argument, NULL, LIST_OPT_ASSOC },
	{ "threads", no_argument, NULL, 'l' },
	{ "help", no_argument, NULL, 'h' },
	{ "notruncate", no_argument, NULL, OUT_OPT_NOTRUNCATE },
	OUT_LONG_OPTIONS,
	QUERY_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 },
};
static const char list_shortopts[] = ":p:ahl" OUT_SHORT_OPTIONS
	QUERY_SHORT_OPTIONS;

/* Long options without a letter, apart from the output module's. */

static int parse_args(struct list_control *ctl, int argc, char **argv)
{
	char why[512];
	int c, r;

	while ((c = getopt_long(argc, argv, list_shortopts, list_longopts,
				NULL)) != -1) {
		if (out_opts_take(&ctl->out, c, optarg))
			continue;
		if (c == 'i' && optarg == NULL && optind < argc &&
		    query_inet_operand(argv[optind]))
			optarg = argv[optind++];
		if ((r = query_take(ctl->query, c, optarg, why, sizeof(why))) < 0)
			return cmd_usage_error(&cmd_list, "%s", why);
		if (r > 0)
			continue;
		switch (c) {
		case 'p':
			if (cli_opt_pids(&cmd_list, "--pid", optarg, SIZE_MAX,
					 &ctl->pids, &ctl->npids) < 0)
				return EXIT_USAGE;
			break;
		case 'a':
			ctl->all = 1;
			break;
		case LIST_OPT_ASSOC:
			ctl->assoc = 1;
			break;
		case 'l':
			ctl->threads = 1;
			break;
		case 'h':
			ctl->help = 1;
			return EXIT_OK;
		default:
			return cmd_bad_option(&cmd_list, argv, c);
		}
	}
	if (ctl->all && ctl->npids)
		return cmd_usage_error(&cmd_list, "--all and --pid exclude each other");
	/* PATH operands: a file that is not there is a failure, not a
	 * mistake in the command line. */
	for (; optind < argc; optind++)
		if (query_add_path(ctl->query, argv[optind], why, sizeof(why)) < 0) {
			warnx("%s", why);
			return EXIT_FAIL;
		}
	ctl->selecting = query_selects(ctl->query);
	if (query_names_assoc(ctl->query))
		ctl->assoc = 1;
	if (ctl->selecting && ctl->npids == 0)
		ctl->all = 1;
	return EXIT_OK;
}

static int select_columns(struct list_control *ctl)
{
	int with_assoc[OUT_MAX_COLUMNS];
	const int *defs = defaults_one;
	size_t ndefs = ARRAY_SIZE(defaults_one), i;
	bool thread = false;

	ctl->tgids = xcalloc(ctl->npids ? ctl->npids : 1, sizeof(*ctl->tgids));
	for (i = 0; i < ctl->npids; i++) {
		pid_t tgid = tgid_of(&ctl->pins[i]);

		if (tgid && tgid != ctl->pids[i]) {
			ctl->tgids[i] = tgid;
			thread = true;
		}
	}
	if (thread) {
		defs = defaults_thread;
		ndefs = ARRAY_SIZE(defaults_thread);
	} else if (ctl->all || ctl->npids > 1) {
		defs = defaults_many;
		ndefs = ARRAY_SIZE(defaults_many);
	} else if (ctl->npids == 0) {
		defs = defaults_self;
		ndefs = ARRAY_SIZE(defaults_self);
	}
	/* --assoc rows have no FD: ASSOC says what they are; -l rows say
	 * whose table they are in. */
	if (ctl->assoc || ctl->threads) {
		size_t k, m = 0;

		for (k = 0; k < ndefs && m + 2 < OUT_MAX_COLUMNS; k++) {
			if (defs[k] == COL_FD && ctl->threads)
				with_assoc[m++] = COL_TID;
			if (defs[k] == COL_FD && ctl->assoc)
				with_assoc[m++] = COL_ASSOC;
			with_assoc[m++] = defs[k];
		}
		defs = with_assoc;
		ndefs = m;
	}
	if (out_select(columns, NCOLUMNS, defs, ndefs, ctl->out.columns,
		       ctl->selected, &ctl->nselected) < 0)
		return -1;
	for (i = 0; i < ctl->nselected; i++)
		ctl->need |= column_needs[ctl->selected[i]];
	return 0;
}

/* What the selections, -Q and -C need collected for every descriptor;
 * the columns' needs are then read for the matching ones only. */
static int prepare_query(struct list_control *ctl)
{
	enum summary_mode mode = summary_mode(query_summary(ctl->query));
	bool sockets;
	int col;

	if (query_prepare(ctl->query, columns, NCOLUMNS) < 0)
		return -1;
	ctl->first_need = query_need(ctl->query, &sockets);
	ctl->skip_dumps = query_skip_dumps(ctl->query);
	query_port_filter(ctl->query, &ctl->port_filter);
	if (sockets)
		ctl->first_need |= LIST_NEED_SOCKETS;
	for (col = 0; col < NCOLUMNS; col++)
		if (query_uses_column(ctl->query, col)) {
			ctl->first_need |= column_needs[col];
			ctl->cells_decide = true;
		}
	/* Lock rows are matched as the first pass reads them: whether the
	 * process has a descriptor for the file needs every stat. */
	if (ctl->need & LIST_NEED_LOCKTAB)
		ctl->first_need |= FDL_NEED_STAT | LIST_NEED_LOCKTAB;
	if (query_pids_only(ctl->query))
		ctl->need = 0;
	else if (mode == SUMMARY_ONLY)
		ctl->need = column_needs[COL_TYPE];
	else if (mode != SUMMARY_NEVER)
		ctl->need |= column_needs[COL_TYPE];
	/* The headroom table names each process. */
	if (mode != SUMMARY_NEVER && !query_pids_only(ctl->query))
		ctl->need |= FDL_NEED_COMM;
	/* fdlist reads fdinfo whenever it reads both link and stat; when
	 * that leaves the columns nothing but per-process or self-only
	 * reads, those are made at once and no second pass is needed.  Nor
	 * is one for anonymous inodes' details when no matching row is an
	 * anonymous inode (select_rows): -Q 'TYPE == "REG"' on a table of
	 * regular files then reads it once. */
	if ((ctl->first_need & FDL_NEED_LINK) && (ctl->first_need & FDL_NEED_STAT))
		ctl->first_need |= FDL_NEED_FDINFO;
	if ((ctl->need & ~ctl->first_need & ~(unsigned int)LIST_NEED_EXTRA &
	     ~(unsigned int)(LIST_LATE_NEEDS | FDL_NEED_ANON)) == 0)
		ctl->first_need |= ctl->need & (FDL_NEED_COMM | FDL_NEED_SOCKOPT);
	ctl->need |= ctl->first_need;
	return 0;
}

static int list_run(const struct cli_env *env, int argc, char **argv)
{
	struct list_control ctl = { .proc_root = env->proc_root };
	struct summary *sum;
	int ret, failed = 0;
	size_t i, nrows = 1;

	ctl.query = query_new();
	sum = query_summary(ctl.query);
	ret = parse_args(&ctl, argc, argv);
	if (ret != EXIT_OK || ctl.help) {
		free(ctl.pids);
		query_free(ctl.query);
		return ctl.help ? cmd_help(&cmd_list) : ret;
	}
	if (ctl.out.list_columns) {
		ret = out_list_columns(columns, NCOLUMNS, &ctl.out) < 0 ? EXIT_FAIL : EXIT_OK;
		goto cleanup;
	}
	pin_pids(&ctl);
	if (select_columns(&ctl) < 0 || prepare_query(&ctl) < 0) {
		ret = EXIT_USAGE;
		goto cleanup;
	}
	narrow_to_cgroups(&ctl);
	start_prefetch(&ctl);
	if (ctl.all)
		failed = list_all(&ctl);
	else if (ctl.npids == 0)
		failed = list_one(&ctl, 0, 0, NULL, false);
	for (i = 0; i < ctl.npids && failed != -2; i++) {
		int rc = list_one(&ctl, ctl.pids[i], ctl.tgids[i], &ctl.pins[i],
				  false);

		if (rc < 0)
			failed = rc;
	}
	unpin_pids(&ctl);
	/* Out of memory in a collecting thread: reported, nothing printed. */
	if (failed == -2) {
		ret = EXIT_FAIL;
		goto cleanup;
	}
	/* Read for ENDPOINTS only: never selected, never printed. */
	if (endpoints_machine_wide(&ctl)) {
		collect_peer_tables(&ctl);
		ctl.need |= LIST_NEED_SOCKX;
	}
	if (ctl.selecting)
		nrows = select_rows(&ctl);
	else
		attach_extra(&ctl, ctl.need);
	/* No match: nothing on stdout, and status 1, as lsof. */
	if (nrows == 0) {
		ret = EXIT_FAIL;
		goto cleanup;
	}
	if (query_pids_only(ctl.query)) {
		print_pids(&ctl);
		ret = failed ? EXIT_FAIL : EXIT_OK;
		goto cleanup;
	}
	/* One long path or a rare wide FLAGS must not pad 95,000 rows. */
	ctl.out.fit_most = true;
	ctl.table = out_table_new("descriptors", columns, ctl.selected,
				  ctl.nselected, &ctl.out);
	/* Whatever could be read is still printed.  A failed write is the
	 * dispatcher's to report (it checks stdout); anything else here.
	 * A reader that left wants no explanation of error rows either. */
	if (summary_mode(sum) != SUMMARY_ONLY) {
		if (print_rows(&ctl) < 0) {
			if (errno != EPIPE) {
				if (!ferror(stdout))
					warn("cannot print the descriptor table");
				failed = 1;
			}
		} else if (!ctl.out.json) {
			explain_error_rows(&ctl);
		}
	}
	if (summary_mode(sum) != SUMMARY_NEVER) {
		count_rows(&ctl, sum);
		if (summary_mode(sum) == SUMMARY_APPEND && !ctl.out.json)
			putchar('\n');
		if (summary_print(sum, &ctl.out) < 0 && errno != EPIPE)
			failed = 1;
	}
	ret = failed ? EXIT_FAIL : EXIT_OK;
cleanup:
	out_table_free(ctl.table);
	net_attach_free(ctl.attach);
	holder_index_free(ctl.holders);
	sock_prefetch_free(ctl.prefetch);
	free(ctl.row_start);
	release_extras(&ctl);
	release_lock_rows(&ctl);
	devtab_release(&ctl.devtab);
	release_procs(&ctl);
	unpin_pids(&ctl);
	free(ctl.pids);
	free(ctl.tgids);
	query_free(ctl.query);
	return ret;
}

const struct command cmd_list = {
	.name = "list",
	.run = list_run,
	.summary = "list open descriptors of fdscope or of other processes",
	.longopts = list_longopts,
	.shortopts = list_shortopts,
	.columns = columns,
	.ncolumns = NCOLUMNS,
	.usage =
	"fdscope list [-p PID[,PID...] | --all] [-l] [--assoc] [SELECTIONS]\n"
	"       [OUTPUT OPTIONS] [PATH...]\n"
	"\n"
	"List open file descriptors with their type, access mode, status flags,\n"
	"offset, inode and name, as the kernel reports them in /proc/PID/fd and\n"
	"/proc/PID/fdinfo.  Without -p, fdscope lists its own descriptors,\n"
	"including the one it holds open on /proc/self/fd to read them.\n"
	"\n"
	"Options:\n"
	"  -p, --pid LIST         list these processes (PIDs separated by commas\n"
	"                         or blanks; a PID given twice is listed once)\n"
	"  -a, --all              list every process fdscope may read\n"
	"      --assoc            add rows for cwd, rtd, exe, memory mappings\n"
	"                         and namespaces (ASSOC says which)\n"
	"  -l, --threads          also list threads with a descriptor table of\n"
	"                         their own (TID says whose table a row is in)\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n"
	QUERY_OPTIONS_HELP
	"Output options:\n"
	OUT_OPTIONS_HELP
	OUT_NOTRUNCATE_HELP
	"\n"
	"Default columns: FD TYPE MODE FLAGS POS INODE NAME (NOTE before NAME\n"
	"for fdscope itself; PID and COMMAND first and ENDPOINTS before NAME\n"
	"when several processes are listed; TID after PID when -p names a\n"
	"thread).  NAME is always last; on a terminal long cells are cut to\n"
	"its width.  Sockets are named by the kernel (TCP, UDP, UNIX, NETLINK,\n"
	"...) and decoded from NETLINK_SOCK_DIAG, or from /proc/net when\n"
	"netlink is refused or FDSCOPE_NO_NETLINK=1 is set.\n"
	"A selection or -Q searches every process unless -p narrows it.\n"
	"Exit status: 0 rows printed; 1 nothing matched (nothing is printed),\n"
	"a PATH that does not exist, a process that cannot be read; 2 a bad\n"
	"option value (-i, -u, -d, -c, --inode, --under, --summary, -C) or a -Q\n"
	"syntax error, shown with a caret under its column.\n"
	"--list-columns shows what more can be decoded, each read only when\n"
	"selected: anonymous inodes, devices, locks (LOCKS, XMODE), owners,\n"
	"mount sources, sockets of every family (SOCK.*, NETLINK.*, ...).\n"
	"Examples:\n"
	"  fdscope list\n"
	"  fdscope list -p $$ -o +DEV,SIZE\n"
	"  fdscope list -p 1234 -J\n"
	"  fdscope list -p 1234 -o FD,NAME,LADDR,RADDR,STATE,SOCK.PEER\n"
	"  fdscope list -t -i :8080\n"
	"  fdscope list -i tcp --listening -u ^root\n"
	"  fdscope list --under /var/log -Q 'SIZE > 1000000'\n"
	"  fdscope list -p 1234 --summary=only\n",
};
