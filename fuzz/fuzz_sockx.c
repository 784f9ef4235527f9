/* net/sockx's reply decoders and /proc/net/raw parser on any bytes: the
 * first byte picks the decoder, the rest is one message, no terminator. */
#include "fuzz.h"
#include "net/sockx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockx_table t;
	char *msg, buf[1024];
	size_t i;

	if (size == 0)
		return 0;
	msg = fuzz_exact(data + 1, size - 1);
	sockx_table_init(&t);
	switch (data[0] % 6) {
	case 0:
		sockx_decode_inet(&t, data[0] & 0x80 ? 6 : 255, msg, size - 1);
		break;
	case 1:
		sockx_decode_unix(&t, msg, size - 1);
		break;
	case 2:
		sockx_decode_netlink(&t, msg, size - 1);
		break;
	case 3:
		sockx_decode_packet(&t, msg, size - 1);
		break;
	case 4:
		sockx_decode_vsock(&t, msg, size - 1);
		break;
	default:
		sockx_parse_procnet_raw(&t, data[0] & 0x80 ? AF_INET6 : AF_INET,
					msg, size - 1);
		break;
	}
	FUZZ_ASSERT(t.n <= 64);
	for (i = 0; i < t.n; i++) {
		const char *s = sockx_name(&t.v[i], buf, sizeof(buf));

		FUZZ_ASSERT(s == NULL || strlen(s) < sizeof(buf));
		FUZZ_ASSERT(sockx_find(&t, t.v[i].ino) != NULL);
	}
	sockx_table_release(&t);
	free(msg);
	return 0;
}
