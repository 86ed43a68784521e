/* newskit_themes._speedups: the per-document work of the themes component, in C.
 *
 * Optional accelerator of ``newskit_themes._engine.ThemeTagger._findings_fast``: the pure
 * Python code stays the reference and the fallback, and this module must give exactly its
 * findings (the tests compare both). An ``Engine`` holds tables built once by the Python
 * component from the rule files (no rule is written here) and, per surface form of a word,
 * what the Python resolver ``describe(bytes)`` says about it (cached here, bounded).
 *
 * ``Engine.run(text, title, nl, egroups)`` tokenises the text (runs of alphanumeric code
 * points, as TOKEN_RE), counts single-word cue groups, finds phrases and negative cues (through
 * their opening word pair or their anchor word), adds the entity groups computed by Python,
 * sums scores, applies negative cues, chooses the themes as the Python selection does and
 * returns ``[(node, confidence, score, [[start, end], ...]), ...]`` in rank order.
 *
 * Floating-point operations are done in the same order as in Python so that the results are
 * bit-identical. No global mutable state: everything lives in an Engine object or in buffers
 * allocated per call.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#ifndef NEWSKIT_SOURCE_SHA256
#define NEWSKIT_SOURCE_SHA256 "" /* built without setup.py: never taken for a current build */
#endif
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <process.h>
#define getpid _getpid
#else
#include <unistd.h>
#endif

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off")
#endif

/* ---------------------------------------------------------------------------------------- */
/* small types                                                                              */

typedef struct { int32_t node; double w; } Pair;
typedef struct { int32_t k; Py_ssize_t off; int32_t len; uint8_t stem, cs; } Elem;
typedef struct { int32_t r, last, coff, cn; } Plan;
typedef struct { uint64_t hash; Py_ssize_t aoff, boff; int32_t alen, blen, poff, pn; } Bigram;
typedef struct {
    uint64_t hash, lhash;
    Py_ssize_t off, loff;          /* surface and lower-cased bytes in sarena */
    int32_t len, llen;
    int32_t gid;                   /* single-word cue group, -1: none */
    int32_t own_off, own_n;        /* (term, weight) of its single-word cues (for negatives) */
    int32_t ph_off, ph_n;          /* (d, row) phrase/negative rows anchored on it */
    uint8_t flags;
} Surf;
typedef struct { Py_ssize_t start; int32_t clen, sid; } Tok;
/* A slot of the surface hash table: the first 8 bytes of the surface (zero-padded; words hold
   no NUL byte, so they are the whole word when it is short), a tag (23 bits of the hash, a bit
   set for a word longer than 8 bytes, its flags byte) and its sid + 1 (0: an empty slot). A
   short word is found without touching its Surf record. */
typedef struct { uint64_t w8; uint32_t tag; int32_t sid1; } Slot;

typedef struct {
    PyObject_HEAD
    PyObject *describe;            /* bytes -> (flags, lower, pairs|None, own, phrase rows) */
    PyObject *gids;                /* (lower, pairs) -> gid */
    double tw, lw, threshold, floor_, zcut, bias, a_s, a_r, a_d;
    Py_ssize_t lead_chars;
    Py_ssize_t max_ev, max_level, max_tags;
    int32_t top;
    double *H;
    int32_t nterms, maxlev;
    int32_t *level, *parent, *crank;
    uint8_t *rolls, *deep;
    double *zlevel;
    /* rule tables (built once) */
    char *carena; Py_ssize_t calen, cacap;
    Elem *elems; Py_ssize_t nelems, capelems;
    int32_t nrows;
    int32_t *row_eoff, *row_en, *row_key, *row_term, *row_noff, *row_nn;
    uint8_t *row_neg;
    double *row_w;
    int32_t *nodes; Py_ssize_t nnodes, capnodes;
    int32_t nkeys;
    int32_t *key_off, *key_n;
    Pair *kp; Py_ssize_t nkp, capkp;
    Bigram *bg; size_t bgmask; Py_ssize_t nbg;
    Plan *plans; Py_ssize_t nplans, capplans;
    /* per-surface tables (cleared past the limit, between documents) */
    Surf *surfs; Py_ssize_t nsurf, capsurf;
    Slot *stab; size_t stmask;
    char *sarena; Py_ssize_t salen, sacap;
    Pair *own; Py_ssize_t nown, capown;
    int32_t *ph; Py_ssize_t nph, capph;
    int32_t *g_off, *g_n; Py_ssize_t ngid, capgid, capgid2;
    Pair *gp; Py_ssize_t ngp, capgp;
    Py_ssize_t limit;
    /* 1 while a run() is inside this engine. A second run() meanwhile (from a thread that got
       the GIL while the first runs Python code: describe(), or a finaliser run by the garbage
       collector; or re-entrantly from that code) returns None and the caller takes the Python
       path: the tables above may be reallocated or cleared only by the one run inside. */
    int busy;
    long busy_pid;                 /* the process and thread that set busy (fork() copies */
    unsigned long busy_thread;     /* them; in the child only the forking thread lives on) */
} Engine;

static int
grow_(void **buf, Py_ssize_t *cap, Py_ssize_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    Py_ssize_t nc = *cap > 0 ? *cap : 16;
    while (nc < need) {
        if (nc > PY_SSIZE_T_MAX / 4 / (Py_ssize_t)size) {
            PyErr_NoMemory();
            return -1;
        }
        nc *= 2;
    }
    void *p = PyMem_Realloc(*buf, (size_t)nc * size);
    if (p == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    *buf = p;
    *cap = nc;
    return 0;
}
#define GROW(buf, cap, need) grow_((void **)&(buf), &(cap), (need), sizeof(*(buf)))

static inline uint64_t
hbytes(const unsigned char *s, Py_ssize_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    h ^= h >> 31;
    h *= 0x9E3779B97F4A7C15ULL;
    h ^= h >> 29;
    return h;
}

static inline uint64_t
hpair(uint64_t a, uint64_t b)
{
    uint64_t h = a * 0x9E3779B97F4A7C15ULL ^ (b + 0x632BE59BD9B4E019ULL + (a << 6) + (a >> 2));
    h ^= h >> 32;
    h *= 0xD6E8FEB86659FD93ULL;
    h ^= h >> 32;
    return h;
}

/* --- a small int -> int map, per call ----------------------------------------------------- */

typedef struct { int64_t *keys; int32_t *vals; size_t mask; Py_ssize_t n; } IMap;

static int
imap_init(IMap *m, Py_ssize_t hint)
{
    size_t cap = 16;
    while ((Py_ssize_t)cap < hint * 2)
        cap <<= 1;
    m->keys = PyMem_Malloc(cap * sizeof(int64_t));
    m->vals = PyMem_Malloc(cap * sizeof(int32_t));
    if (m->keys == NULL || m->vals == NULL) {
        PyMem_Free(m->keys);
        PyMem_Free(m->vals);
        m->keys = NULL;
        m->vals = NULL;
        PyErr_NoMemory();
        return -1;
    }
    for (size_t i = 0; i < cap; i++)
        m->keys[i] = -1;
    m->mask = cap - 1;
    m->n = 0;
    return 0;
}

static void
imap_free(IMap *m)
{
    PyMem_Free(m->keys);
    PyMem_Free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
}

static inline size_t
imix(int64_t k)
{
    uint64_t h = (uint64_t)k * 0x9E3779B97F4A7C15ULL;
    return (size_t)(h ^ (h >> 29));
}

/* The value of key k (>= 0), or -1. */
static inline int32_t
imap_get(const IMap *m, int64_t k)
{
    size_t i = imix(k) & m->mask;
    while (m->keys[i] != -1) {
        if (m->keys[i] == k)
            return m->vals[i];
        i = (i + 1) & m->mask;
    }
    return -1;
}

static int
imap_put(IMap *m, int64_t k, int32_t v)
{
    if ((size_t)(m->n + 1) * 2 > m->mask + 1) {
        size_t cap = (m->mask + 1) * 2;
        int64_t *nk = PyMem_Malloc(cap * sizeof(int64_t));
        int32_t *nv = PyMem_Malloc(cap * sizeof(int32_t));
        if (nk == NULL || nv == NULL) {
            PyMem_Free(nk);
            PyMem_Free(nv);
            PyErr_NoMemory();
            return -1;
        }
        for (size_t i = 0; i < cap; i++)
            nk[i] = -1;
        for (size_t i = 0; i <= m->mask; i++) {
            if (m->keys[i] != -1) {
                size_t j = imix(m->keys[i]) & (cap - 1);
                while (nk[j] != -1)
                    j = (j + 1) & (cap - 1);
                nk[j] = m->keys[i];
                nv[j] = m->vals[i];
            }
        }
        PyMem_Free(m->keys);
        PyMem_Free(m->vals);
        m->keys = nk;
        m->vals = nv;
        m->mask = cap - 1;
    }
    size_t i = imix(k) & m->mask;
    while (m->keys[i] != -1) {
        if (m->keys[i] == k) {
            m->vals[i] = v;
            return 0;
        }
        i = (i + 1) & m->mask;
    }
    m->keys[i] = k;
    m->vals[i] = v;
    m->n++;
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* parsing helpers                                                                          */

static int
get_long(PyObject *o, long *out)
{
    long v = PyLong_AsLong(o);
    if (v == -1 && PyErr_Occurred())
        return -1;
    *out = v;
    return 0;
}

static int
get_double(PyObject *o, double *out)
{
    double v = PyFloat_AsDouble(o);
    if (v == -1.0 && PyErr_Occurred())
        return -1;
    *out = v;
    return 0;
}

/* A sequence as a tuple or list: PySequence_Fast; items borrowed. */
#define FAST(o, msg) PySequence_Fast((o), (msg))

static Py_ssize_t
carena_add(Engine *e, PyObject *b)
{
    if (!PyBytes_Check(b)) {
        PyErr_SetString(PyExc_TypeError, "expected bytes");
        return -1;
    }
    Py_ssize_t n = PyBytes_GET_SIZE(b);
    if (n > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "word too long");
        return -1;
    }
    if (GROW(e->carena, e->cacap, e->calen + n + 1) < 0)
        return -1;
    Py_ssize_t off = e->calen;
    memcpy(e->carena + off, PyBytes_AS_STRING(b), (size_t)n);
    e->calen += n;
    return off;
}

/* Elements (k, bytes, stem, case) of a sequence appended to elems; returns the offset. */
static Py_ssize_t
parse_elems(Engine *e, PyObject *seq, int32_t *count)
{
    PyObject *f = FAST(seq, "elements must be a sequence");
    if (f == NULL)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(f);
    Py_ssize_t start = e->nelems;
    if (GROW(e->elems, e->capelems, e->nelems + n) < 0)
        goto fail;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *it = PySequence_Fast_GET_ITEM(f, i);
        if (!PyTuple_Check(it) || PyTuple_GET_SIZE(it) != 4) {
            PyErr_SetString(PyExc_TypeError, "an element is (k, bytes, stem, case)");
            goto fail;
        }
        long k;
        if (get_long(PyTuple_GET_ITEM(it, 0), &k) < 0)
            goto fail;
        Py_ssize_t off = carena_add(e, PyTuple_GET_ITEM(it, 1));
        if (off < 0)
            goto fail;
        int st = PyObject_IsTrue(PyTuple_GET_ITEM(it, 2));
        int cs = PyObject_IsTrue(PyTuple_GET_ITEM(it, 3));
        if (st < 0 || cs < 0)
            goto fail;
        if (k < -1000000 || k > 1000000) {
            PyErr_SetString(PyExc_ValueError, "element offset out of range");
            goto fail;
        }
        Elem *el = &e->elems[e->nelems++];
        el->k = (int32_t)k;
        el->off = off;
        el->len = (int32_t)PyBytes_GET_SIZE(PyTuple_GET_ITEM(it, 1));
        el->stem = (uint8_t)st;
        el->cs = (uint8_t)cs;
    }
    Py_DECREF(f);
    *count = (int32_t)n;
    return start;
fail:
    Py_DECREF(f);
    return -1;
}

/* (node, weight) pairs of a sequence appended to *pool; returns the offset. */
static Py_ssize_t
parse_pairs(Engine *e, PyObject *seq, Pair **pool, Py_ssize_t *np, Py_ssize_t *cap, int32_t *count)
{
    PyObject *f = FAST(seq, "pairs must be a sequence");
    if (f == NULL)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(f);
    Py_ssize_t start = *np;
    if (grow_((void **)pool, cap, *np + n, sizeof(Pair)) < 0)
        goto fail;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *it = PySequence_Fast_GET_ITEM(f, i);
        if (!PyTuple_Check(it) || PyTuple_GET_SIZE(it) != 2) {
            PyErr_SetString(PyExc_TypeError, "a pair is (node, weight)");
            goto fail;
        }
        long node;
        double w;
        if (get_long(PyTuple_GET_ITEM(it, 0), &node) < 0 || get_double(PyTuple_GET_ITEM(it, 1), &w) < 0)
            goto fail;
        if (node < 0 || node >= e->nterms) {
            PyErr_SetString(PyExc_ValueError, "node out of range");
            goto fail;
        }
        (*pool)[*np].node = (int32_t)node;
        (*pool)[*np].w = w;
        (*np)++;
    }
    Py_DECREF(f);
    *count = (int32_t)n;
    return start;
fail:
    Py_DECREF(f);
    return -1;
}

/* ---------------------------------------------------------------------------------------- */
/* the surface table                                                                        */

static void
clear_surfaces(Engine *e)
{
    e->nsurf = 0;
    e->salen = 0;
    e->nown = 0;
    e->nph = 0;
    e->ngid = 0;
    e->ngp = 0;
    if (e->stab != NULL)
        memset(e->stab, 0, (e->stmask + 1) * sizeof(Slot));
    if (e->gids != NULL)
        PyDict_Clear(e->gids);
}

static inline int
bytes_eq(const char *a, const char *b, Py_ssize_t n)
{
    if (n <= 16) {
        for (Py_ssize_t i = 0; i < n; i++)
            if (a[i] != b[i])
                return 0;
        return 1;
    }
    return memcmp(a, b, (size_t)n) == 0;
}

static inline uint64_t
load8(const char *s, Py_ssize_t len)
{
    uint64_t w = 0;
    memcpy(&w, s, (size_t)(len < 8 ? len : 8));
    return w;
}

/* The hash of a surface (w8: its first 8 bytes, see Slot). */
static inline uint64_t
shash(const char *s, Py_ssize_t len, uint64_t w8)
{
    if (len <= 8) {
        uint64_t h = w8 * 0x9E3779B97F4A7C15ULL;
        h ^= h >> 32;
        h *= 0xD6E8FEB86659FD93ULL;
        h ^= h >> 29;
        return h;
    }
    return hbytes((const unsigned char *)s, len);
}

#define TAG_HASH 0xFFFFFE00u
#define TAG_LONG 0x100u

static inline uint32_t
slot_tag(uint64_t h, Py_ssize_t len, uint8_t flags)
{
    return ((uint32_t)(h >> 32) & TAG_HASH) | (len > 8 ? TAG_LONG : 0u) | flags;
}

/* The sid of these bytes, or -1 (slot: the empty slot where it would go); *flags: its flags. */
static inline Py_ssize_t
surf_find(const Engine *e, const char *s, Py_ssize_t len, uint64_t h, uint64_t w8, size_t *slot,
          uint8_t *flags)
{
    size_t i = (size_t)h & e->stmask;
    const uint32_t want = slot_tag(h, len, 0);
    for (;;) {
        const Slot *sl = &e->stab[i];
        if (sl->sid1 == 0) {
            *slot = i;
            return -1;
        }
        if ((sl->tag & (TAG_HASH | TAG_LONG)) == want && sl->w8 == w8) {
            Py_ssize_t sid = (Py_ssize_t)sl->sid1 - 1;
            if (len <= 8) {
                *flags = (uint8_t)(sl->tag & 255u);
                return sid;
            }
            const Surf *sf = &e->surfs[sid];
            if (sf->hash == h && sf->len == len && bytes_eq(e->sarena + sf->off, s, len)) {
                *flags = (uint8_t)(sl->tag & 255u);
                return sid;
            }
        }
        i = (i + 1) & e->stmask;
    }
}

static int
stab_grow(Engine *e)
{
    size_t cap = (e->stmask + 1) * 2;
    Slot *nt = PyMem_Calloc(cap, sizeof(Slot));
    if (nt == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (size_t j = 0; j <= e->stmask; j++) {
        const Slot *sl = &e->stab[j];
        if (sl->sid1 == 0)
            continue;
        size_t i = (size_t)e->surfs[sl->sid1 - 1].hash & (cap - 1);
        while (nt[i].sid1 != 0)
            i = (i + 1) & (cap - 1);
        nt[i] = *sl;
    }
    PyMem_Free(e->stab);
    e->stab = nt;
    e->stmask = cap - 1;
    return 0;
}

/* Look a surface form up; unseen ones are described by Python and registered. */
static Py_ssize_t
surf_get(Engine *e, const char *s, Py_ssize_t len, uint64_t h, uint64_t w8, uint8_t *fl)
{
    size_t slot = 0;
    Py_ssize_t sid = surf_find(e, s, len, h, w8, &slot, fl);
    if (sid >= 0)
        return sid;
    if (len > INT32_MAX / 2) {
        PyErr_SetString(PyExc_ValueError, "token too long");
        return -1;
    }
    PyObject *b = PyBytes_FromStringAndSize(s, len);
    if (b == NULL)
        return -1;
    PyObject *res = PyObject_CallOneArg(e->describe, b);
    Py_DECREF(b);
    if (res == NULL)
        return -1;
    PyObject *gkey = NULL;
    if (!PyTuple_Check(res) || PyTuple_GET_SIZE(res) != 5 || !PyBytes_Check(PyTuple_GET_ITEM(res, 1))) {
        PyErr_SetString(PyExc_TypeError, "describe() must return (flags, lower, pairs, own, phrase)");
        goto fail;
    }
    /* describe() ran Python code; only this run changes the tables (see Engine.busy), but
       look again so that the slot is right whatever that code did */
    sid = surf_find(e, s, len, h, w8, &slot, fl);
    if (sid >= 0) {
        Py_DECREF(res);
        return sid;
    }
    long flags;
    if (get_long(PyTuple_GET_ITEM(res, 0), &flags) < 0)
        goto fail;
    PyObject *lower = PyTuple_GET_ITEM(res, 1);
    PyObject *pairs = PyTuple_GET_ITEM(res, 2);
    Py_ssize_t llen = PyBytes_GET_SIZE(lower);
    if (llen > INT32_MAX / 2) {
        PyErr_SetString(PyExc_ValueError, "token too long");
        goto fail;
    }
    Surf sf;
    memset(&sf, 0, sizeof(sf));
    sf.hash = h;
    sf.len = (int32_t)len;
    sf.llen = (int32_t)llen;
    sf.lhash = hbytes((const unsigned char *)PyBytes_AS_STRING(lower), llen);
    sf.flags = (uint8_t)(flags & 255);
    sf.gid = -1;
    if (pairs != Py_None) {
        gkey = PyTuple_Pack(2, lower, pairs);
        if (gkey == NULL)
            goto fail;
        PyObject *g = PyDict_GetItemWithError(e->gids, gkey);
        if (g != NULL) {
            long gid;
            if (get_long(g, &gid) < 0)
                goto fail;
            sf.gid = (int32_t)gid;
        }
        else {
            if (PyErr_Occurred())
                goto fail;
            if (e->ngid >= INT32_MAX)
                goto toomany;
            if (GROW(e->g_off, e->capgid, e->ngid + 1) < 0 || GROW(e->g_n, e->capgid2, e->ngid + 1) < 0)
                goto fail;
            int32_t cnt;
            Py_ssize_t off = parse_pairs(e, pairs, &e->gp, &e->ngp, &e->capgp, &cnt);
            if (off < 0)
                goto fail;
            if (off > INT32_MAX)
                goto toomany;
            e->g_off[e->ngid] = (int32_t)off;
            e->g_n[e->ngid] = cnt;
            PyObject *gv = PyLong_FromSsize_t(e->ngid);
            if (gv == NULL)
                goto fail;
            int rc = PyDict_SetItem(e->gids, gkey, gv);
            Py_DECREF(gv);
            if (rc < 0)
                goto fail;
            sf.gid = (int32_t)e->ngid;
            e->ngid++;
        }
        Py_CLEAR(gkey);
    }
    {
        int32_t cnt;
        Py_ssize_t off = parse_pairs(e, PyTuple_GET_ITEM(res, 3), &e->own, &e->nown, &e->capown, &cnt);
        if (off < 0)
            goto fail;
        if (off > INT32_MAX)
            goto toomany;
        sf.own_off = (int32_t)off;
        sf.own_n = cnt;
    }
    {
        PyObject *f = FAST(PyTuple_GET_ITEM(res, 4), "phrase rows must be a sequence");
        if (f == NULL)
            goto fail;
        Py_ssize_t n = PySequence_Fast_GET_SIZE(f);
        if (e->nph > INT32_MAX / 2 || GROW(e->ph, e->capph, e->nph + 2 * n) < 0) {
            Py_DECREF(f);
            if (!PyErr_Occurred())
                goto toomany;
            goto fail;
        }
        sf.ph_off = (int32_t)e->nph;
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *it = PySequence_Fast_GET_ITEM(f, i);
            long d, r;
            if (!PyTuple_Check(it) || PyTuple_GET_SIZE(it) != 2) {
                Py_DECREF(f);
                PyErr_SetString(PyExc_TypeError, "a phrase row is (d, row)");
                goto fail;
            }
            if (get_long(PyTuple_GET_ITEM(it, 0), &d) < 0 || get_long(PyTuple_GET_ITEM(it, 1), &r) < 0) {
                Py_DECREF(f);
                goto fail;
            }
            if (r < 0 || r >= e->nrows || d < -1000000 || d > 1000000) {
                Py_DECREF(f);
                PyErr_SetString(PyExc_ValueError, "phrase row out of range");
                goto fail;
            }
            e->ph[e->nph++] = (int32_t)d;
            e->ph[e->nph++] = (int32_t)r;
        }
        sf.ph_n = (int32_t)n;
        Py_DECREF(f);
    }
    /* the bytes: the surface, then its lower-cased form */
    if (GROW(e->sarena, e->sacap, e->salen + len + llen + 1) < 0)
        goto fail;
    sf.off = e->salen;
    memcpy(e->sarena + e->salen, s, (size_t)len);
    e->salen += len;
    sf.loff = e->salen;
    memcpy(e->sarena + e->salen, PyBytes_AS_STRING(lower), (size_t)llen);
    e->salen += llen;
    if (e->nsurf >= INT32_MAX - 1)
        goto toomany;
    if (GROW(e->surfs, e->capsurf, e->nsurf + 1) < 0)
        goto fail;
    if ((size_t)(e->nsurf + 1) * 2 > e->stmask + 1) {
        if (stab_grow(e) < 0)
            goto fail;
        uint8_t ignored;
        surf_find(e, s, len, h, w8, &slot, &ignored);
    }
    sid = e->nsurf++;
    e->surfs[sid] = sf;
    e->stab[slot].w8 = w8;
    e->stab[slot].tag = slot_tag(h, len, sf.flags);
    e->stab[slot].sid1 = (int32_t)(sid + 1);
    *fl = sf.flags;
    Py_DECREF(res);
    return sid;
toomany:
    PyErr_SetString(PyExc_MemoryError, "themes accelerator: tables too large");
fail:
    Py_XDECREF(gkey);
    Py_DECREF(res);
    return -1;
}

/* ---------------------------------------------------------------------------------------- */
/* tokens                                                                                   */

static const unsigned char *ALNUM_ASCII =
    (const unsigned char *)
    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1\1\1\1\1\1\1\1\1\1\0\0\0\0\0\0"
    "\0\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\0\0\0\0\0"
    "\0\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\0\0\0\0\0";

static inline int
is_word(Py_UCS4 ch)
{
    if (ch < 128)
        return ALNUM_ASCII[ch];
    if (ch >= 0xD800 && ch <= 0xDFFF)
        return 0;
    return Py_UNICODE_ISALNUM(ch) ? 1 : 0;
}

typedef struct { Tok *v; Py_ssize_t n, cap; uint8_t *fl; Py_ssize_t flcap; } TokVec;

/* The tokens of a str (runs of alphanumeric code points), each looked up in the table. */
static int
tokenize(Engine *e, PyObject *str, TokVec *out)
{
    Py_ssize_t len = PyUnicode_GET_LENGTH(str);
    out->n = 0;
    if (PyUnicode_IS_ASCII(str)) {
        const char *d = (const char *)PyUnicode_1BYTE_DATA(str);
        Py_ssize_t i = 0;
        while (i < len) {
            while (i < len && !ALNUM_ASCII[(unsigned char)d[i]])
                i++;
            if (i >= len)
                break;
            Py_ssize_t s = i;
            while (i < len && ALNUM_ASCII[(unsigned char)d[i]])
                i++;
            uint64_t w8 = load8(d + s, i - s);
            uint8_t fl = 0;
            Py_ssize_t sid = surf_get(e, d + s, i - s, shash(d + s, i - s, w8), w8, &fl);
            if (sid < 0)
                return -1;
            if (out->n >= out->cap && GROW(out->v, out->cap, out->n + 1) < 0)
                return -1;
            if (out->n >= out->flcap && GROW(out->fl, out->flcap, out->n + 1) < 0)
                return -1;
            out->fl[out->n] = fl;
            out->v[out->n].start = s;
            out->v[out->n].clen = (int32_t)(i - s);
            out->v[out->n].sid = (int32_t)sid;
            out->n++;
        }
        return 0;
    }
    int kind = PyUnicode_KIND(str);
    const void *data = PyUnicode_DATA(str);
    unsigned char *buf = NULL;
    Py_ssize_t bcap = 0;
    Py_ssize_t i = 0;
    while (i < len) {
        while (i < len && !is_word(PyUnicode_READ(kind, data, i)))
            i++;
        if (i >= len)
            break;
        Py_ssize_t s = i, bl = 0;
        while (i < len) {
            Py_UCS4 ch = PyUnicode_READ(kind, data, i);
            if (!is_word(ch))
                break;
            if (GROW(buf, bcap, bl + 4) < 0)
                goto fail;
            if (ch < 0x80) {
                buf[bl++] = (unsigned char)ch;
            }
            else if (ch < 0x800) {
                buf[bl++] = (unsigned char)(0xC0 | (ch >> 6));
                buf[bl++] = (unsigned char)(0x80 | (ch & 0x3F));
            }
            else if (ch < 0x10000) {
                buf[bl++] = (unsigned char)(0xE0 | (ch >> 12));
                buf[bl++] = (unsigned char)(0x80 | ((ch >> 6) & 0x3F));
                buf[bl++] = (unsigned char)(0x80 | (ch & 0x3F));
            }
            else {
                buf[bl++] = (unsigned char)(0xF0 | (ch >> 18));
                buf[bl++] = (unsigned char)(0x80 | ((ch >> 12) & 0x3F));
                buf[bl++] = (unsigned char)(0x80 | ((ch >> 6) & 0x3F));
                buf[bl++] = (unsigned char)(0x80 | (ch & 0x3F));
            }
            i++;
        }
        if (i - s > INT32_MAX) {
            PyErr_SetString(PyExc_ValueError, "token too long");
            goto fail;
        }
        uint64_t w8 = load8((const char *)buf, bl);
        uint8_t fl = 0;
        Py_ssize_t sid = surf_get(e, (const char *)buf, bl, shash((const char *)buf, bl, w8), w8, &fl);
        if (sid < 0)
            goto fail;
        if (out->n >= out->cap && GROW(out->v, out->cap, out->n + 1) < 0)
            goto fail;
        if (out->n >= out->flcap && GROW(out->fl, out->flcap, out->n + 1) < 0)
            goto fail;
        out->fl[out->n] = fl;
        out->v[out->n].start = s;
        out->v[out->n].clen = (int32_t)(i - s);
        out->v[out->n].sid = (int32_t)sid;
        out->n++;
    }
    PyMem_Free(buf);
    return 0;
fail:
    PyMem_Free(buf);
    return -1;
}

/* How many tokens start before character offset L. */
static Py_ssize_t
count_before(const TokVec *t, Py_ssize_t L)
{
    Py_ssize_t lo = 0, hi = t->n;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (t->v[mid].start < L)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Do the words at base + k match a list of (k, text, stem, case) elements? */
static inline int
checks_hold(const Engine *e, const Tok *toks, Py_ssize_t ntok, Py_ssize_t base, int32_t eoff, int32_t en)
{
    for (int32_t j = 0; j < en; j++) {
        const Elem *el = &e->elems[eoff + j];
        Py_ssize_t p = base + el->k;
        if (p < 0 || p >= ntok)
            return 0;
        const Surf *sf = &e->surfs[toks[p].sid];
        const char *w;
        Py_ssize_t wl;
        if (el->cs) {
            w = e->sarena + sf->off;
            wl = sf->len;
        }
        else {
            w = e->sarena + sf->loff;
            wl = sf->llen;
        }
        if (el->stem) {
            if (wl < el->len || memcmp(w, e->carena + el->off, (size_t)el->len) != 0)
                return 0;
        }
        else if (wl != el->len || memcmp(w, e->carena + el->off, (size_t)el->len) != 0) {
            return 0;
        }
    }
    return 1;
}

/* The bigram entry of the lower-cased forms of two surfaces, or NULL. */
static inline const Bigram *
bigram_find(const Engine *e, const Surf *a, const Surf *b)
{
    if (e->bg == NULL)
        return NULL;
    uint64_t h = hpair(a->lhash, b->lhash);
    size_t i = (size_t)h & e->bgmask;
    for (;;) {
        const Bigram *g = &e->bg[i];
        if (g->pn == 0)
            return NULL;
        if (g->hash == h && g->alen == a->llen && g->blen == b->llen
                && memcmp(e->carena + g->aoff, e->sarena + a->loff, (size_t)a->llen) == 0
                && memcmp(e->carena + g->boff, e->sarena + b->loff, (size_t)b->llen) == 0)
            return g;
        i = (i + 1) & e->bgmask;
    }
}

/* ---------------------------------------------------------------------------------------- */
/* one document                                                                             */

typedef struct {
    int32_t key;
    int64_t lastpos, oz;
    int32_t orow;
    Py_ssize_t cnt[3];             /* positions in the title, the lead, elsewhere */
    Py_ssize_t fs, fe;             /* first span in the text (token indices), -1: none */
} Occ;

typedef struct { int64_t z; int32_t r; int32_t title; Py_ssize_t start, end; double factor; } Neg;

typedef struct {
    double f;
    Py_ssize_t s0, s1;             /* evidence span (characters), s0 < 0: none */
    const Pair *pairs;
    int32_t np;
} Group;

typedef struct {
    int32_t gid;
    Py_ssize_t count, ztx, zl, zt;
    Py_ssize_t first;              /* first text position, -1: only in the title */
    int ordered;
} WGroup;

typedef struct { const char *s; Py_ssize_t len; int32_t sid; } Hit;
typedef struct { double a, b; int32_t crank, node; } Rank;
typedef struct { double v; Py_ssize_t gi; } Item;
typedef struct { int64_t z; int32_t r, oi; } OccOrder;

static int
cmp_hit(const void *x, const void *y)
{
    const Hit *a = x, *b = y;
    Py_ssize_t m = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->s, b->s, (size_t)m);
    if (c != 0)
        return c;
    return (a->len > b->len) - (a->len < b->len);
}

/* (-a, -b, code) ascending */
static int
cmp_rank(const void *x, const void *y)
{
    const Rank *p = x, *q = y;
    if (p->a > q->a)
        return -1;
    if (p->a < q->a)
        return 1;
    if (p->b > q->b)
        return -1;
    if (p->b < q->b)
        return 1;
    return (p->crank > q->crank) - (p->crank < q->crank);
}

/* value descending, then group order (a stable sort) */
static int
cmp_item(const void *x, const void *y)
{
    const Item *p = x, *q = y;
    if (p->v > q->v)
        return -1;
    if (p->v < q->v)
        return 1;
    return (p->gi > q->gi) - (p->gi < q->gi);
}

static int
cmp_occ(const void *x, const void *y)
{
    const OccOrder *p = x, *q = y;
    if (p->z != q->z)
        return p->z < q->z ? -1 : 1;
    return (p->r > q->r) - (p->r < q->r);
}

static int
cmp_neg(const void *x, const void *y)
{
    const Neg *p = x, *q = y;
    if (p->z != q->z)
        return p->z < q->z ? -1 : 1;
    return (p->r > q->r) - (p->r < q->r);
}

/* sum(map(truediv, values, count(1))) as Python's sum computes it */
typedef struct { double s, c; } Sum;

static inline void
sum_add(Sum *acc, double x)
{
#if PY_VERSION_HEX >= 0x030C0000
    double t = acc->s + x;
    if (fabs(acc->s) >= fabs(x))
        acc->c += (acc->s - t) + x;
    else
        acc->c += (x - t) + acc->s;
    acc->s = t;
#else
    acc->s += x;
#endif
}

static inline double
sum_end(const Sum *acc)
{
#if PY_VERSION_HEX >= 0x030C0000
    if (acc->c != 0.0 && isfinite(acc->c))
        return acc->s + acc->c;
#endif
    return acc->s;
}

static inline double
sigmoid(double z)
{
    if (z >= 0)
        return 1.0 / (1.0 + exp(-z));
    double x = exp(z);
    return x / (1.0 + x);
}

typedef struct {
    TokVec t, tt;                  /* text and title tokens */
    IMap gmap, smap, kmap;
    WGroup *wg; Py_ssize_t nwg, capwg;
    Hit *hits; Py_ssize_t nhits, caphits;
    Py_ssize_t *fl; Py_ssize_t nfl, capfl;      /* flagged text positions */
    Occ *occ; Py_ssize_t nocc, capocc;
    Neg *neg; Py_ssize_t nneg, capneg;
    Group *groups; Py_ssize_t ngroups, capgroups;
    Pair *epairs; Py_ssize_t nep, capep;
    OccOrder *oo;
    double *S, *z, *conf, *best, *ch_conf, *ch_s;
    int32_t *dcount;
    uint8_t *incand, *haschosen;
    int32_t *pool, *passing, *chosen, *chain;
    Rank *rank;
    Item *items;
} Doc;

static void
doc_free(Doc *d)
{
    PyMem_Free(d->t.v);
    PyMem_Free(d->tt.v);
    PyMem_Free(d->t.fl);
    PyMem_Free(d->tt.fl);
    imap_free(&d->gmap);
    imap_free(&d->smap);
    imap_free(&d->kmap);
    PyMem_Free(d->wg);
    PyMem_Free(d->hits);
    PyMem_Free(d->fl);
    PyMem_Free(d->occ);
    PyMem_Free(d->neg);
    PyMem_Free(d->groups);
    PyMem_Free(d->epairs);
    PyMem_Free(d->oo);
    PyMem_Free(d->S);
    PyMem_Free(d->dcount);
    PyMem_Free(d->pool);
    PyMem_Free(d->rank);
    PyMem_Free(d->items);
}

static int
occ_add(Doc *d, int32_t key, int64_t z, int32_t r, int cls, Py_ssize_t fs, Py_ssize_t fe)
{
    int32_t oi = imap_get(&d->kmap, key);
    Occ *o;
    if (oi < 0) {
        if (GROW(d->occ, d->capocc, d->nocc + 1) < 0)
            return -1;
        if (d->nocc >= INT32_MAX) {
            PyErr_NoMemory();
            return -1;
        }
        oi = (int32_t)d->nocc++;
        if (imap_put(&d->kmap, key, oi) < 0)
            return -1;
        o = &d->occ[oi];
        memset(o, 0, sizeof(*o));
        o->key = key;
        o->lastpos = -1;
        o->oz = z;
        o->orow = r;
        o->fs = -1;
        o->fe = -1;
    }
    else {
        o = &d->occ[oi];
        if (z < o->oz || (z == o->oz && r < o->orow)) {
            o->oz = z;
            o->orow = r;
        }
    }
    /* the positions of one key come in order (its rows share one shape), so a repeat of the
       same position is the last one recorded */
    if (z != o->lastpos) {
        o->cnt[cls]++;
        o->lastpos = z;
    }
    if (fs >= 0 && (o->fs < 0 || fs < o->fs)) {
        o->fs = fs;
        o->fe = fe;
    }
    return 0;
}

static int
neg_add(Doc *d, int64_t z, int32_t r, int title, Py_ssize_t start, Py_ssize_t end, double factor)
{
    if (GROW(d->neg, d->capneg, d->nneg + 1) < 0)
        return -1;
    Neg *g = &d->neg[d->nneg++];
    g->z = z;
    g->r = r;
    g->title = title;
    g->start = start;
    g->end = end;
    g->factor = factor;
    return 0;
}

#define TITLE_ZONE ((int64_t)1 << 40)

static PyObject *
run_doc(Engine *e, Doc *d, PyObject *text, PyObject *title, Py_ssize_t nl, PyObject *egroups)
{
    if (tokenize(e, text, &d->t) < 0)
        return NULL;
    int has_title = title != Py_None;
    if (has_title && tokenize(e, title, &d->tt) < 0)
        return NULL;
    /* from here on, no Python code runs until the results are built: the tables are stable */
    const Tok *toks = d->t.v;
    const Py_ssize_t n = d->t.n, m = has_title ? d->tt.n : 0;
    const Surf *surfs = e->surfs;
    const double tw = e->tw, lw = e->lw;
    const double *H = e->H;
    const Py_ssize_t top = e->top;
    Py_ssize_t title_tok = 0, lead_tok = 0;
    if (e->lead_chars > 0)
        lead_tok = count_before(&d->t, e->lead_chars);
    if (nl > 0) {
        Py_ssize_t tl = PyUnicode_GET_LENGTH(text);
        title_tok = count_before(&d->t, nl);
        Py_ssize_t L = nl + e->lead_chars;
        if (L < 0) {
            L += tl;
            if (L < 0)
                L = 0;
        }
        Py_ssize_t lt = count_before(&d->t, L);
        if (lt > lead_tok)
            lead_tok = lt;
    }
    if (imap_init(&d->gmap, 64) < 0 || imap_init(&d->smap, 64) < 0 || imap_init(&d->kmap, 32) < 0)
        return NULL;

    /* -- single-word cue groups -------------------------------------------------------- */
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!(d->t.fl[i] & 1))
            continue;
        const Surf *sf = &surfs[toks[i].sid];
        if (GROW(d->fl, d->capfl, d->nfl + 1) < 0)
            return NULL;
        d->fl[d->nfl++] = i;
        if (sf->gid < 0)
            continue;
        if (imap_get(&d->smap, toks[i].sid) < 0) {
            if (imap_put(&d->smap, toks[i].sid, 1) < 0 || GROW(d->hits, d->caphits, d->nhits + 1) < 0)
                return NULL;
            Hit *h = &d->hits[d->nhits++];
            h->s = e->sarena + sf->off;
            h->len = sf->len;
            h->sid = toks[i].sid;
        }
        int32_t lg = imap_get(&d->gmap, sf->gid);
        if (lg < 0) {
            if (GROW(d->wg, d->capwg, d->nwg + 1) < 0)
                return NULL;
            lg = (int32_t)d->nwg++;
            if (imap_put(&d->gmap, sf->gid, lg) < 0)
                return NULL;
            memset(&d->wg[lg], 0, sizeof(WGroup));
            d->wg[lg].gid = sf->gid;
            d->wg[lg].first = i;
        }
        WGroup *g = &d->wg[lg];
        g->count++;
        if (i < title_tok)
            g->ztx++;
        else if (i < lead_tok)
            g->zl++;
    }
    for (Py_ssize_t j = 0; j < m; j++) {
        const Surf *sf = &surfs[d->tt.v[j].sid];
        if (sf->gid < 0)
            continue;
        if (imap_get(&d->smap, d->tt.v[j].sid) < 0) {
            if (imap_put(&d->smap, d->tt.v[j].sid, 1) < 0 || GROW(d->hits, d->caphits, d->nhits + 1) < 0)
                return NULL;
            Hit *h = &d->hits[d->nhits++];
            h->s = e->sarena + sf->off;
            h->len = sf->len;
            h->sid = d->tt.v[j].sid;
        }
        int32_t lg = imap_get(&d->gmap, sf->gid);
        if (lg < 0) {
            if (GROW(d->wg, d->capwg, d->nwg + 1) < 0)
                return NULL;
            lg = (int32_t)d->nwg++;
            if (imap_put(&d->gmap, sf->gid, lg) < 0)
                return NULL;
            memset(&d->wg[lg], 0, sizeof(WGroup));
            d->wg[lg].gid = sf->gid;
            d->wg[lg].first = -1;
        }
        d->wg[lg].zt++;
    }
    if (d->nhits > 1)
        qsort(d->hits, (size_t)d->nhits, sizeof(Hit), cmp_hit);
    const int zones = lead_tok > 0 || m > 0;
    for (Py_ssize_t k = 0; k < d->nhits; k++) {
        int32_t lg = imap_get(&d->gmap, surfs[d->hits[k].sid].gid);
        WGroup *g = &d->wg[lg];
        if (g->ordered)
            continue;
        g->ordered = 1;
        double f;
        if (zones && (g->zl || g->ztx || g->zt)) {
            Py_ssize_t nti = g->zt, nt = nti + g->ztx, a3 = g->count + nti, a2 = nt + g->zl;
            if (a3 > top) {
                nt = nt < top ? nt : top;
                a2 = a2 < top ? a2 : top;
                a3 = top;
            }
            f = tw * H[nt] + lw * (H[a2] - H[nt]) + (H[a3] - H[a2]);
        }
        else {
            f = H[g->count < top ? g->count : top];
        }
        if (GROW(d->groups, d->capgroups, d->ngroups + 1) < 0)
            return NULL;
        Group *gr = &d->groups[d->ngroups++];
        gr->f = f;
        gr->pairs = e->gp + e->g_off[g->gid];
        gr->np = e->g_n[g->gid];
        if (g->first >= 0) {
            gr->s0 = toks[g->first].start;
            gr->s1 = gr->s0 + toks[g->first].clen;
        }
        else {
            gr->s0 = gr->s1 = -1;
        }
    }

    /* -- phrases and negative cues ------------------------------------------------------ */
    for (int zone = 0; zone < 2; zone++) {
        const TokVec *tv = zone ? &d->tt : &d->t;
        const Py_ssize_t cnt = tv->n;
        const Tok *tk = tv->v;
        const int64_t zbase = zone ? TITLE_ZONE : 0;
        if (zone && !has_title)
            break;
        /* through the opening word pair */
        if (cnt > 1 && e->nbg > 0) {
            for (Py_ssize_t i = 0; i + 1 < cnt; i++) {
                uint8_t f1 = tv->fl[i], f2 = tv->fl[i + 1];
                if (!(((f1 >> 1) & 7) & ((f2 >> 4) & 7)))
                    continue;
                const Bigram *b = bigram_find(e, &surfs[tk[i].sid], &surfs[tk[i + 1].sid]);
                if (b == NULL)
                    continue;
                int cls = zone || i < title_tok ? 0 : (i < lead_tok ? 1 : 2);
                double factor = cls == 0 ? tw : (cls == 1 ? lw : 1.0);
                for (int32_t p = 0; p < b->pn; p++) {
                    const Plan *pl = &e->plans[b->poff + p];
                    Py_ssize_t end = i + pl->last;
                    if (end >= cnt)
                        continue;
                    if (pl->cn && !checks_hold(e, tk, cnt, i, pl->coff, pl->cn))
                        continue;
                    if (e->row_neg[pl->r]) {
                        if (neg_add(d, zbase + i, pl->r, zone, i, end, factor) < 0)
                            return NULL;
                        continue;
                    }
                    if (occ_add(d, e->row_key[pl->r], zbase + i, pl->r, cls, zone ? -1 : i, end) < 0)
                        return NULL;
                }
            }
        }
        /* through the anchor word */
        Py_ssize_t nf = zone ? cnt : d->nfl;
        for (Py_ssize_t q = 0; q < nf; q++) {
            Py_ssize_t i = zone ? q : d->fl[q];
            const Surf *sf = &surfs[tk[i].sid];
            if (sf->ph_n == 0)
                continue;
            for (int32_t h = 0; h < sf->ph_n; h++) {
                int32_t dd = e->ph[sf->ph_off + 2 * h], r = e->ph[sf->ph_off + 2 * h + 1];
                Py_ssize_t start = i + dd, end = start + e->row_en[r] - 1;
                if (start < 0 || end >= cnt)
                    continue;
                if (!checks_hold(e, tk, cnt, start, e->row_eoff[r], e->row_en[r]))
                    continue;
                int cls = zone || start < title_tok ? 0 : (start < lead_tok ? 1 : 2);
                double factor = cls == 0 ? tw : (cls == 1 ? lw : 1.0);
                if (e->row_neg[r]) {
                    if (neg_add(d, zbase + start, r, zone, start, end, factor) < 0)
                        return NULL;
                    continue;
                }
                if (occ_add(d, e->row_key[r], zbase + start, r, cls, zone ? -1 : start, end) < 0)
                    return NULL;
            }
        }
    }
    if (d->nocc > 0) {
        d->oo = PyMem_Malloc((size_t)d->nocc * sizeof(OccOrder));
        if (d->oo == NULL) {
            PyErr_NoMemory();
            return NULL;
        }
        for (Py_ssize_t k = 0; k < d->nocc; k++) {
            d->oo[k].z = d->occ[k].oz;
            d->oo[k].r = d->occ[k].orow;
            d->oo[k].oi = (int32_t)k;
        }
        if (d->nocc > 1)
            qsort(d->oo, (size_t)d->nocc, sizeof(OccOrder), cmp_occ);
        /* the factor values, largest first (equal values: either order gives the same sum) */
        double val[3] = {tw, lw, 1.0};
        int ord[3] = {0, 1, 2};
        for (int a = 0; a < 3; a++)
            for (int b = a + 1; b < 3; b++)
                if (val[ord[b]] > val[ord[a]]) {
                    int t = ord[a];
                    ord[a] = ord[b];
                    ord[b] = t;
                }
        if (GROW(d->groups, d->capgroups, d->ngroups + d->nocc) < 0)
            return NULL;
        for (Py_ssize_t k = 0; k < d->nocc; k++) {
            const Occ *o = &d->occ[d->oo[k].oi];
            Py_ssize_t total = o->cnt[0] + o->cnt[1] + o->cnt[2];
            double f;
            if (total == 1) {
                f = o->cnt[0] ? val[0] : (o->cnt[1] ? val[1] : val[2]);
            }
            else {
                Sum acc = {0.0, 0.0};
                Py_ssize_t kk = 1;
                for (int a = 0; a < 3; a++) {
                    double v = val[ord[a]];
                    for (Py_ssize_t c = 0; c < o->cnt[ord[a]]; c++, kk++)
                        sum_add(&acc, v / (double)kk);
                }
                f = sum_end(&acc);
            }
            Group *gr = &d->groups[d->ngroups++];
            gr->f = f;
            gr->pairs = e->kp + e->key_off[o->key];
            gr->np = e->key_n[o->key];
            if (o->fs >= 0) {
                gr->s0 = toks[o->fs].start;
                gr->s1 = toks[o->fe].start + toks[o->fe].clen;
            }
            else {
                gr->s0 = gr->s1 = -1;
            }
        }
    }

    /* -- entity groups (computed in Python) ------------------------------------------- */
    if (egroups != Py_None) {
        PyObject *f = FAST(egroups, "egroups must be a sequence");
        if (f == NULL)
            return NULL;
        Py_ssize_t ne = PySequence_Fast_GET_SIZE(f);
        Py_ssize_t total = 0;
        for (Py_ssize_t k = 0; k < ne; k++) {
            PyObject *it = PySequence_Fast_GET_ITEM(f, k);
            if (!PyTuple_Check(it) || PyTuple_GET_SIZE(it) != 3 || !PyTuple_Check(PyTuple_GET_ITEM(it, 2))) {
                Py_DECREF(f);
                PyErr_SetString(PyExc_TypeError, "an entity group is (f, first, pairs)");
                return NULL;
            }
            total += PyTuple_GET_SIZE(PyTuple_GET_ITEM(it, 2));
        }
        if (GROW(d->epairs, d->capep, total + 1) < 0 || GROW(d->groups, d->capgroups, d->ngroups + ne) < 0) {
            Py_DECREF(f);
            return NULL;
        }
        for (Py_ssize_t k = 0; k < ne; k++) {
            PyObject *it = PySequence_Fast_GET_ITEM(f, k);
            double fv;
            int32_t np;
            Py_ssize_t s0 = -1, s1 = -1;
            if (get_double(PyTuple_GET_ITEM(it, 0), &fv) < 0)
                goto efail;
            PyObject *first = PyTuple_GET_ITEM(it, 1);
            if (first != Py_None) {
                if (!PyTuple_Check(first) || PyTuple_GET_SIZE(first) != 2) {
                    PyErr_SetString(PyExc_TypeError, "an entity span is (start, end)");
                    goto efail;
                }
                s0 = PyLong_AsSsize_t(PyTuple_GET_ITEM(first, 0));
                if (s0 == -1 && PyErr_Occurred())
                    goto efail;
                s1 = PyLong_AsSsize_t(PyTuple_GET_ITEM(first, 1));
                if (s1 == -1 && PyErr_Occurred())
                    goto efail;
                if (s0 < 0) {
                    PyErr_SetString(PyExc_ValueError, "negative entity span");
                    goto efail;
                }
            }
            Py_ssize_t off = parse_pairs(e, PyTuple_GET_ITEM(it, 2), &d->epairs, &d->nep, &d->capep, &np);
            if (off < 0)
                goto efail;
            Group *gr = &d->groups[d->ngroups++];
            gr->f = fv;
            gr->s0 = s0;
            gr->s1 = s1;
            gr->pairs = d->epairs + off;  /* capacity reserved above: no realloc */
            gr->np = np;
        }
        Py_DECREF(f);
        goto edone;
efail:
        Py_DECREF(f);
        return NULL;
    }
edone:;

    /* -- scores ------------------------------------------------------------------------- */
    const int32_t T = e->nterms;
    d->S = PyMem_Calloc((size_t)T * 6 + 4, sizeof(double));
    d->dcount = PyMem_Calloc((size_t)T * 6 + 4, sizeof(int32_t));
    d->pool = PyMem_Malloc(((size_t)T * 5 + 4) * sizeof(int32_t));
    d->rank = PyMem_Malloc(((size_t)T + 1) * sizeof(Rank));
    if (d->S == NULL || d->dcount == NULL || d->pool == NULL || d->rank == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    double *S = d->S, *z = S + T, *conf = z + T, *best = conf + T, *ch_conf = best + T, *ch_s = ch_conf + T;
    int32_t *dcount = d->dcount;
    uint8_t *incand = (uint8_t *)(dcount + T), *haschosen = incand + T, *hasconf = haschosen + T;
    int32_t *pool = d->pool, *passing = pool + T, *chosen = passing + T, *chain = chosen + T;
    int32_t *touched = chain + T;  /* the nodes with a score, in no particular order */
    Py_ssize_t ntouched = 0, npairs = 0;
    (void)best;
    for (Py_ssize_t gi = 0; gi < d->ngroups; gi++) {
        const Group *g = &d->groups[gi];
        npairs += g->np;
        for (int32_t p = 0; p < g->np; p++) {
            int32_t node = g->pairs[p].node;
            S[node] += g->pairs[p].w * g->f;
            if (dcount[node]++ == 0)
                touched[ntouched++] = node;
        }
    }
    if (d->nneg > 0) {
        if (d->nneg > 1)
            qsort(d->neg, (size_t)d->nneg, sizeof(Neg), cmp_neg);
        for (Py_ssize_t k = 0; k < d->nneg; k++) {
            const Neg *g = &d->neg[k];
            const int32_t r = g->r, term = e->row_term[r];
            const Tok *tk = g->title ? d->tt.v : toks;
            double masked = 0.0;
            for (Py_ssize_t p = g->start; p <= g->end; p++) {
                const Surf *sf = &surfs[tk[p].sid];
                for (int32_t o = 0; o < sf->own_n; o++) {
                    if (e->own[sf->own_off + o].node == term) {
                        double w = e->own[sf->own_off + o].w;
                        if (w > masked)
                            masked = w;
                        break;
                    }
                }
            }
            double amount = (masked > e->row_w[r] ? masked : e->row_w[r]) * g->factor;
            for (int32_t q = 0; q < e->row_nn[r]; q++) {
                int32_t node = e->nodes[e->row_noff[r] + q];
                if (dcount[node] > 0)
                    S[node] -= amount;
            }
        }
    }

    /* -- the themes that may pass, and the choice ------------------------------------- */
    const double floor_ = e->floor_;
    Py_ssize_t npool = 0;
    int32_t maxlev = e->maxlev;
    double *bestlev = PyMem_Calloc((size_t)maxlev + 2, sizeof(double));
    if (bestlev == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t k = 0; k < ntouched; k++) {
        int32_t t = touched[k];
        if (S[t] >= floor_ && S[t] > 0 && e->rolls[t]) {
            pool[npool++] = t;
            int32_t lv = e->level[t];
            if (S[t] > bestlev[lv])
                bestlev[lv] = S[t];
        }
    }
    Py_ssize_t npass = 0;
    for (Py_ssize_t k = 0; k < npool; k++) {
        int32_t t = pool[k];
        double s = S[t];
        double zz = e->bias + e->a_s * log1p(s) + e->a_r * (s / bestlev[e->level[t]])
            + e->a_d * log1p((double)dcount[t]) + e->zlevel[t];
        z[t] = zz;
        incand[t] = 1;
        if (zz >= e->zcut)
            passing[npass++] = t;
    }
    PyMem_Free(bestlev);
    PyObject *out = PyList_New(0);
    if (out == NULL || npass == 0)
        return out;
    for (Py_ssize_t k = 0; k < npass; k++) {
        int32_t t = passing[k];
        conf[t] = sigmoid(z[t]);
        hasconf[t] = 1;
    }
    if (npass > 1) {
        for (Py_ssize_t k = 0; k < npass; k++) {
            int32_t t = passing[k];
            d->rank[k].a = conf[t];
            d->rank[k].b = S[t];
            d->rank[k].crank = e->crank[t];
            d->rank[k].node = t;
        }
        qsort(d->rank, (size_t)npass, sizeof(Rank), cmp_rank);
        for (Py_ssize_t k = 0; k < npass; k++)
            passing[k] = d->rank[k].node;
    }
    Py_ssize_t nchosen = 0;
    for (Py_ssize_t k = 0; k < npass; k++) {
        int32_t t = passing[k];
        double c = conf[t];
        if (c < e->threshold)
            break;
        if (haschosen[t] || (e->level[t] > e->max_level && e->deep[t]))
            continue;
        Py_ssize_t nch = 0;
        chain[nch++] = t;
        for (int32_t p = e->parent[t]; p >= 0; p = e->parent[p])
            if (!haschosen[p])
                chain[nch++] = p;
        if (nchosen + nch > e->max_tags)
            continue;
        double s_t = S[t];
        for (Py_ssize_t q = 0; q < nch; q++) {
            int32_t i = chain[q];
            if (!haschosen[i])
                chosen[nchosen++] = i;
            haschosen[i] = 1;
            if (incand[i]) {
                if (!hasconf[i]) {
                    conf[i] = sigmoid(z[i]);
                    hasconf[i] = 1;
                }
                ch_conf[i] = conf[i];
                ch_s[i] = S[i];
            }
            else {
                ch_conf[i] = c;
                ch_s[i] = s_t;
            }
        }
        for (int32_t p = e->parent[t]; p >= 0; p = e->parent[p])
            if (ch_conf[p] < c)
                ch_conf[p] = c;
    }
    if (nchosen == 0)
        return out;
    for (Py_ssize_t k = 0; k < nchosen; k++) {
        int32_t t = chosen[k];
        d->rank[k].a = ch_conf[t];
        d->rank[k].b = ch_s[t];
        d->rank[k].crank = e->crank[t];
        d->rank[k].node = t;
    }
    if (nchosen > 1)
        qsort(d->rank, (size_t)nchosen, sizeof(Rank), cmp_rank);

    /* -- evidence ----------------------------------------------------------------------- */
    /* one pass over the groups puts each chosen node's contributions in its bucket, in group
       order; each bucket is then sorted by value (ties keep the group order) */
    d->items = PyMem_Malloc(((size_t)npairs + 1) * sizeof(Item));
    Py_ssize_t cap_ev = e->max_ev < d->ngroups ? e->max_ev : d->ngroups;  /* spans kept at most */
    Py_ssize_t *spans = PyMem_Malloc(((size_t)cap_ev * 2 + 2) * sizeof(Py_ssize_t));
    Py_ssize_t *boff = PyMem_Malloc(((size_t)nchosen * 2 + 2) * sizeof(Py_ssize_t));
    if (d->items == NULL || spans == NULL || boff == NULL) {
        PyMem_Free(spans);
        PyMem_Free(boff);
        Py_DECREF(out);
        PyErr_NoMemory();
        return NULL;
    }
    Py_ssize_t *bfill = boff + nchosen + 1;
    int32_t *sel = pool;  /* node -> its rank among the chosen, or -1 (pool is free again) */
    for (Py_ssize_t k = 0; k < ntouched; k++)
        sel[touched[k]] = -1;
    for (Py_ssize_t k = 0; k < nchosen; k++) {
        sel[d->rank[k].node] = (int32_t)k;
        boff[k] = 0;
    }
    for (Py_ssize_t gi = 0; gi < d->ngroups; gi++) {
        const Group *g = &d->groups[gi];
        for (int32_t p = 0; p < g->np; p++)
            if (dcount[g->pairs[p].node] > 0 && sel[g->pairs[p].node] >= 0)
                boff[sel[g->pairs[p].node]]++;
    }
    {
        Py_ssize_t acc = 0;
        for (Py_ssize_t k = 0; k < nchosen; k++) {
            Py_ssize_t c = boff[k];
            boff[k] = acc;
            bfill[k] = acc;
            acc += c;
        }
        boff[nchosen] = acc;
    }
    for (Py_ssize_t gi = 0; gi < d->ngroups; gi++) {
        const Group *g = &d->groups[gi];
        for (int32_t p = 0; p < g->np; p++) {
            int32_t node = g->pairs[p].node;
            if (dcount[node] > 0 && sel[node] >= 0) {
                Item *it = &d->items[bfill[sel[node]]++];
                it->v = g->pairs[p].w * g->f;
                it->gi = gi;
            }
        }
    }
    for (Py_ssize_t k = 0; k < nchosen; k++) {
        int32_t t = d->rank[k].node;
        Item *items = d->items + boff[k];
        Py_ssize_t ni = boff[k + 1] - boff[k];
        if (ni > 1)
            qsort(items, (size_t)ni, sizeof(Item), cmp_item);
        Py_ssize_t ns = 0;
        for (Py_ssize_t q = 0; q < ni && ns < e->max_ev; q++) {
            const Group *g = &d->groups[items[q].gi];
            if (g->s0 < 0)
                continue;
            int dup = 0;
            for (Py_ssize_t w = 0; w < ns; w++)
                if (spans[2 * w] == g->s0 && spans[2 * w + 1] == g->s1) {
                    dup = 1;
                    break;
                }
            if (dup)
                continue;
            spans[2 * ns] = g->s0;
            spans[2 * ns + 1] = g->s1;
            ns++;
        }
        PyObject *ev = PyList_New(ns);
        if (ev == NULL)
            goto ofail;
        for (Py_ssize_t w = 0; w < ns; w++) {
            PyObject *sp = Py_BuildValue("[nn]", spans[2 * w], spans[2 * w + 1]);
            if (sp == NULL) {
                Py_DECREF(ev);
                goto ofail;
            }
            PyList_SET_ITEM(ev, w, sp);
        }
        PyObject *row = Py_BuildValue("(iddN)", (int)t, ch_conf[t], ch_s[t], ev);
        if (row == NULL)
            goto ofail;
        int rc = PyList_Append(out, row);
        Py_DECREF(row);
        if (rc < 0)
            goto ofail;
    }
    PyMem_Free(spans);
    PyMem_Free(boff);
    return out;
ofail:
    PyMem_Free(spans);
    PyMem_Free(boff);
    Py_DECREF(out);
    return NULL;
}

static PyObject *
Engine_run(Engine *e, PyObject *args)
{
    PyObject *text, *title, *egroups;
    Py_ssize_t nl;
    if (!PyArg_ParseTuple(args, "UOnO:run", &text, &title, &nl, &egroups))
        return NULL;
    if (title != Py_None && !PyUnicode_Check(title)) {
        PyErr_SetString(PyExc_TypeError, "title must be a str or None");
        return NULL;
    }
    if (nl < -1 || nl > PyUnicode_GET_LENGTH(text)) {
        PyErr_SetString(PyExc_ValueError, "nl must be -1 or a position in the text");
        return NULL;
    }
    long pid = (long)getpid();
    unsigned long thread = PyThread_get_thread_ident();
    if (e->busy && e->busy_pid != pid && e->busy_thread != thread)
        e->busy = 0; /* set by another thread of the parent before fork(): that run is not here */
    if (e->busy)
        Py_RETURN_NONE; /* another run is inside the engine: the caller takes the Python path */
    if (e->nsurf > e->limit)
        clear_surfaces(e);
    e->busy = 1;
    e->busy_pid = pid;
    e->busy_thread = thread;
    Doc d;
    memset(&d, 0, sizeof(d));
    PyObject *res = run_doc(e, &d, text, title, nl, egroups);
    doc_free(&d);
    e->busy = 0;
    return res;
}

static PyObject *
Engine_size(Engine *e, PyObject *Py_UNUSED(ignored))
{
    return PyLong_FromSsize_t(e->nsurf);
}

/* ---------------------------------------------------------------------------------------- */
/* construction                                                                             */

static int
Engine_init(Engine *e, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"describe", "H", "config", "terms", "rows", "keys", "bigrams", "limit", NULL};
    PyObject *describe, *Hs, *config, *terms, *rows, *keys, *bigrams;
    Py_ssize_t limit;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOOOn:Engine", kwlist, &describe, &Hs, &config,
                                     &terms, &rows, &keys, &bigrams, &limit))
        return -1;
    if (e->describe != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "Engine is already initialised");
        return -1;
    }
    if (!PyCallable_Check(describe)) {
        PyErr_SetString(PyExc_TypeError, "describe must be callable");
        return -1;
    }
    Py_INCREF(describe);
    e->describe = describe;
    e->gids = PyDict_New();
    if (e->gids == NULL)
        return -1;
    e->limit = limit;
    PyObject *f = NULL;
    /* config */
    {
        double tw, lw, th, fl, zc, b, as, ar, ad;
        Py_ssize_t lc, mev, mlv, mtg;
        if (!PyArg_ParseTuple(config, "ddnnnnddddddd:config", &tw, &lw, &lc, &mev, &mlv, &mtg, &th, &fl, &zc,
                              &b, &as, &ar, &ad))
            return -1;
        e->a_d = ad;
        e->tw = tw;
        e->lw = lw;
        e->lead_chars = lc;
        e->max_ev = mev;
        e->max_level = mlv;
        e->max_tags = mtg;
        e->threshold = th;
        e->floor_ = fl;
        e->zcut = zc;
        e->bias = b;
        e->a_s = as;
        e->a_r = ar;
        if (mev < 0 || lc > PY_SSIZE_T_MAX / 4 || lc < -(PY_SSIZE_T_MAX / 4)) {
            PyErr_SetString(PyExc_ValueError, "max_evidence or lead_chars out of range");
            return -1;
        }
    }
    /* harmonic numbers */
    f = FAST(Hs, "H must be a sequence");
    if (f == NULL)
        return -1;
    {
        Py_ssize_t nh = PySequence_Fast_GET_SIZE(f);
        if (nh < 2 || nh > INT32_MAX) {
            PyErr_SetString(PyExc_ValueError, "H too short");
            goto fail;
        }
        e->H = PyMem_Malloc((size_t)nh * sizeof(double));
        if (e->H == NULL) {
            PyErr_NoMemory();
            goto fail;
        }
        for (Py_ssize_t i = 0; i < nh; i++)
            if (get_double(PySequence_Fast_GET_ITEM(f, i), &e->H[i]) < 0)
                goto fail;
        e->top = (int32_t)(nh - 1);
    }
    Py_CLEAR(f);
    /* terms: (level, parent, rolls, deep, zlevel, code rank) */
    f = FAST(terms, "terms must be a sequence");
    if (f == NULL)
        return -1;
    {
        Py_ssize_t nt = PySequence_Fast_GET_SIZE(f);
        if (nt > INT32_MAX / 8) {
            PyErr_SetString(PyExc_ValueError, "too many terms");
            goto fail;
        }
        e->nterms = (int32_t)nt;
        size_t sz = (size_t)nt + 1;
        e->level = PyMem_Malloc(sz * sizeof(int32_t));
        e->parent = PyMem_Malloc(sz * sizeof(int32_t));
        e->crank = PyMem_Malloc(sz * sizeof(int32_t));
        e->rolls = PyMem_Malloc(sz);
        e->deep = PyMem_Malloc(sz);
        e->zlevel = PyMem_Malloc(sz * sizeof(double));
        if (!e->level || !e->parent || !e->crank || !e->rolls || !e->deep || !e->zlevel) {
            PyErr_NoMemory();
            goto fail;
        }
        e->maxlev = 0;
        for (Py_ssize_t i = 0; i < nt; i++) {
            long lv, par, ro, dp, cr;
            double zl;
            if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(f, i), "llppdl:term", &lv, &par, &ro, &dp, &zl, &cr))
                goto fail;
            if (lv < 0 || lv > nt + 1 || par < -1 || par >= nt) {
                PyErr_SetString(PyExc_ValueError, "term level or parent out of range");
                goto fail;
            }
            e->level[i] = (int32_t)lv;
            e->parent[i] = (int32_t)par;
            e->rolls[i] = (uint8_t)ro;
            e->deep[i] = (uint8_t)dp;
            e->zlevel[i] = zl;
            e->crank[i] = (int32_t)cr;
            if (lv > e->maxlev)
                e->maxlev = (int32_t)lv;
        }
        /* the parent chains must end (the Python component checked it; a loop here would hang) */
        for (Py_ssize_t i = 0; i < nt; i++) {
            Py_ssize_t steps = 0;
            for (int32_t p = e->parent[i]; p >= 0; p = e->parent[p])
                if (++steps > nt) {
                    PyErr_SetString(PyExc_ValueError, "a cycle in the parents");
                    goto fail;
                }
        }
    }
    Py_CLEAR(f);
    /* rows: (full, key, negative, term, weight, nodes) */
    f = FAST(rows, "rows must be a sequence");
    if (f == NULL)
        return -1;
    {
        Py_ssize_t nr = PySequence_Fast_GET_SIZE(f);
        if (nr > INT32_MAX / 4) {
            PyErr_SetString(PyExc_ValueError, "too many rows");
            goto fail;
        }
        e->nrows = (int32_t)nr;
        size_t sz = (size_t)nr + 1;
        e->row_eoff = PyMem_Malloc(sz * sizeof(int32_t));
        e->row_en = PyMem_Malloc(sz * sizeof(int32_t));
        e->row_key = PyMem_Malloc(sz * sizeof(int32_t));
        e->row_term = PyMem_Malloc(sz * sizeof(int32_t));
        e->row_noff = PyMem_Malloc(sz * sizeof(int32_t));
        e->row_nn = PyMem_Malloc(sz * sizeof(int32_t));
        e->row_neg = PyMem_Malloc(sz);
        e->row_w = PyMem_Malloc(sz * sizeof(double));
        if (!e->row_eoff || !e->row_en || !e->row_key || !e->row_term || !e->row_noff || !e->row_nn
                || !e->row_neg || !e->row_w) {
            PyErr_NoMemory();
            goto fail;
        }
        for (Py_ssize_t i = 0; i < nr; i++) {
            PyObject *it = PySequence_Fast_GET_ITEM(f, i);
            PyObject *full, *nodes;
            long key, term;
            int neg;
            double w;
            if (!PyArg_ParseTuple(it, "OlpldO:row", &full, &key, &neg, &term, &w, &nodes))
                goto fail;
            if (term < 0 || term >= e->nterms) {
                PyErr_SetString(PyExc_ValueError, "row term out of range");
                goto fail;
            }
            int32_t en;
            Py_ssize_t eoff = parse_elems(e, full, &en);
            if (eoff < 0)
                goto fail;
            if (en < 1 || eoff > INT32_MAX) {
                PyErr_SetString(PyExc_ValueError, "a row has no words");
                goto fail;
            }
            /* the elements of a row are its words in order: k = 0, 1, ... */
            for (int32_t j = 0; j < en; j++)
                if (e->elems[eoff + j].k != j) {
                    PyErr_SetString(PyExc_ValueError, "row elements out of order");
                    goto fail;
                }
            e->row_eoff[i] = (int32_t)eoff;
            e->row_en[i] = en;
            e->row_key[i] = (int32_t)key;
            e->row_neg[i] = (uint8_t)neg;
            e->row_term[i] = (int32_t)term;
            e->row_w[i] = w;
            PyObject *nf = FAST(nodes, "row nodes must be a sequence");
            if (nf == NULL)
                goto fail;
            Py_ssize_t nn = PySequence_Fast_GET_SIZE(nf);
            if (GROW(e->nodes, e->capnodes, e->nnodes + nn) < 0) {
                Py_DECREF(nf);
                goto fail;
            }
            e->row_noff[i] = (int32_t)e->nnodes;
            e->row_nn[i] = (int32_t)nn;
            for (Py_ssize_t j = 0; j < nn; j++) {
                long node;
                if (get_long(PySequence_Fast_GET_ITEM(nf, j), &node) < 0) {
                    Py_DECREF(nf);
                    goto fail;
                }
                if (node < 0 || node >= e->nterms) {
                    Py_DECREF(nf);
                    PyErr_SetString(PyExc_ValueError, "row node out of range");
                    goto fail;
                }
                e->nodes[e->nnodes++] = (int32_t)node;
            }
            Py_DECREF(nf);
        }
    }
    Py_CLEAR(f);
    /* keys: the (node, weight) pairs of each phrase key */
    f = FAST(keys, "keys must be a sequence");
    if (f == NULL)
        return -1;
    {
        Py_ssize_t nk = PySequence_Fast_GET_SIZE(f);
        if (nk > INT32_MAX / 4) {
            PyErr_SetString(PyExc_ValueError, "too many keys");
            goto fail;
        }
        e->nkeys = (int32_t)nk;
        e->key_off = PyMem_Malloc(((size_t)nk + 1) * sizeof(int32_t));
        e->key_n = PyMem_Malloc(((size_t)nk + 1) * sizeof(int32_t));
        if (!e->key_off || !e->key_n) {
            PyErr_NoMemory();
            goto fail;
        }
        for (Py_ssize_t i = 0; i < nk; i++) {
            int32_t cnt;
            Py_ssize_t off = parse_pairs(e, PySequence_Fast_GET_ITEM(f, i), &e->kp, &e->nkp, &e->capkp, &cnt);
            if (off < 0)
                goto fail;
            e->key_off[i] = (int32_t)off;
            e->key_n[i] = cnt;
        }
    }
    Py_CLEAR(f);
    for (int32_t r = 0; r < e->nrows; r++) {
        if (!e->row_neg[r] && e->row_en[r] > 1 && (e->row_key[r] < 0 || e->row_key[r] >= e->nkeys)) {
            PyErr_SetString(PyExc_ValueError, "phrase row without a key");
            return -1;
        }
    }
    /* bigrams: (first, second, ((row, last, checks), ...)) */
    f = FAST(bigrams, "bigrams must be a sequence");
    if (f == NULL)
        return -1;
    {
        Py_ssize_t nb = PySequence_Fast_GET_SIZE(f);
        size_t cap = 16;
        while ((Py_ssize_t)cap < nb * 2 + 2)
            cap <<= 1;
        e->bg = PyMem_Calloc(cap, sizeof(Bigram));
        if (e->bg == NULL) {
            PyErr_NoMemory();
            goto fail;
        }
        e->bgmask = cap - 1;
        for (Py_ssize_t i = 0; i < nb; i++) {
            PyObject *a, *b, *plan;
            if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(f, i), "SSO:bigram", &a, &b, &plan))
                goto fail;
            Bigram g;
            memset(&g, 0, sizeof(g));
            g.alen = (int32_t)PyBytes_GET_SIZE(a);
            g.blen = (int32_t)PyBytes_GET_SIZE(b);
            g.hash = hpair(hbytes((const unsigned char *)PyBytes_AS_STRING(a), g.alen),
                           hbytes((const unsigned char *)PyBytes_AS_STRING(b), g.blen));
            if ((g.aoff = carena_add(e, a)) < 0 || (g.boff = carena_add(e, b)) < 0)
                goto fail;
            PyObject *pf = FAST(plan, "a plan must be a sequence");
            if (pf == NULL)
                goto fail;
            Py_ssize_t np = PySequence_Fast_GET_SIZE(pf);
            if (np < 1 || GROW(e->plans, e->capplans, e->nplans + np) < 0) {
                Py_DECREF(pf);
                if (!PyErr_Occurred())
                    PyErr_SetString(PyExc_ValueError, "an empty plan");
                goto fail;
            }
            g.poff = (int32_t)e->nplans;
            g.pn = (int32_t)np;
            for (Py_ssize_t j = 0; j < np; j++) {
                long r, last;
                PyObject *checks;
                if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(pf, j), "llO:plan", &r, &last, &checks)) {
                    Py_DECREF(pf);
                    goto fail;
                }
                if (r < 0 || r >= e->nrows || last < 1 || last != e->row_en[r] - 1) {
                    Py_DECREF(pf);
                    PyErr_SetString(PyExc_ValueError, "plan row out of range");
                    goto fail;
                }
                if (!e->row_neg[r] && (e->row_key[r] < 0 || e->row_key[r] >= e->nkeys)) {
                    Py_DECREF(pf);
                    PyErr_SetString(PyExc_ValueError, "plan row without a key");
                    goto fail;
                }
                int32_t cn;
                Py_ssize_t coff = parse_elems(e, checks, &cn);
                if (coff < 0) {
                    Py_DECREF(pf);
                    goto fail;
                }
                Plan *pl = &e->plans[e->nplans++];
                pl->r = (int32_t)r;
                pl->last = (int32_t)last;
                pl->coff = (int32_t)coff;
                pl->cn = cn;
            }
            Py_DECREF(pf);
            size_t k = (size_t)g.hash & e->bgmask;
            while (e->bg[k].pn != 0)
                k = (k + 1) & e->bgmask;
            e->bg[k] = g;
            e->nbg++;
        }
    }
    Py_CLEAR(f);
    e->stab = PyMem_Calloc(1024, sizeof(Slot));
    if (e->stab == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    e->stmask = 1023;
    return 0;
fail:
    Py_XDECREF(f);
    return -1;
}

static int
Engine_traverse(Engine *e, visitproc visit, void *arg)
{
    Py_VISIT(e->describe);
    Py_VISIT(e->gids);
    return 0;
}

static int
Engine_clear(Engine *e)
{
    Py_CLEAR(e->describe);
    Py_CLEAR(e->gids);
    return 0;
}

static void
Engine_dealloc(Engine *e)
{
    PyObject_GC_UnTrack(e);
    Engine_clear(e);
    PyMem_Free(e->H);
    PyMem_Free(e->level);
    PyMem_Free(e->parent);
    PyMem_Free(e->crank);
    PyMem_Free(e->rolls);
    PyMem_Free(e->deep);
    PyMem_Free(e->zlevel);
    PyMem_Free(e->carena);
    PyMem_Free(e->elems);
    PyMem_Free(e->row_eoff);
    PyMem_Free(e->row_en);
    PyMem_Free(e->row_key);
    PyMem_Free(e->row_term);
    PyMem_Free(e->row_noff);
    PyMem_Free(e->row_nn);
    PyMem_Free(e->row_neg);
    PyMem_Free(e->row_w);
    PyMem_Free(e->nodes);
    PyMem_Free(e->key_off);
    PyMem_Free(e->key_n);
    PyMem_Free(e->kp);
    PyMem_Free(e->bg);
    PyMem_Free(e->plans);
    PyMem_Free(e->surfs);
    PyMem_Free(e->stab);
    PyMem_Free(e->sarena);
    PyMem_Free(e->own);
    PyMem_Free(e->ph);
    PyMem_Free(e->g_off);
    PyMem_Free(e->g_n);
    PyMem_Free(e->gp);
    Py_TYPE(e)->tp_free((PyObject *)e);
}

static PyObject *
Engine_runcheck(Engine *e, PyObject *args)
{
    if (e->describe == NULL || e->stab == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "Engine is not initialised");
        return NULL;
    }
    return Engine_run(e, args);
}

static PyMethodDef Engine_methods[] = {
    {"run", (PyCFunction)Engine_runcheck, METH_VARARGS,
     "run(text, title, nl, egroups) -> [(node, confidence, score, evidence), ...] in rank order,\n"
     "or None while another run() is inside this engine (then use the Python path)"},
    {"surfaces", (PyCFunction)Engine_size, METH_NOARGS, "How many surface forms are cached."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject EngineType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "newskit_themes._speedups.Engine",
    .tp_basicsize = sizeof(Engine),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "The per-document scoring and selection of the themes component.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Engine_init,
    .tp_dealloc = (destructor)Engine_dealloc,
    .tp_traverse = (traverseproc)Engine_traverse,
    .tp_clear = (inquiry)Engine_clear,
    .tp_methods = Engine_methods,
};

static struct PyModuleDef speedups_module = {
    .m_base = PyModuleDef_HEAD_INIT,
    .m_name = "newskit_themes._speedups",
    .m_doc = "C accelerator of the themes component (optional; the Python code is the reference).",
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    if (PyType_Ready(&EngineType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&speedups_module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&EngineType);
    if (PyModule_AddObject(m, "Engine", (PyObject *)&EngineType) < 0) {
        Py_DECREF(&EngineType);
        Py_DECREF(m);
        return NULL;
    }
    /* the source this module was built from (setup.py): Python refuses a stale build */
    if (PyModule_AddStringConstant(m, "SOURCE_SHA256", NEWSKIT_SOURCE_SHA256) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
