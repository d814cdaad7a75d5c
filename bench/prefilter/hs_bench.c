// Native Hyperscan reference for the literal prefilter benchmark.
//
//   hs_bench PATTERNS.tsv CORPUS [--mode block|stream|interleaved] [--write 1460]
//            [--streams 1000] [--reps 3] [--block BYTES] [--api regex|lit]
//            [--dump-matches FILE] [--dump-counts FILE]
//
// PATTERNS.tsv: one literal per line, "<hex bytes>\t<flags>", flags "i" = caseless.
// Pattern index = 0-based line number. Flags: HS_FLAG_CASELESS for "i", nothing
// else, so every end offset of every literal is reported, overlaps included.
// --api lit:   hs_compile_lit_multi (pure-literal mode).
// --api regex: hs_compile_multi with each literal written as \xHH per byte (the
//              default). Same matches and the same database size, but Hyperscan
//              5.4.0's pure-literal runtime fails on the ET sets of >= 5,000
//              literals with HS_UNKNOWN_ERROR (-13) when the data holds a prefix of
//              the 63-byte literal "gAAAAgAAAA..." (see README.md), so lit mode
//              cannot scan this corpus with those sets.
//
// Modes (the corpus is read into memory first; elapsed covers scanning only):
//   block        one hs_scan over the whole corpus (or, with --block N, one hs_scan
//                per N-byte block; matches that cross a block edge are then lost)
//   stream       one stream, the corpus written in --write byte pieces
//   interleaved  the corpus cut into --write byte pieces dealt round-robin to
//                --streams open streams (stream i gets pieces i, i+S, i+2S, ...);
//                every stream sees only its own bytes
// One line per repetition on stdout:
//   hyperscan: patterns=N mode=M bytes=B matches=X elapsed=S MBps=R db_bytes=D
//              stream_state_bytes=Z compile=S api=A rep=K/N
// MBps = bytes / elapsed / 1e6. stream_state_bytes is 0 for block mode.
// --dump-matches FILE (one extra, untimed pass) writes one line per match, sorted
// ascending by (stream, end_offset, pattern_index):
//   block, stream:  "pattern_index end_offset"
//   interleaved:    "stream_index pattern_index end_offset"
// end_offset is Hyperscan's `to`: one past the last byte of the match, counted over
// the bytes of that stream (block and stream mode: over the whole corpus).
// --dump-counts FILE writes "pattern_index count" for every pattern (zeros too).

#define _POSIX_C_SOURCE 200809L
#include <hs.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum mode { MODE_BLOCK, MODE_STREAM, MODE_INTERLEAVED };
static const char *const MODE_NAMES[] = {"block", "stream", "interleaved"};

struct rec {
    uint32_t stream;
    uint32_t pattern;
    uint64_t end;
};

struct ctx {
    uint64_t *per_pattern;
    uint64_t total;
    uint32_t stream;  // current stream (interleaved) for recording
    uint64_t base;    // added to `to` (block mode with --block)
    int record;
    struct rec *recs;
    size_t nrecs, caprecs;
};

static void die(const char *fmt, const char *arg) {
    fprintf(stderr, "hs_bench: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    exit(2);
}

static const char USAGE[] =
    "usage: hs_bench PATTERNS.tsv CORPUS [--mode block|stream|interleaved] [--write 1460]\n"
    "                [--streams 1000] [--reps 3] [--block BYTES] [--api regex|lit]\n"
    "                [--dump-matches FILE] [--dump-counts FILE]\n";

static int on_match(unsigned int id, unsigned long long from, unsigned long long to,
                    unsigned int flags, void *vctx) {
    (void)from;
    (void)flags;
    struct ctx *c = vctx;
    c->per_pattern[id]++;
    c->total++;
    if (c->record) {
        if (c->nrecs == c->caprecs) {
            c->caprecs = c->caprecs ? c->caprecs * 2 : (1u << 20);
            c->recs = realloc(c->recs, c->caprecs * sizeof *c->recs);
            if (!c->recs) die("%s", "out of memory recording matches");
        }
        c->recs[c->nrecs++] = (struct rec){c->stream, id, c->base + to};
    }
    return 0;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) die("cannot open %s", path);
    if (fseek(f, 0, SEEK_END) != 0) die("cannot seek %s", path);
    long sz = ftell(f);
    if (sz < 0) die("cannot size %s", path);
    rewind(f);
    unsigned char *buf = malloc(sz ? (size_t)sz : 1);
    if (!buf) die("out of memory reading %s", path);
    if (sz && fread(buf, 1, (size_t)sz, f) != (size_t)sz) die("short read on %s", path);
    fclose(f);
    *len = (size_t)sz;
    return buf;
}

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

struct patterns {
    unsigned n;
    char **bytes;
    size_t *lens;
    unsigned *flags;
    unsigned *ids;
};

static struct patterns load_patterns(const char *path) {
    size_t len;
    char *text = (char *)read_file(path, &len);
    struct patterns p = {0};
    unsigned cap = 0;
    size_t i = 0;
    while (i < len) {
        size_t eol = i;
        while (eol < len && text[eol] != '\n') eol++;
        size_t end = eol;
        if (end > i && text[end - 1] == '\r') end--;
        if (end > i) {
            size_t tab = i;
            while (tab < end && text[tab] != '\t') tab++;
            size_t hexlen = tab - i;
            if (hexlen == 0 || hexlen % 2) die("bad pattern line in %s", path);
            if (p.n == cap) {
                cap = cap ? cap * 2 : 1024;
                p.bytes = realloc(p.bytes, cap * sizeof *p.bytes);
                p.lens = realloc(p.lens, cap * sizeof *p.lens);
                p.flags = realloc(p.flags, cap * sizeof *p.flags);
                p.ids = realloc(p.ids, cap * sizeof *p.ids);
                if (!p.bytes || !p.lens || !p.flags || !p.ids) die("%s", "out of memory");
            }
            char *b = malloc(hexlen / 2);
            if (!b) die("%s", "out of memory");
            for (size_t k = 0; k < hexlen / 2; k++) {
                int hi = hexval(text[i + 2 * k]), lo = hexval(text[i + 2 * k + 1]);
                if (hi < 0 || lo < 0) die("bad hex in %s", path);
                b[k] = (char)(hi << 4 | lo);
            }
            unsigned fl = 0;
            for (size_t k = tab; k < end; k++)
                if (text[k] == 'i') fl |= HS_FLAG_CASELESS;
            p.bytes[p.n] = b;
            p.lens[p.n] = hexlen / 2;
            p.flags[p.n] = fl;
            p.ids[p.n] = p.n;
            p.n++;
        }
        i = eol + 1;
    }
    free(text);
    return p;
}

// Each literal as a regular expression matching exactly its bytes: every byte as \xHH.
static char **regex_escape(const struct patterns *p) {
    static const char hex[] = "0123456789abcdef";
    char **re = malloc(p->n * sizeof *re);
    if (!re) die("%s", "out of memory");
    for (unsigned i = 0; i < p->n; i++) {
        char *s = malloc(p->lens[i] * 4 + 1);
        if (!s) die("%s", "out of memory");
        for (size_t k = 0; k < p->lens[i]; k++) {
            unsigned char c = (unsigned char)p->bytes[i][k];
            s[4 * k] = '\\';
            s[4 * k + 1] = 'x';
            s[4 * k + 2] = hex[c >> 4];
            s[4 * k + 3] = hex[c & 15];
        }
        s[p->lens[i] * 4] = 0;
        re[i] = s;
    }
    return re;
}

static int cmp_rec(const void *a, const void *b) {
    const struct rec *x = a, *y = b;
    if (x->stream != y->stream) return x->stream < y->stream ? -1 : 1;
    if (x->end != y->end) return x->end < y->end ? -1 : 1;
    if (x->pattern != y->pattern) return x->pattern < y->pattern ? -1 : 1;
    return 0;
}

static void check(hs_error_t err, const char *what) {
    if (err != HS_SUCCESS) {
        fprintf(stderr, "hs_bench: %s failed (error %d)\n", what, err);
        exit(1);
    }
}

// One pass over the corpus in the chosen mode. Streams are opened and closed
// inside the pass (and so inside the timed region).
static void run_pass(enum mode mode, const hs_database_t *db, hs_scratch_t *scratch,
                     const unsigned char *data, size_t len, size_t write, unsigned nstreams,
                     size_t block, struct ctx *c) {
    if (mode == MODE_BLOCK) {
        size_t step = block ? block : len;
        if (step == 0) step = 1;
        for (size_t off = 0; off < len || (len == 0 && off == 0); off += step) {
            size_t n = len - off < step ? len - off : step;
            c->base = off;
            check(hs_scan(db, (const char *)data + off, (unsigned)n, 0, scratch, on_match, c),
                  "hs_scan");
            if (len == 0) break;
        }
        c->base = 0;
    } else if (mode == MODE_STREAM) {
        hs_stream_t *s;
        check(hs_open_stream(db, 0, &s), "hs_open_stream");
        c->stream = 0;
        for (size_t off = 0; off < len; off += write) {
            size_t n = len - off < write ? len - off : write;
            check(hs_scan_stream(s, (const char *)data + off, (unsigned)n, 0, scratch, on_match, c),
                  "hs_scan_stream");
        }
        check(hs_close_stream(s, scratch, on_match, c), "hs_close_stream");
    } else {
        hs_stream_t **ss = malloc(nstreams * sizeof *ss);
        if (!ss) die("%s", "out of memory");
        for (unsigned i = 0; i < nstreams; i++) check(hs_open_stream(db, 0, &ss[i]), "hs_open_stream");
        unsigned si = 0;
        for (size_t off = 0; off < len; off += write) {
            size_t n = len - off < write ? len - off : write;
            c->stream = si;
            check(hs_scan_stream(ss[si], (const char *)data + off, (unsigned)n, 0, scratch, on_match, c),
                  "hs_scan_stream");
            if (++si == nstreams) si = 0;
        }
        for (unsigned i = 0; i < nstreams; i++) {
            c->stream = i;
            check(hs_close_stream(ss[i], scratch, on_match, c), "hs_close_stream");
        }
        free(ss);
    }
}

int main(int argc, char **argv) {
    const char *pat_path = NULL, *corpus_path = NULL, *dump_path = NULL, *counts_path = NULL;
    enum mode mode = MODE_BLOCK;
    size_t write = 1460, block = 0;
    unsigned nstreams = 1000, reps = 3;
    int use_regex = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(USAGE, stdout);
            return 0;
        }
        if (a[0] == '-' && a[1] == '-') {
            if (i + 1 >= argc) die("missing value for %s", a);
            const char *v = argv[++i];
            char *endp;
            if (!strcmp(a, "--mode")) {
                if (!strcmp(v, "block")) mode = MODE_BLOCK;
                else if (!strcmp(v, "stream")) mode = MODE_STREAM;
                else if (!strcmp(v, "interleaved")) mode = MODE_INTERLEAVED;
                else die("unknown mode %s", v);
            } else if (!strcmp(a, "--write") || !strcmp(a, "--streams") || !strcmp(a, "--reps") ||
                       !strcmp(a, "--block")) {
                errno = 0;
                unsigned long long x = strtoull(v, &endp, 10);
                if (errno || *endp || v[0] == '-') die("bad number %s", v);
                if (!strcmp(a, "--write")) write = x;
                else if (!strcmp(a, "--streams")) nstreams = (unsigned)x;
                else if (!strcmp(a, "--reps")) reps = (unsigned)x;
                else block = x;
            } else if (!strcmp(a, "--api")) {
                if (!strcmp(v, "lit")) use_regex = 0;
                else if (!strcmp(v, "regex")) use_regex = 1;
                else die("unknown api %s", v);
            } else if (!strcmp(a, "--dump-matches")) {
                dump_path = v;
            } else if (!strcmp(a, "--dump-counts")) {
                counts_path = v;
            } else {
                die("unknown option %s", a);
            }
        } else if (!pat_path) {
            pat_path = a;
        } else if (!corpus_path) {
            corpus_path = a;
        } else {
            die("unexpected argument %s", a);
        }
    }
    if (!pat_path || !corpus_path) {
        fputs(USAGE, stderr);
        return 2;
    }
    if (write == 0 || write > 0xffffffffu) die("%s", "--write must be in 1..2^32-1");
    if (nstreams == 0) die("%s", "--streams must be > 0");
    if (block > 0xffffffffu) die("%s", "--block must be < 2^32");

    struct patterns p = load_patterns(pat_path);
    if (p.n == 0) die("no patterns in %s", pat_path);
    size_t len;
    unsigned char *data = read_file(corpus_path, &len);
    if (mode == MODE_BLOCK && block == 0 && len > 0xffffffffu)
        die("%s", "corpus is 4 GiB or more: hs_scan takes a 32-bit length; use --block");

    hs_database_t *db;
    hs_compile_error_t *cerr;
    double t0 = now();
    unsigned hs_mode = mode == MODE_BLOCK ? HS_MODE_BLOCK : HS_MODE_STREAM;
    hs_error_t cret;
    if (use_regex) {
        char **re = regex_escape(&p);
        cret = hs_compile_multi((const char *const *)re, p.flags, p.ids, p.n, hs_mode, NULL, &db, &cerr);
        for (unsigned i = 0; i < p.n; i++) free(re[i]);
        free(re);
    } else {
        cret = hs_compile_lit_multi((const char *const *)p.bytes, p.flags, p.ids, p.lens, p.n, hs_mode,
                                    NULL, &db, &cerr);
    }
    if (cret != HS_SUCCESS) {
        fprintf(stderr, "hs_bench: compile failed: %s (expression %d)\n", cerr->message,
                cerr->expression);
        return 1;
    }
    double compile_s = now() - t0;
    size_t db_bytes = 0, state_bytes = 0;
    check(hs_database_size(db, &db_bytes), "hs_database_size");
    if (mode != MODE_BLOCK) check(hs_stream_size(db, &state_bytes), "hs_stream_size");
    hs_scratch_t *scratch = NULL;
    check(hs_alloc_scratch(db, &scratch), "hs_alloc_scratch");
    char *info = NULL;
    if (hs_database_info(db, &info) == HS_SUCCESS) {
        fprintf(stderr, "hs_bench: %s, %s\n", hs_version(), info);
        free(info);
    }

    struct ctx c = {0};
    c.per_pattern = calloc(p.n, sizeof *c.per_pattern);
    if (!c.per_pattern) die("%s", "out of memory");
    for (unsigned r = 1; r <= reps; r++) {
        memset(c.per_pattern, 0, p.n * sizeof *c.per_pattern);
        c.total = 0;
        double s = now();
        run_pass(mode, db, scratch, data, len, write, nstreams, block, &c);
        double el = now() - s;
        printf("hyperscan: patterns=%u mode=%s bytes=%zu matches=%llu elapsed=%.4f MBps=%.1f "
               "db_bytes=%zu stream_state_bytes=%zu compile=%.3f api=%s rep=%u/%u\n",
               p.n, MODE_NAMES[mode], len, (unsigned long long)c.total, el,
               el > 0 ? len / el / 1e6 : 0.0, db_bytes, state_bytes, compile_s,
               use_regex ? "regex" : "lit", r, reps);
        fflush(stdout);
    }

    if (dump_path || counts_path || reps == 0) {
        memset(c.per_pattern, 0, p.n * sizeof *c.per_pattern);
        c.total = 0;
        c.record = dump_path != NULL;
        run_pass(mode, db, scratch, data, len, write, nstreams, block, &c);
    }
    if (counts_path) {
        FILE *f = fopen(counts_path, "w");
        if (!f) die("cannot write %s", counts_path);
        for (unsigned i = 0; i < p.n; i++) fprintf(f, "%u %llu\n", i, (unsigned long long)c.per_pattern[i]);
        if (fclose(f) != 0) die("cannot write %s", counts_path);
    }
    if (dump_path) {
        qsort(c.recs, c.nrecs, sizeof *c.recs, cmp_rec);
        FILE *f = fopen(dump_path, "w");
        if (!f) die("cannot write %s", dump_path);
        static char buf[1 << 20];
        setvbuf(f, buf, _IOFBF, sizeof buf);
        for (size_t i = 0; i < c.nrecs; i++) {
            if (mode == MODE_INTERLEAVED)
                fprintf(f, "%u %u %llu\n", c.recs[i].stream, c.recs[i].pattern,
                        (unsigned long long)c.recs[i].end);
            else
                fprintf(f, "%u %llu\n", c.recs[i].pattern, (unsigned long long)c.recs[i].end);
        }
        if (fclose(f) != 0) die("cannot write %s", dump_path);
        fprintf(stderr, "hs_bench: wrote %zu matches to %s\n", c.nrecs, dump_path);
    }
    if (reps == 0)
        printf("hyperscan: patterns=%u mode=%s bytes=%zu matches=%llu db_bytes=%zu stream_state_bytes=%zu\n",
               p.n, MODE_NAMES[mode], len, (unsigned long long)c.total, db_bytes, state_bytes);

    hs_free_scratch(scratch);
    hs_free_database(db);
    free(c.recs);
    free(c.per_pattern);
    for (unsigned i = 0; i < p.n; i++) free(p.bytes[i]);
    free(p.bytes);
    free(p.lens);
    free(p.flags);
    free(p.ids);
    free(data);
    return 0;
}
