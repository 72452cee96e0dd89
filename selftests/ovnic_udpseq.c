// SPDX-License-Identifier: GPL-2.0
/*
 * ovnic_udpseq - a paced UDP sequence stream and its receiver, to measure
 * the outage (largest gap between arrivals) and the losses of a path while
 * something happens to it (a PNIC's carrier is cut, a lower goes away...).
 *
 *   ovnic_udpseq send --dst IP --port P --pps N --duration S
 *                     [--bind-dev DEV] [--payload B] [--rt] [--json]
 *   ovnic_udpseq recv --port P --duration S [--idle S] [--gaps N]
 *                     [--bind-dev DEV] [--rt] [--json]
 *
 * The sender sends N datagrams a second for S seconds (S = 0: until
 * SIGINT/SIGTERM), each carrying a magic, a run id, the sequence number
 * (0, 1, 2, ...) and the send time. Pacing uses absolute deadlines
 * (clock_nanosleep TIMER_ABSTIME on CLOCK_MONOTONIC): a wake-up a little
 * late is caught up at once; one more than 100 ms late restarts the
 * schedule from now (counted in "stalls", no burst of the backlog). Sends
 * never block: a datagram the socket cannot take at once (path stuck,
 * buffer full) or that fails is counted in send_errors. The sequence stays
 * dense either way, so every missing number at the receiver is a lost
 * datagram. IPv4 and IPv6 (--dst is numeric, an IPv6 link-local address
 * may carry %scope). The sender prints sent, send_errors, last_error,
 * late_max_ms (latest wake-up) and late_max_seq (its datagram), stalls,
 * stalled_ms and elapsed_ms.
 *
 * The receiver listens on the port (IPv6 socket accepting IPv4 too, or
 * IPv4 only when IPv6 is off), locks onto the run id of the first valid
 * datagram (others are counted as "foreign"), takes the kernel's receive
 * timestamp of each datagram (SO_TIMESTAMPNS), and stops after --duration
 * seconds, after --idle seconds without a datagram once it got one, or on
 * SIGINT/SIGTERM. It prints one "key value" per line (one JSON object with
 * --json):
 *
 *   received       distinct sequence numbers received
 *   lost           sequence numbers below the highest received that never
 *                  arrived (received + lost = last_seq + 1)
 *   duplicates     datagrams whose sequence number was already received
 *   reordered      datagrams older than the highest one received before
 *   max_gap_ms     largest interval between two consecutive arrivals
 *                  (from the first arrival on)
 *   gap_start_seq  sequence number of the datagram received just before
 *                  that largest gap (-1 if fewer than 2 datagrams)
 *   gap_end_seq    sequence number of the datagram that ended the gap
 *   gap_lost       sequence numbers between gap_start_seq and gap_end_seq
 *                  that never arrived
 *   gap_start_time arrival time of gap_start_seq (seconds since the epoch,
 *                  CLOCK_REALTIME: compare with the time of an event)
 *   first_seq, last_seq, elapsed_ms (first to last arrival), foreign,
 *   latency_avg_ms, latency_max_ms (arrival minus send time; meaningful
 *   when both ends share a clock, e.g. two netns of one machine)
 *
 * Exit status: 0, or 1 when the receiver got nothing; 2 on usage errors.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define UDPSEQ_MAGIC		0x4f565351u	/* "OVSQ" */
#define UDPSEQ_MIN_PAYLOAD	32
#define UDPSEQ_MAX_PAYLOAD	65000
#define UDPSEQ_DEF_PAYLOAD	64
/* Highest sequence number the receiver tracks (bitmap of 32 MiB). */
#define UDPSEQ_MAX_SEQ		268435456ULL	/* 2^28 */
#define NSEC_PER_SEC		1000000000ULL
/* Most gaps --gaps reports. */
#define UDPSEQ_MAX_GAPS		16
/* A sender this late restarts its schedule (no catch-up burst). */
#define UDPSEQ_STALL_NS		(100 * 1000000ULL)

/* On the wire, all fields big endian, padded up to the payload size. */
struct udpseq_hdr {
	__u32 magic;
	__u32 run_id;
	__u64 seq;
	__u64 send_ns;	/* CLOCK_REALTIME */
	__u32 pps;
	__u32 reserved;
};

struct udpseq_opts {
	const char *dst;
	const char *bind_dev;
	unsigned int port;
	unsigned int pps;
	unsigned int payload;
	double duration;
	double idle;
	unsigned int gaps;
	bool json;
	bool rt;
};

static volatile sig_atomic_t udpseq_stop;

static void udpseq_on_signal(int sig)
{
	(void)sig;
	udpseq_stop = 1;
}

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: ovnic_udpseq send --dst IP --port P --pps N --duration S\n"
		"                         [--bind-dev DEV] [--payload B] [--rt] [--json]\n"
		"       ovnic_udpseq recv --port P --duration S [--idle S] [--gaps N]\n"
		"                         [--bind-dev DEV] [--rt] [--json]\n"
		"\n"
		"send: N datagrams a second for S seconds (0: until a signal), each\n"
		"      with a sequence number and its send time; B bytes of UDP payload\n"
		"      (%d..%d, default %d).\n"
		"recv: counts received, lost, duplicates, reordered datagrams and the\n"
		"      largest interval between arrivals (max_gap_ms, gap_start_seq);\n"
		"      stops after S seconds (0: no limit), after --idle S seconds\n"
		"      without a datagram once one arrived, or on a signal; --gaps N\n"
		"      also lists the N largest gaps (gapK_ms, gapK_start_time...).\n"
		"--rt: run with SCHED_FIFO priority 10 (steadier under emulation).\n"
		"Output: one \"key value\" per line, or one JSON object (--json).\n",
		UDPSEQ_MIN_PAYLOAD, UDPSEQ_MAX_PAYLOAD, UDPSEQ_DEF_PAYLOAD);
}

static __u64 now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (__u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static int parse_uint(const char *s, unsigned int min, unsigned int max,
		      unsigned int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_secs(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < 0 || v > 1e6)
		return -1;
	*out = v;
	return 0;
}

static void set_rt(void)
{
	struct sched_param sp = { .sched_priority = 10 };

	if (sched_setscheduler(0, SCHED_FIFO, &sp))
		fprintf(stderr, "ovnic_udpseq: SCHED_FIFO: %s (continuing)\n",
			strerror(errno));
}

static int bind_dev(int fd, const char *dev)
{
	if (!dev)
		return 0;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, strlen(dev) + 1)) {
		fprintf(stderr, "ovnic_udpseq: SO_BINDTODEVICE %s: %s\n", dev,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* --- output */

/* One output field; integers are exact in a double up to 2^53. */
struct udpseq_kv {
	const char *key;
	double val;
	int decimals;
	const char *str;	/* a string value instead of val */
};

static void kv_add(struct udpseq_kv *kv, int *n, const char *key, double val,
		   int decimals)
{
	kv[*n].key = key;
	kv[*n].val = val;
	kv[*n].decimals = decimals;
	kv[*n].str = NULL;
	(*n)++;
}

/* One JSON object or one "key value" per line. */
static void kv_print(const struct udpseq_kv *kv, int n, bool json)
{
	int i;

	for (i = 0; i < n; i++) {
		if (json)
			printf("%s\"%s\": ", i ? ", " : "{", kv[i].key);
		else
			printf("%s ", kv[i].key);
		if (kv[i].str)
			printf(json ? "\"%s\"" : "%s", kv[i].str);
		else
			printf("%.*f", kv[i].decimals, kv[i].val);
		if (!json)
			printf("\n");
	}
	if (json)
		printf("}\n");
	fflush(stdout);
}

/* --- sender */

struct udpseq_send_stats {
	__u64 sent;
	__u64 errors;
	__u64 late_max_ns;
	__u64 late_max_seq;
	__u64 stalls;
	__u64 stalled_ns;
	int last_errno;
};

static void send_report(const struct udpseq_opts *o,
			const struct udpseq_send_stats *st, __u64 elapsed_ns)
{
	struct udpseq_kv kv[10];
	int n = 0;

	kv_add(kv, &n, "sent", st->sent, 0);
	kv_add(kv, &n, "send_errors", st->errors, 0);
	kv_add(kv, &n, "last_error", 0, 0);
	kv[n - 1].str = st->last_errno ? strerrorname_np(st->last_errno) :
					 "none";
	kv_add(kv, &n, "late_max_ms", st->late_max_ns / 1e6, 3);
	kv_add(kv, &n, "late_max_seq", st->late_max_seq, 0);
	kv_add(kv, &n, "stalls", st->stalls, 0);
	kv_add(kv, &n, "stalled_ms", st->stalled_ns / 1e6, 3);
	kv_add(kv, &n, "elapsed_ms", elapsed_ns / 1e6, 3);
	kv_print(kv, n, o->json);
}

static int do_send(const struct udpseq_opts *o)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_DGRAM,
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
	};
	struct udpseq_send_stats st = { 0 };
	__u64 start, total, seq, deadline, base, base_seq;
	struct udpseq_hdr *h;
	struct addrinfo *ai;
	struct timespec ts;
	char port[16];
	__u32 run_id;
	char *buf;
	int fd, rc;

	snprintf(port, sizeof(port), "%u", o->port);
	rc = getaddrinfo(o->dst, port, &hints, &ai);
	if (rc) {
		fprintf(stderr, "ovnic_udpseq: --dst %s: %s\n", o->dst,
			gai_strerror(rc));
		return 2;
	}
	fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("ovnic_udpseq: socket");
		freeaddrinfo(ai);
		return 2;
	}
	rc = bind_dev(fd, o->bind_dev);
	if (!rc) {
		rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
		if (rc)
			perror("ovnic_udpseq: connect");
	}
	freeaddrinfo(ai);
	if (rc) {
		close(fd);
		return 2;
	}

	buf = calloc(1, o->payload);
	if (!buf) {
		close(fd);
		return 2;
	}
	h = (struct udpseq_hdr *)buf;
	run_id = (__u32)(now_ns(CLOCK_REALTIME) ^ ((__u64)getpid() << 16));
	h->magic = htobe32(UDPSEQ_MAGIC);
	h->run_id = htobe32(run_id);
	h->pps = htobe32(o->pps);

	if (o->rt)
		set_rt();
	/* 0 = until a signal */
	total = o->duration > 0 ? (__u64)(o->duration * o->pps + 0.5) :
		ULLONG_MAX;
	start = now_ns(CLOCK_MONOTONIC);
	base = start;
	base_seq = 0;
	for (seq = 0; seq < total && !udpseq_stop; seq++) {
		__u64 now;

		deadline = base + (seq - base_seq) * NSEC_PER_SEC / o->pps;
		ts.tv_sec = deadline / NSEC_PER_SEC;
		ts.tv_nsec = deadline % NSEC_PER_SEC;
		while ((rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
					     &ts, NULL)) == EINTR &&
		       !udpseq_stop)
			;
		if (udpseq_stop)
			break;
		now = now_ns(CLOCK_MONOTONIC);
		if (now > deadline) {
			if (now - deadline > st.late_max_ns) {
				st.late_max_ns = now - deadline;
				st.late_max_seq = seq;
			}
			/*
			 * Far behind (not scheduled for a long time): restart
			 * the schedule from now rather than sending the whole
			 * backlog in one burst.
			 */
			if (now - deadline > UDPSEQ_STALL_NS) {
				st.stalls++;
				st.stalled_ns += now - deadline;
				base = now;
				base_seq = seq;
			}
		}

		h->seq = htobe64(seq);
		h->send_ns = htobe64(now_ns(CLOCK_REALTIME));
		/*
		 * A datagram that cannot be sent at once (error, or no room
		 * left in the socket's buffer because the path is stuck) is
		 * lost: count it, go on, never block (the path may come
		 * back). A connected UDP socket also reports ICMP errors of
		 * earlier datagrams here.
		 */
		if (send(fd, buf, o->payload, MSG_DONTWAIT) < 0) {
			st.errors++;
			st.last_errno = errno;
		} else {
			st.sent++;
		}
	}
	send_report(o, &st, now_ns(CLOCK_MONOTONIC) - start);
	free(buf);
	close(fd);
	return 0;
}

/* --- receiver */

/* An interval between two consecutive arrivals. */
struct udpseq_gap {
	__u64 ns;
	__u64 start_seq;	/* received just before the gap */
	__u64 end_seq;		/* received just after */
	__u64 start_time_ns;	/* arrival of start_seq, CLOCK_REALTIME */
};

struct udpseq_recv_stats {
	__u64 *seen;		/* bitmap of received sequence numbers */
	__u64 seen_words;
	__u64 received;
	__u64 duplicates;
	__u64 reordered;
	__u64 foreign;
	__u64 first_seq;
	__u64 last_seq;	/* highest received */
	__u64 prev_seq;	/* of the previous arrival */
	__u64 first_ns;	/* arrival times, CLOCK_REALTIME */
	__u64 prev_ns;
	struct udpseq_gap top[UDPSEQ_MAX_GAPS];	/* largest first */
	int ntop;		/* entries in top[] */
	int keep;		/* how many to keep (--gaps, at least 1) */
	__u64 lat_sum_ns;
	__u64 lat_max_ns;
	__u64 lat_count;
	__u32 run_id;
};

static bool seen_test_and_set(struct udpseq_recv_stats *st, __u64 seq)
{
	__u64 word = seq / 64, bit = 1ULL << (seq % 64);
	bool was;

	if (word >= st->seen_words) {
		__u64 n = st->seen_words ? st->seen_words : 1024;
		__u64 *p;

		while (n <= word)
			n *= 2;
		p = realloc(st->seen, n * sizeof(*p));
		if (!p) {
			fprintf(stderr, "ovnic_udpseq: out of memory\n");
			exit(2);
		}
		memset(p + st->seen_words, 0,
		       (n - st->seen_words) * sizeof(*p));
		st->seen = p;
		st->seen_words = n;
	}
	was = st->seen[word] & bit;
	st->seen[word] |= bit;
	return was;
}

static bool seen_test(const struct udpseq_recv_stats *st, __u64 seq)
{
	__u64 word = seq / 64;

	return word < st->seen_words &&
	       (st->seen[word] & (1ULL << (seq % 64)));
}

/* Sequence numbers in [from, to) never received. */
static __u64 count_missing(const struct udpseq_recv_stats *st, __u64 from,
			   __u64 to)
{
	__u64 n = 0, s;

	for (s = from; s < to; s++)
		n += !seen_test(st, s);
	return n;
}

/* Arrival of @seq at @arr_ns after an earlier one: one of the largest gaps? */
static void note_gap(struct udpseq_recv_stats *st, __u64 seq, __u64 arr_ns)
{
	__u64 gap = arr_ns > st->prev_ns ? arr_ns - st->prev_ns : 0;
	int i;

	if (st->ntop == st->keep && gap <= st->top[st->ntop - 1].ns)
		return;
	if (st->ntop < st->keep)
		st->ntop++;
	/* Insert sorted, an equal older gap stays first. */
	for (i = st->ntop - 1; i > 0 && st->top[i - 1].ns < gap; i--)
		st->top[i] = st->top[i - 1];
	st->top[i].ns = gap;
	st->top[i].start_seq = st->prev_seq;
	st->top[i].end_seq = seq;
	st->top[i].start_time_ns = st->prev_ns;
}

static void recv_one(struct udpseq_recv_stats *st, const char *buf,
		     ssize_t len, __u64 arr_ns)
{
	struct udpseq_hdr h;
	__u64 seq, send_ns;

	if (len < (ssize_t)sizeof(h)) {
		st->foreign++;
		return;
	}
	memcpy(&h, buf, sizeof(h));
	if (be32toh(h.magic) != UDPSEQ_MAGIC) {
		st->foreign++;
		return;
	}
	seq = be64toh(h.seq);
	if (seq >= UDPSEQ_MAX_SEQ) {
		st->foreign++;
		return;
	}
	if (!st->received && !st->duplicates) {
		st->run_id = be32toh(h.run_id);
		st->first_seq = seq;
		st->last_seq = seq;
		st->first_ns = arr_ns;
	} else {
		if (be32toh(h.run_id) != st->run_id) {
			st->foreign++;
			return;
		}
		note_gap(st, seq, arr_ns);
	}
	st->prev_ns = arr_ns;
	st->prev_seq = seq;

	if (seen_test_and_set(st, seq)) {
		st->duplicates++;
		return;
	}
	st->received++;
	if (seq < st->last_seq)
		st->reordered++;
	else
		st->last_seq = seq;

	send_ns = be64toh(h.send_ns);
	if (arr_ns >= send_ns) {
		__u64 lat = arr_ns - send_ns;

		st->lat_sum_ns += lat;
		st->lat_count++;
		if (lat > st->lat_max_ns)
			st->lat_max_ns = lat;
	}
}

/* Sequence numbers missing inside @g. */
static __u64 gap_lost(const struct udpseq_recv_stats *st,
		      const struct udpseq_gap *g)
{
	if (g->end_seq <= g->start_seq + 1)
		return 0;
	return count_missing(st, g->start_seq + 1, g->end_seq);
}

static void recv_report(const struct udpseq_opts *o,
			const struct udpseq_recv_stats *st)
{
	static const char * const gkeys[] = {
		"ms", "start_seq", "end_seq", "lost", "start_time",
	};
	static char names[UDPSEQ_MAX_GAPS][5][24];
	struct udpseq_kv kv[16 + 5 * UDPSEQ_MAX_GAPS];
	const struct udpseq_gap *g = &st->top[0];
	__u64 lost = 0;
	double lat_avg = 0;
	int i, j, n = 0;

	if (st->received) {
		/* The sender starts at 0: missing early ones are lost too. */
		lost = st->last_seq + 1 - st->received;
	}
	if (st->lat_count)
		lat_avg = (double)st->lat_sum_ns / st->lat_count / 1e6;

	kv_add(kv, &n, "received", st->received, 0);
	kv_add(kv, &n, "lost", lost, 0);
	kv_add(kv, &n, "duplicates", st->duplicates, 0);
	kv_add(kv, &n, "reordered", st->reordered, 0);
	kv_add(kv, &n, "max_gap_ms", st->ntop ? g->ns / 1e6 : 0, 3);
	kv_add(kv, &n, "gap_start_seq", st->ntop ? (double)g->start_seq : -1, 0);
	kv_add(kv, &n, "gap_end_seq", st->ntop ? (double)g->end_seq : -1, 0);
	kv_add(kv, &n, "gap_lost", st->ntop ? gap_lost(st, g) : 0, 0);
	kv_add(kv, &n, "gap_start_time", st->ntop ? g->start_time_ns / 1e9 : 0,
	       6);
	kv_add(kv, &n, "first_seq", st->received ? st->first_seq : 0, 0);
	kv_add(kv, &n, "last_seq", st->received ? st->last_seq : 0, 0);
	kv_add(kv, &n, "elapsed_ms", (st->prev_ns - st->first_ns) / 1e6, 3);
	kv_add(kv, &n, "foreign", st->foreign, 0);
	kv_add(kv, &n, "latency_avg_ms", lat_avg, 3);
	kv_add(kv, &n, "latency_max_ms", st->lat_max_ns / 1e6, 3);

	/* --gaps N: the N largest gaps, gap1_* (= the largest) to gapN_*. */
	for (i = 0; i < (int)o->gaps && i < st->ntop; i++) {
		g = &st->top[i];
		for (j = 0; j < 5; j++)
			snprintf(names[i][j], sizeof(names[i][j]), "gap%d_%s",
				 i + 1, gkeys[j]);
		kv_add(kv, &n, names[i][0], g->ns / 1e6, 3);
		kv_add(kv, &n, names[i][1], g->start_seq, 0);
		kv_add(kv, &n, names[i][2], g->end_seq, 0);
		kv_add(kv, &n, names[i][3], gap_lost(st, g), 0);
		kv_add(kv, &n, names[i][4], g->start_time_ns / 1e9, 6);
	}

	kv_print(kv, n, o->json);
}

static int recv_socket(const struct udpseq_opts *o)
{
	struct sockaddr_in6 a6 = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(o->port),
		.sin6_addr = IN6ADDR_ANY_INIT,
	};
	struct sockaddr_in a4 = {
		.sin_family = AF_INET,
		.sin_port = htons(o->port),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	int one = 1, zero = 0, rcvbuf = 4 << 20;
	int fd;

	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
		if (bind(fd, (struct sockaddr *)&a6, sizeof(a6))) {
			close(fd);
			fd = -1;
		}
	}
	if (fd < 0) {
		/* No IPv6: IPv4 only. */
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&a4, sizeof(a4))) {
			perror("ovnic_udpseq: bind");
			if (fd >= 0)
				close(fd);
			return -1;
		}
	}
	if (bind_dev(fd, o->bind_dev)) {
		close(fd);
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)))
		perror("ovnic_udpseq: SO_TIMESTAMPNS (using the arrival time)");
	/* Absorb bursts while the receiver is not scheduled. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	return fd;
}

/* Arrival time of the datagram of @msg: the kernel's stamp if present. */
static __u64 arrival_ns(struct msghdr *msg)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			return (__u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
		}
	}
	return now_ns(CLOCK_REALTIME);
}

static int do_recv(const struct udpseq_opts *o)
{
	struct udpseq_recv_stats st = { .keep = o->gaps ? o->gaps : 1 };
	__u64 start, end, idle_ns, last_arrival = 0;
	static char buf[UDPSEQ_MAX_PAYLOAD + 1024];
	char ctrl[CMSG_SPACE(sizeof(struct timespec)) + 64];
	int fd;

	fd = recv_socket(o);
	if (fd < 0)
		return 2;
	if (o->rt)
		set_rt();

	start = now_ns(CLOCK_MONOTONIC);
	end = o->duration > 0 ? start + (__u64)(o->duration * NSEC_PER_SEC) :
		ULLONG_MAX;
	idle_ns = (__u64)(o->idle * NSEC_PER_SEC);

	while (!udpseq_stop) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		__u64 now = now_ns(CLOCK_MONOTONIC), wait_ns = 200000000;
		int rc;

		if (now >= end)
			break;
		if (idle_ns && last_arrival && now - last_arrival >= idle_ns)
			break;
		if (end - now < wait_ns)
			wait_ns = end - now;
		if (idle_ns && last_arrival &&
		    last_arrival + idle_ns - now < wait_ns)
			wait_ns = last_arrival + idle_ns - now;
		rc = poll(&pfd, 1, (int)((wait_ns + 999999) / 1000000));
		if (rc < 0 && errno != EINTR) {
			perror("ovnic_udpseq: poll");
			break;
		}
		if (rc <= 0)
			continue;
		/* Drain everything queued. */
		for (;;) {
			struct iovec iov = { .iov_base = buf,
					     .iov_len = sizeof(buf) };
			struct msghdr msg = {
				.msg_iov = &iov,
				.msg_iovlen = 1,
				.msg_control = ctrl,
				.msg_controllen = sizeof(ctrl),
			};
			ssize_t n;

			n = recvmsg(fd, &msg, MSG_DONTWAIT);
			if (n < 0)
				break;
			recv_one(&st, buf, n, arrival_ns(&msg));
			last_arrival = now_ns(CLOCK_MONOTONIC);
		}
	}
	close(fd);
	recv_report(o, &st);
	free(st.seen);
	return st.received ? 0 : 1;
}

int main(int argc, char **argv)
{
	enum { OPT_DST = 1, OPT_PORT, OPT_PPS, OPT_DURATION, OPT_BIND_DEV,
	       OPT_PAYLOAD, OPT_IDLE, OPT_GAPS, OPT_JSON, OPT_RT, OPT_HELP };
	static const struct option longopts[] = {
		{ "dst",	required_argument, NULL, OPT_DST },
		{ "port",	required_argument, NULL, OPT_PORT },
		{ "pps",	required_argument, NULL, OPT_PPS },
		{ "duration",	required_argument, NULL, OPT_DURATION },
		{ "bind-dev",	required_argument, NULL, OPT_BIND_DEV },
		{ "payload",	required_argument, NULL, OPT_PAYLOAD },
		{ "idle",	required_argument, NULL, OPT_IDLE },
		{ "gaps",	required_argument, NULL, OPT_GAPS },
		{ "json",	no_argument,	   NULL, OPT_JSON },
		{ "rt",		no_argument,	   NULL, OPT_RT },
		{ "help",	no_argument,	   NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct udpseq_opts o = { .payload = UDPSEQ_DEF_PAYLOAD, .duration = -1 };
	struct sigaction sa = { .sa_handler = udpseq_on_signal };
	bool is_send;
	int c;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		print_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "send")) {
		is_send = true;
	} else if (!strcmp(argv[1], "recv")) {
		is_send = false;
	} else {
		fprintf(stderr, "ovnic_udpseq: unknown command '%s'\n", argv[1]);
		print_usage(stderr);
		return 2;
	}

	optind = 2;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		int bad = 0;

		switch (c) {
		case OPT_DST:
			o.dst = optarg;
			break;
		case OPT_PORT:
			bad = parse_uint(optarg, 1, 65535, &o.port);
			break;
		case OPT_PPS:
			bad = parse_uint(optarg, 1, 10000000, &o.pps);
			break;
		case OPT_DURATION:
			bad = parse_secs(optarg, &o.duration);
			break;
		case OPT_BIND_DEV:
			o.bind_dev = optarg;
			break;
		case OPT_PAYLOAD:
			bad = parse_uint(optarg, UDPSEQ_MIN_PAYLOAD,
					 UDPSEQ_MAX_PAYLOAD, &o.payload);
			break;
		case OPT_IDLE:
			bad = parse_secs(optarg, &o.idle);
			break;
		case OPT_GAPS:
			bad = parse_uint(optarg, 0, UDPSEQ_MAX_GAPS, &o.gaps);
			break;
		case OPT_JSON:
			o.json = true;
			break;
		case OPT_RT:
			o.rt = true;
			break;
		case OPT_HELP:
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
		if (bad) {
			fprintf(stderr, "ovnic_udpseq: bad value '%s'\n", optarg);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ovnic_udpseq: unexpected argument '%s'\n",
			argv[optind]);
		return 2;
	}
	if (!o.port || o.duration < 0 || (is_send && (!o.dst || !o.pps))) {
		fprintf(stderr, "ovnic_udpseq: %s needs %s\n", argv[1],
			is_send ? "--dst, --port, --pps and --duration" :
				  "--port and --duration");
		print_usage(stderr);
		return 2;
	}

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	return is_send ? do_send(&o) : do_recv(&o);
}
