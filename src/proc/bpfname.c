/* bpf object names through the bpf syscall: the one place fdscope calls
 * it.  Nothing in the process holding the object changes: fdscope takes
 * a reference of its own and drops it. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "proc/bpfname.h"

static int bpf_call(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

int bpfname_of(bool prog, unsigned int id, char *buf, size_t len)
{
	union bpf_attr attr;
	struct bpf_map_info map;
	struct bpf_prog_info pinfo;
	const char *name;
	size_t n;
	int fd, rc, e;

	if (len == 0 || id == 0) {
		errno = EINVAL;
		return -1;
	}
	memset(&attr, 0, sizeof(attr));
	if (prog)
		attr.prog_id = id;
	else
		attr.map_id = id;
	fd = bpf_call(prog ? BPF_PROG_GET_FD_BY_ID : BPF_MAP_GET_FD_BY_ID, &attr);
	if (fd < 0)
		return -1;
	memset(&attr, 0, sizeof(attr));
	memset(&map, 0, sizeof(map));
	memset(&pinfo, 0, sizeof(pinfo));
	attr.info.bpf_fd = (uint32_t)fd;
	attr.info.info_len = prog ? sizeof(pinfo) : sizeof(map);
	attr.info.info = prog ? (uintptr_t)&pinfo : (uintptr_t)&map;
	rc = bpf_call(BPF_OBJ_GET_INFO_BY_FD, &attr);
	e = errno;
	close(fd);
	if (rc < 0) {
		errno = e;
		return -1;
	}
	name = prog ? pinfo.name : map.name;
	n = strnlen(name, BPF_OBJ_NAME_LEN);
	if (n >= len)
		n = len - 1;
	memcpy(buf, name, n);
	buf[n] = '\0';
	return 0;
}
