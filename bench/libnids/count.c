/*
 * libnids reference reassembler for the streamsift benchmarks.
 *
 *   count [-c] [-s N] FILE.pcap
 *
 * Reassembles every TCP connection of FILE with libnids and prints one line:
 *
 *   libnids: conns=N c2s=X s2c=Y elapsed=S closed=N reset=N timedout=N open=N warnings=N
 *
 * conns = connections that completed the handshake (NIDS_JUST_EST), c2s/s2c =
 * in-order bytes libnids delivered to the server / to the client (sum of
 * count_new over NIDS_DATA callbacks), elapsed = wall seconds spent in
 * nids_run(). closed/reset/timedout/open = how the connections ended (open =
 * still tracked at end of file; timedout also counts evictions when the stream
 * table is full). warnings = libnids warnings (e.g. "too many tcp streams").
 *
 * Checksum verification is off (as in a throughput setup); -c turns it back on,
 * then packets with a bad TCP checksum are dropped and counted as warnings.
 * -s N sets nids_params.n_tcp_streams (default 1<<20): libnids keeps at most
 * 3/4 of it open at once and evicts the oldest connection beyond that.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <nids.h>

static unsigned long long c2s, s2c;
static unsigned long conns, closed, resets, timedout, exiting, warnings;
static unsigned long warn_by_type[16];

static void on_tcp(struct tcp_stream *s, void **unused)
{
	(void)unused;
	switch (s->nids_state) {
	case NIDS_JUST_EST:
		s->client.collect++;
		s->server.collect++;
		conns++;
		break;
	case NIDS_DATA:
		if (s->server.count_new)
			c2s += (unsigned)s->server.count_new;
		if (s->client.count_new)
			s2c += (unsigned)s->client.count_new;
		break; /* data not kept: libnids discards it after the callback */
	case NIDS_CLOSE:
		closed++;
		break;
	case NIDS_RESET:
		resets++;
		break;
	case NIDS_TIMED_OUT:
		timedout++;
		break;
	case NIDS_EXITING:
		exiting++;
		break;
	}
}

static void on_warning(int type, int err, void *iph, void *data)
{
	(void)type; (void)iph; (void)data;
	warnings++;
	if (err >= 0 && err < 16)
		warn_by_type[err]++;
}

int main(int argc, char **argv)
{
	int verify = 0;
	long streams = 1 << 20;
	const char *file = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-c"))
			verify = 1;
		else if (!strcmp(argv[i], "-s") && i + 1 < argc)
			streams = strtol(argv[++i], NULL, 0);
		else
			file = argv[i];
	}
	if (!file || streams < 4 || streams > (1L << 28)) {
		fprintf(stderr, "usage: %s [-c] [-s N] FILE.pcap\n", argv[0]);
		return 2;
	}

	nids_params.filename = (char *)file;
	nids_params.device = NULL;
	nids_params.pcap_filter = NULL;
	/* hash table size; libnids tracks at most 3/4 of it at once, evicting the
	   oldest connection (NIDS_TIMED_OUT) beyond that */
	nids_params.n_tcp_streams = (int)streams;
	nids_params.n_hosts = 1024;
	nids_params.scan_num_hosts = 0; /* no port-scan detection */
	nids_params.syslog = on_warning;
	nids_params.tcp_workarounds = 0;
	nids_params.one_loop_less = 0;

	if (!nids_init()) {
		fprintf(stderr, "nids_init: %s\n", nids_errbuf);
		return 1;
	}
	if (!verify) {
		static struct nids_chksum_ctl all = { 0, 0, NIDS_DONT_CHKSUM, 0 };
		nids_register_chksum_ctl(&all, 1);
	}
	nids_register_tcp(on_tcp);

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	nids_run();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;

	/* nids_run() ends with nids_exit(), which reports the connections still
	   open with NIDS_EXITING (that teardown is inside the timed region) */
	printf("libnids: conns=%lu c2s=%llu s2c=%llu elapsed=%.3f closed=%lu reset=%lu timedout=%lu open=%lu warnings=%lu\n",
	       conns, c2s, s2c, secs, closed, resets, timedout, exiting, warnings);
	if (warnings) {
		fprintf(stderr, "libnids warnings by type:");
		for (int i = 0; i < 16; i++)
			if (warn_by_type[i])
				fprintf(stderr, " %s=%lu", i < 10 && nids_warnings[i] ? nids_warnings[i] : "?", warn_by_type[i]);
		fprintf(stderr, "\n");
	}
	return 0;
}
