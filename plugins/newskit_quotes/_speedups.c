/* Optional C accelerator of the ``quotes`` component.
 *
 * The pure-Python modules (_finder.py, _marks.py, _text.py) are the reference: every
 * function here computes exactly what its Python counterpart computes, on any Unicode
 * text, and the tests compare the two on the dev set, on arbitrary text and on the BBC
 * corpus. No rule or word list is written here: the tables (cue words, phrases, word
 * classes) come from the data files through the Python lexicon and are handed to a
 * ``Scanner`` object built once per component (no global mutable state).
 *
 * Character classes use the same Unicode predicates as ``str`` methods and ``re``:
 * ``str.isalnum`` / ``\w`` (minus "_") is Py_UNICODE_ISALNUM, ``\s`` / ``str.isspace`` is
 * Py_UNICODE_ISSPACE, and so on. Every loop is linear in the text it reads.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#ifndef NEWSKIT_SOURCE_SHA256
#define NEWSKIT_SOURCE_SHA256 "" /* built without setup.py: never taken for a current build */
#endif
#include <structmember.h>
#include <stdint.h>

/* ---------------------------------------------------------------------------------- */
/* small helpers                                                                        */

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t n;
} Txt;

#define CH(t, i) PyUnicode_READ((t)->kind, (t)->data, (i))
/* ASCII first, by table (the Unicode predicates are function calls; on ASCII they agree
   with [0-9A-Za-z] and [A-Za-z]) */
#define ISALNUM(c) uni_isalnum(c)
#define ISSPACE(c) Py_UNICODE_ISSPACE(c)
#define ISALPHA(c) uni_isalpha(c)
#define ISUPPER(c) Py_UNICODE_ISUPPER(c)

static int
txt_init(Txt *t, PyObject *s)
{
    if (!PyUnicode_Check(s)) {
        PyErr_SetString(PyExc_TypeError, "expected str");
        return -1;
    }
    if (PyUnicode_READY(s) < 0)
        return -1;
    t->kind = PyUnicode_KIND(s);
    t->data = PyUnicode_DATA(s);
    t->n = PyUnicode_GET_LENGTH(s);
    return 0;
}

typedef struct {
    Py_ssize_t *v;
    Py_ssize_t n, cap;
} IVec;

static int
iv_push(IVec *a, Py_ssize_t x)
{
    if (a->n == a->cap) {
        Py_ssize_t nc = a->cap ? a->cap * 2 : 32;
        Py_ssize_t *p = PyMem_Realloc(a->v, (size_t)nc * sizeof(Py_ssize_t));
        if (p == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        a->v = p;
        a->cap = nc;
    }
    a->v[a->n++] = x;
    return 0;
}

static void
iv_free(IVec *a)
{
    PyMem_Free(a->v);
    a->v = NULL;
    a->n = a->cap = 0;
}

static PyObject *
iv_to_list(IVec *a)
{
    PyObject *l = PyList_New(a->n);
    if (l == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < a->n; i++) {
        PyObject *x = PyLong_FromSsize_t(a->v[i]);
        if (x == NULL) {
            Py_DECREF(l);
            return NULL;
        }
        PyList_SET_ITEM(l, i, x);
    }
    return l;
}

/* character flags of the Latin-1 range, for the skip loops over 1-byte strings (constant
   once the module is initialised) */
#define F_ASCII_ALNUM 1
#define F_MARK 2 /* a character that may be a quotation mark */
#define F_SENT 4 /* a character that may start a sentence boundary */
static unsigned char ch_flags[256];
/* the lower case of each Latin-1 character (str.lower maps none of them out of Latin-1, nor
   across 128, and none to several characters) */
static Py_UCS1 latin1_lower[256];

static void
init_flags(void)
{
    for (int c = 0; c < 256; c++) {
        unsigned char f = 0;
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            f |= F_ASCII_ALNUM;
        if (c == '"' || c == '\'' || c == 0xAB || c == 0xBB)
            f |= F_MARK;
        if (c == '.' || c == '!' || c == '?' || c == '\n')
            f |= F_SENT;
        ch_flags[c] = f;
        Py_UCS4 l = Py_UNICODE_TOLOWER((Py_UCS4)c);
        latin1_lower[c] = (Py_UCS1)(l < 256 && (l >= 128) == (c >= 128) ? l : (Py_UCS4)c);
    }
}

static int
is_ascii_alnum(Py_UCS4 c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_ascii_letter(Py_UCS4 c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int
uni_isalnum(Py_UCS4 c)
{
    return c < 128 ? (ch_flags[c] & F_ASCII_ALNUM) != 0 : Py_UNICODE_ISALNUM(c);
}

static inline int
uni_isalpha(Py_UCS4 c)
{
    return c < 128 ? is_ascii_letter(c) : Py_UNICODE_ISALPHA(c);
}

/* Python's ``text[start:stop]`` bounds for a possibly negative ``start`` (stop >= 0). */
static void
py_slice(Py_ssize_t n, Py_ssize_t *start, Py_ssize_t *stop)
{
    if (*start < 0) {
        *start += n;
        if (*start < 0)
            *start = 0;
    }
    if (*stop > n)
        *stop = n;
    if (*start > *stop)
        *start = *stop;
}

/* ``text[start:stop].isalpha()`` with Python's slice semantics */
static int
slice_isalpha(Txt *t, Py_ssize_t start, Py_ssize_t stop)
{
    py_slice(t->n, &start, &stop);
    if (start >= stop)
        return 0;
    for (Py_ssize_t i = start; i < stop; i++)
        if (!ISALPHA(CH(t, i)))
            return 0;
    return 1;
}

/* ``s.lower()`` of a substring, then whether it is in ``set``; -1 on error */
static int
lower_in_set(PyObject *s, Py_ssize_t a, Py_ssize_t b, PyObject *set, int last_two)
{
    if (b - a <= 16) {
        /* ASCII only (the usual case): lower-case here, as str.lower does for ASCII */
        Py_UCS1 buf[16];
        int kind = PyUnicode_KIND(s);
        const void *data = PyUnicode_DATA(s);
        Py_ssize_t k = 0;
        for (; k < b - a; k++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, a + k);
            if (c >= 128)
                break;
            buf[k] = (Py_UCS1)((c >= 'A' && c <= 'Z') ? c + 32 : c);
        }
        if (k == b - a) {
            Py_ssize_t off = 0, len = b - a;
            if (last_two && len > 2) {
                off = len - 2;
                len = 2;
            }
            PyObject *low = PyUnicode_FromKindAndData(PyUnicode_1BYTE_KIND, buf + off, len);
            if (low == NULL)
                return -1;
            int r = PySet_Contains(set, low);
            Py_DECREF(low);
            return r;
        }
    }
    PyObject *sub = PyUnicode_Substring(s, a, b);
    if (sub == NULL)
        return -1;
    PyObject *low = PyObject_CallMethod(sub, "lower", NULL);
    Py_DECREF(sub);
    if (low == NULL)
        return -1;
    if (last_two && PyUnicode_GET_LENGTH(low) > 2) {
        Py_ssize_t m = PyUnicode_GET_LENGTH(low);
        PyObject *tail = PyUnicode_Substring(low, m - 2, m);
        Py_DECREF(low);
        if (tail == NULL)
            return -1;
        low = tail;
    }
    int r = PySet_Contains(set, low);
    Py_DECREF(low);
    return r;
}

/* ---------------------------------------------------------------------------------- */
/* quotation marks (_marks.py)                                                          */

#define R_OPEN 1
#define R_CLOSE 2
#define R_EITHER 3

static int
is_double_mark(Py_UCS4 c)
{
    return c == '"' || c == 0x201C || c == 0x201D || c == 0x201E || c == 0xAB || c == 0xBB;
}

static int
is_single_mark(Py_UCS4 c)
{
    return c == '\'' || c == 0x2018 || c == 0x2019 || c == 0x2039 || c == 0x203A;
}

/* _OPEN_LEFT = "([{—–-/\"“”„'‘’«»‹›" */
static int
in_open_left(Py_UCS4 c)
{
    switch (c) {
    case '(': case '[': case '{': case 0x2014: case 0x2013: case '-': case '/':
    case '"': case 0x201C: case 0x201D: case 0x201E: case '\'': case 0x2018: case 0x2019:
    case 0xAB: case 0xBB: case 0x2039: case 0x203A:
        return 1;
    }
    return 0;
}

/* _CLOSE_RIGHT = ".,;:!?)]}—–-…\"“”„'‘’«»‹›/" */
static int
in_close_right(Py_UCS4 c)
{
    switch (c) {
    case '.': case ',': case ';': case ':': case '!': case '?': case ')': case ']': case '}':
    case 0x2014: case 0x2013: case '-': case 0x2026:
    case '"': case 0x201C: case 0x201D: case 0x201E: case '\'': case 0x2018: case 0x2019:
    case 0xAB: case 0xBB: case 0x2039: case 0x203A: case '/':
        return 1;
    }
    return 0;
}

static int
role_double(Txt *t, Py_ssize_t i)
{
    Py_UCS4 ch = CH(t, i);
    Py_UCS4 left = i > 0 ? CH(t, i - 1) : ' ';
    Py_UCS4 right = i + 1 < t->n ? CH(t, i + 1) : ' ';
    int lo = ISSPACE(left) || in_open_left(left);
    int rc = ISSPACE(right) || in_close_right(right);
    if (ch == 0x201C || ch == 0x201E || ch == 0xAB)
        return (rc && !lo && ISSPACE(right)) ? R_CLOSE : R_OPEN;
    if (ch == 0x201D || ch == 0xBB)
        return (lo && ISSPACE(left) && !rc) ? R_OPEN : R_CLOSE;
    if (lo && !rc)
        return R_OPEN;
    if (rc && !lo)
        return R_CLOSE;
    if (lo && rc)
        return ISSPACE(left) ? 0 : R_CLOSE;
    return R_EITHER;
}

static int
role_single(Txt *t, Py_ssize_t i)
{
    Py_UCS4 ch = CH(t, i);
    Py_UCS4 left = i > 0 ? CH(t, i - 1) : ' ';
    Py_UCS4 right = i + 1 < t->n ? CH(t, i + 1) : ' ';
    if (ISALNUM(left) && ISALNUM(right))
        return 0;
    int lo = ISSPACE(left) || in_open_left(left);
    int rc = ISSPACE(right) || in_close_right(right);
    if (ch == 0x2018 || ch == 0x2039)
        return !ISSPACE(right) ? R_OPEN : 0;
    if (lo && ISALPHA(right)) {
        if (ch == 0x2019)
            return 0;
        return R_OPEN;
    }
    if (rc && !ISSPACE(left))
        return R_CLOSE;
    return 0;
}

static Py_ssize_t
find_char(Txt *t, Py_UCS4 c, Py_ssize_t a, Py_ssize_t b)
{
    for (Py_ssize_t i = a; i < b; i++)
        if (CH(t, i) == c)
            return i;
    return -1;
}

static Py_ssize_t
rfind_char(Txt *t, Py_UCS4 c, Py_ssize_t a, Py_ssize_t b)
{
    for (Py_ssize_t i = b - 1; i >= a; i--)
        if (CH(t, i) == c)
            return i;
    return -1;
}

static int
range_isspace(Txt *t, Py_ssize_t a, Py_ssize_t b)
{
    if (a >= b)
        return 0;
    for (Py_ssize_t i = a; i < b; i++)
        if (!ISSPACE(CH(t, i)))
            return 0;
    return 1;
}

#define MAX_INDENT 12

/* _marks._pair: appends Quoted objects to ``out``; opens/closes of them to ``oc`` (pairs) */
static int
pair_marks(Txt *t, IVec *pos, int single, PyObject *quoted_cls, PyObject *out, IVec *oc)
{
    Py_ssize_t open_at = -1, content = 0, last = 0;
    IVec parts = {0};
    int rv = -1;
    for (Py_ssize_t k = 0; k < pos->n; k++) {
        Py_ssize_t i = pos->v[k];
        int r = single ? role_single(t, i) : role_double(t, i);
        if (!r)
            continue;
        if (open_at >= 0) {
            Py_ssize_t nl = find_char(t, '\n', last, i);
            if (nl != -1) {
                Py_ssize_t last_nl = rfind_char(t, '\n', nl, i);
                if ((r & R_OPEN) && i - last_nl <= MAX_INDENT
                    && (last_nl + 1 == i || range_isspace(t, last_nl + 1, i))
                    && (last_nl == nl
                        || (last_nl - nl <= MAX_INDENT && range_isspace(t, nl, last_nl)))) {
                    Py_ssize_t end = nl;
                    while (end > content && ISSPACE(CH(t, end - 1)))
                        end--;
                    if (end > content) {
                        if (iv_push(&parts, content) < 0 || iv_push(&parts, end) < 0)
                            goto done;
                    }
                    content = i + 1;
                    last = i + 1;
                    continue;
                }
                open_at = -1;
                parts.n = 0;
            }
            else {
                if (r & R_CLOSE) {
                    if (i > content) {
                        if (iv_push(&parts, content) < 0 || iv_push(&parts, i) < 0)
                            goto done;
                    }
                    if (parts.n) {
                        PyObject *pl = PyList_New(parts.n / 2);
                        if (pl == NULL)
                            goto done;
                        for (Py_ssize_t p = 0; p < parts.n / 2; p++) {
                            PyObject *tup = Py_BuildValue("(nn)", parts.v[2 * p], parts.v[2 * p + 1]);
                            if (tup == NULL) {
                                Py_DECREF(pl);
                                goto done;
                            }
                            PyList_SET_ITEM(pl, p, tup);
                        }
                        PyObject *q = PyObject_CallFunction(quoted_cls, "nnOO", open_at, i, pl,
                                                            single ? Py_True : Py_False);
                        Py_DECREF(pl);
                        if (q == NULL)
                            goto done;
                        int e = PyList_Append(out, q);
                        Py_DECREF(q);
                        if (e < 0 || iv_push(oc, open_at) < 0 || iv_push(oc, i) < 0)
                            goto done;
                    }
                    open_at = -1;
                    parts.n = 0;
                    continue;
                }
                open_at = i;
                content = i + 1;
                last = i + 1;
                parts.n = 0;
                continue;
            }
        }
        if (r & R_OPEN) {
            open_at = i;
            content = i + 1;
            last = i + 1;
            parts.n = 0;
        }
    }
    rv = 0;
done:
    iv_free(&parts);
    return rv;
}

static PyObject *
sp_find_quoted(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *text, *quoted_cls;
    int single_quotes;
    if (!PyArg_ParseTuple(args, "UpO:find_quoted", &text, &single_quotes, &quoted_cls))
        return NULL;
    Txt t;
    if (txt_init(&t, text) < 0)
        return NULL;
    IVec dpos = {0}, spos = {0}, doc = {0}, soc = {0};
    PyObject *doubles = PyList_New(0), *singles = NULL, *res = NULL;
    if (doubles == NULL)
        goto done;
    for (Py_ssize_t i = 0; i < t.n; i++) {
        if (t.kind == PyUnicode_1BYTE_KIND) {
            const Py_UCS1 *d = t.data;
            while (i < t.n && !(ch_flags[d[i]] & F_MARK))
                i++;
            if (i >= t.n)
                break;
        }
        Py_UCS4 c = CH(&t, i);
        if (c < 128 && !(c == '"' || c == '\''))
            continue;
        if (is_double_mark(c)) {
            if (iv_push(&dpos, i) < 0)
                goto done;
        }
        else if (single_quotes && is_single_mark(c)) {
            /* not between two letters or digits */
            if (!(i > 0 && ISALNUM(CH(&t, i - 1)) && i + 1 < t.n && ISALNUM(CH(&t, i + 1)))) {
                if (iv_push(&spos, i) < 0)
                    goto done;
            }
        }
    }
    if (dpos.n && pair_marks(&t, &dpos, 0, quoted_cls, doubles, &doc) < 0)
        goto done;
    if (!single_quotes || spos.n == 0) {
        res = doubles;
        doubles = NULL;
        goto done;
    }
    if (doc.n) {
        /* singles inside a double-quoted stretch belong to it */
        Py_ssize_t keep = 0, k = -1, nd = doc.n / 2;
        for (Py_ssize_t j = 0; j < spos.n; j++) {
            Py_ssize_t p = spos.v[j];
            while (k + 1 < nd && doc.v[2 * (k + 1)] <= p)
                k++;
            if (k >= 0 && doc.v[2 * k] < p && p < doc.v[2 * k + 1])
                continue;
            spos.v[keep++] = p;
        }
        spos.n = keep;
    }
    singles = PyList_New(0);
    if (singles == NULL)
        goto done;
    if (spos.n && pair_marks(&t, &spos, 1, quoted_cls, singles, &soc) < 0)
        goto done;
    if (PyList_GET_SIZE(singles) == 0) {
        res = doubles;
        doubles = NULL;
        goto done;
    }
    {
        Py_ssize_t nd = PyList_GET_SIZE(doubles), ns = PyList_GET_SIZE(singles);
        res = PyList_New(nd + ns);
        if (res == NULL)
            goto done;
        Py_ssize_t a = 0, b = 0, o = 0;
        while (a < nd || b < ns) {
            PyObject *x;
            if (b >= ns || (a < nd && doc.v[2 * a] <= soc.v[2 * b]))
                x = PyList_GET_ITEM(doubles, a++);
            else
                x = PyList_GET_ITEM(singles, b++);
            Py_INCREF(x);
            PyList_SET_ITEM(res, o++, x);
        }
    }
done:
    Py_XDECREF(doubles);
    Py_XDECREF(singles);
    iv_free(&dpos);
    iv_free(&spos);
    iv_free(&doc);
    iv_free(&soc);
    return res;
}

/* ---------------------------------------------------------------------------------- */
/* sentence boundaries (_text.Sentences._scan)                                          */

static int
is_final(Py_UCS4 c)
{
    return c == '.' || c == '!' || c == '?';
}

/* closers after final punctuation: "\"”’')]" */
static int
is_closer(Py_UCS4 c)
{
    return c == '"' || c == 0x201D || c == 0x2019 || c == '\'' || c == ')' || c == ']';
}

/* the (\"“‘' characters that _abbreviation strips off a word's start */
static int
is_strip(Py_UCS4 c)
{
    return c == '(' || c == '"' || c == 0x201C || c == 0x2018 || c == '\'';
}

/* _text._abbreviation: 1, 0, or -1 on error */
static int
abbreviation(PyObject *text, Txt *t, Py_ssize_t dot, PyObject *abbreviations)
{
    if (dot == 0 || !ISALPHA(CH(t, dot - 1)))
        return 0;
    Py_ssize_t lo = dot - 12 > 0 ? dot - 12 : 0;
    Py_ssize_t k = rfind_char(t, ' ', lo, dot);
    Py_ssize_t ws;
    if (k == -1 && dot > 12) {
        Py_ssize_t lead = 0;
        while (lead < t->n && is_strip(CH(t, lead)))
            lead++;
        if (dot - lead >= 12)
            return 0;
        ws = lead;
    }
    else {
        ws = k + 1;
        while (ws < dot && is_strip(CH(t, ws)))
            ws++;
    }
    Py_ssize_t len = dot - ws;
    if (len < 0)
        len = 0; /* text[lead:dot] with lead > dot is empty */
    if (len == 1)
        return ISUPPER(CH(t, ws)) ? 1 : 0;
    if (len >= 12)
        return 0;
    return lower_in_set(text, ws, ws + len, abbreviations, 0);
}

static PyObject *
sp_sentences(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *text, *abbreviations, *endings;
    if (!PyArg_ParseTuple(args, "UOO:sentences", &text, &abbreviations, &endings))
        return NULL;
    Txt t;
    if (txt_init(&t, text) < 0)
        return NULL;
    IVec ends = {0}, starts = {0};
    PyObject *res = NULL, *l1 = NULL, *l2 = NULL;
    Py_ssize_t n = t.n, i = 0;
    while (i < n) {
        if (t.kind == PyUnicode_1BYTE_KIND) {
            const Py_UCS1 *d = t.data;
            while (i < n && !(ch_flags[d[i]] & F_SENT))
                i++;
            if (i >= n)
                break;
        }
        Py_UCS4 c = CH(&t, i);
        Py_ssize_t end;
        if (c == '\n') {
            end = i + 1;
        }
        else if (is_final(c)) {
            Py_ssize_t j = i + 1;
            while (j < n && is_final(CH(&t, j)))
                j++;
            while (j < n && is_closer(CH(&t, j)))
                j++;
            if (j < n) {
                if (!ISSPACE(CH(&t, j))) {
                    i++;
                    continue;
                }
                while (j < n && ISSPACE(CH(&t, j)))
                    j++;
            }
            end = j;
            if (c == '.') {
                /* a period that may close an abbreviation (as _ABBR_DOT and the checks
                   after it in _scan): then it is no boundary */
                Py_ssize_t a = i;
                if (a >= 1 && ISALPHA(CH(&t, a - 1))
                    && !(a >= 5 && is_ascii_letter(CH(&t, a - 5)) && is_ascii_letter(CH(&t, a - 4))
                         && is_ascii_letter(CH(&t, a - 3)) && is_ascii_letter(CH(&t, a - 2))
                         && is_ascii_letter(CH(&t, a - 1)))
                    && !slice_isalpha(&t, a - 5, a)) {
                    int skip = 0;
                    if (a >= 2 && ISALPHA(CH(&t, a - 2))) {
                        int in = lower_in_set(text, a - 2, a, endings, 1);
                        if (in < 0)
                            goto done;
                        if (!in)
                            skip = 1;
                    }
                    if (!skip) {
                        int ab = abbreviation(text, &t, a, abbreviations);
                        if (ab < 0)
                            goto done;
                        if (ab) {
                            i = end;
                            continue;
                        }
                    }
                }
            }
        }
        else {
            i++;
            continue;
        }
        if (iv_push(&ends, i) < 0 || iv_push(&starts, end) < 0)
            goto done;
        i = end;
    }
    l1 = iv_to_list(&ends);
    if (l1 == NULL)
        goto done;
    l2 = iv_to_list(&starts);
    if (l2 == NULL)
        goto done;
    res = PyTuple_Pack(2, l1, l2);
done:
    Py_XDECREF(l1);
    Py_XDECREF(l2);
    iv_free(&ends);
    iv_free(&starts);
    return res;
}

/* ---------------------------------------------------------------------------------- */
/* Scanner: the cue words of one lexicon as a trie                                      */

typedef struct {
    Py_UCS4 *chars;
    int *kids;
    int n, cap;
    int word; /* index of the word ending here, or -1 */
} TNode;

struct WEntry {
    uint64_t hash;
    Py_ssize_t off, len; /* in wpool; len 0: an empty slot */
    uint64_t mask;
};

typedef struct {
    PyObject *cue;  /* the single-word Cue or None */
    PyObject *text; /* phrase text (str) */
    Py_ssize_t off, size;
} Phrase;

typedef struct {
    PyObject_HEAD
    TNode *nodes;
    int n_nodes, cap_nodes;
    int root_ascii[128];
    /* pair[a][b >> 3] bit (b & 7): some word starts with ASCII a then ASCII b, or is the one
       character a (b = 0), or goes on with a non-ASCII character (then all bits are set) */
    unsigned char pair[128][16];
    /* tri_id[a][b]: 0, or the index in ``tri`` of the bitmap of the characters that may
       follow ASCII a then ASCII b at a word start: the third letters of the words starting
       with ab (all bits when one goes on with a non-ASCII character), and, when ab is itself
       a word, every ASCII character that is not a letter or digit. 0 (no restriction) for a
       pair whose first letter is a word, and for pairs beyond the 255th */
    unsigned char tri_id[128][128];
    unsigned char tri[256][16];
    int has_non_ascii_start;
    int n_words;
    PyObject **word_cue;    /* per word: its single-word Cue, or Py_None */
    Py_ssize_t *phr_start;  /* per word: first phrase index, or -1 */
    Py_ssize_t *phr_count;
    Phrase *phrases;
    Py_ssize_t n_phrases;
    /* word classes: open-addressing hash table of lower-case words -> class bits */
    struct WEntry *wtab;
    Py_ssize_t wtab_size; /* a power of two, or 0 before set_classes */
    Py_UCS4 *wpool;
    Py_ssize_t wpool_n, wpool_cap;
    Py_ssize_t max_wlen;
    /* the longest word of each class */
    Py_ssize_t cls_maxlen[64];
    /* the words of the RELATIVE and THAT classes (searched as substrings) */
    Py_ssize_t *rel_off, *rel_len;
    Py_ssize_t n_rel;
    Py_ssize_t *that_off, *that_len;
    Py_ssize_t n_that;
    /* the first characters of those words (bit c: some word starts with ASCII c), and
       whether one starts with a non-ASCII character (then every position is tried) */
    unsigned char rel_first[16], that_first[16];
    int rel_wide, that_wide;
    PyObject *s_np, *s_pronoun, *s_none, *fallback;
    PyObject *a_participle, *a_source; /* attribute names of a Cue */
} Scanner;

static int
trie_new_node(Scanner *s)
{
    if (s->n_nodes == s->cap_nodes) {
        int nc = s->cap_nodes ? s->cap_nodes * 2 : 256;
        TNode *p = PyMem_Realloc(s->nodes, (size_t)nc * sizeof(TNode));
        if (p == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        s->nodes = p;
        s->cap_nodes = nc;
    }
    TNode *nd = &s->nodes[s->n_nodes];
    nd->chars = NULL;
    nd->kids = NULL;
    nd->n = nd->cap = 0;
    nd->word = -1;
    return s->n_nodes++;
}

static int
trie_child(Scanner *s, int node, Py_UCS4 c)
{
    if (node == 0 && c < 128)
        return s->root_ascii[c];
    TNode *nd = &s->nodes[node];
    for (int k = 0; k < nd->n; k++)
        if (nd->chars[k] == c)
            return nd->kids[k];
    return -1;
}

static int
trie_add_child(Scanner *s, int node, Py_UCS4 c)
{
    int kid = trie_new_node(s);
    if (kid < 0)
        return -1;
    TNode *nd = &s->nodes[node]; /* after the realloc */
    if (nd->n == nd->cap) {
        int nc = nd->cap ? nd->cap * 2 : 4;
        Py_UCS4 *pc = PyMem_Realloc(nd->chars, (size_t)nc * sizeof(Py_UCS4));
        if (pc == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        nd->chars = pc;
        int *pk = PyMem_Realloc(nd->kids, (size_t)nc * sizeof(int));
        if (pk == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        nd->kids = pk;
        nd->cap = nc;
    }
    nd->chars[nd->n] = c;
    nd->kids[nd->n] = kid;
    nd->n++;
    if (node == 0 && c < 128)
        s->root_ascii[c] = kid;
    return kid;
}

static void
Scanner_dealloc(Scanner *s)
{
    for (int i = 0; i < s->n_nodes; i++) {
        PyMem_Free(s->nodes[i].chars);
        PyMem_Free(s->nodes[i].kids);
    }
    PyMem_Free(s->nodes);
    if (s->word_cue) {
        for (int i = 0; i < s->n_words; i++)
            Py_XDECREF(s->word_cue[i]);
        PyMem_Free(s->word_cue);
    }
    PyMem_Free(s->phr_start);
    PyMem_Free(s->phr_count);
    if (s->phrases) {
        for (Py_ssize_t i = 0; i < s->n_phrases; i++) {
            Py_XDECREF(s->phrases[i].cue);
            Py_XDECREF(s->phrases[i].text);
        }
        PyMem_Free(s->phrases);
    }
    PyMem_Free(s->wtab);
    PyMem_Free(s->wpool);
    PyMem_Free(s->rel_off);
    PyMem_Free(s->rel_len);
    PyMem_Free(s->that_off);
    PyMem_Free(s->that_len);
    Py_XDECREF(s->s_np);
    Py_XDECREF(s->s_pronoun);
    Py_XDECREF(s->s_none);
    Py_XDECREF(s->fallback);
    Py_XDECREF(s->a_participle);
    Py_XDECREF(s->a_source);
    Py_TYPE(s)->tp_free((PyObject *)s);
}

/* Scanner_init's last step: the three-character filter (tri_id, tri) read off the trie */
static void
build_tri(Scanner *s)
{
    int next = 1;
    for (int c0 = 0; c0 < 128; c0++) {
        int n0 = s->root_ascii[c0];
        if (n0 < 0 || s->nodes[n0].word >= 0)
            continue; /* no word, or a one-letter word: the pair filter decides alone */
        TNode *nd0 = &s->nodes[n0];
        for (int k = 0; k < nd0->n; k++) {
            Py_UCS4 c1 = nd0->chars[k];
            if (c1 >= 128)
                continue;
            if (next == 256)
                return; /* the remaining pairs stay unrestricted */
            int id = next++;
            unsigned char *bits = s->tri[id];
            TNode *nd1 = &s->nodes[nd0->kids[k]];
            for (int m = 0; m < nd1->n; m++) {
                Py_UCS4 c2 = nd1->chars[m];
                if (c2 >= 128)
                    memset(bits, 0xff, 16);
                else
                    bits[c2 >> 3] |= (unsigned char)(1u << (c2 & 7));
            }
            if (nd1->word >= 0) /* the two letters are a word: any non-alphanumeric may follow */
                for (int c2 = 0; c2 < 128; c2++)
                    if (!is_ascii_alnum((Py_UCS4)c2))
                        bits[c2 >> 3] |= (unsigned char)(1u << (c2 & 7));
            s->tri_id[c0][c1] = (unsigned char)id;
        }
    }
}

/* Scanner(words, cues, phrases): ``words`` the trigger words (lower-case str), ``cues``
   their single-word Cue or None, ``phrases`` their phrases as a tuple of (Cue, text,
   offset of the word in the phrase, phrase length), or None. */
static int
Scanner_init(Scanner *s, PyObject *args, PyObject *kwds)
{
    (void)kwds;
    PyObject *words, *cues, *phrases;
    if (!PyArg_ParseTuple(args, "O!O!O!:Scanner", &PyList_Type, &words, &PyList_Type, &cues,
                          &PyList_Type, &phrases))
        return -1;
    if (s->nodes != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "Scanner already initialised");
        return -1;
    }
    Py_ssize_t nw = PyList_GET_SIZE(words);
    if (PyList_GET_SIZE(cues) != nw || PyList_GET_SIZE(phrases) != nw || nw > INT_MAX / 2) {
        PyErr_SetString(PyExc_ValueError, "words, cues and phrases differ in length");
        return -1;
    }
    for (int c = 0; c < 128; c++)
        s->root_ascii[c] = -1;
    if (trie_new_node(s) < 0)
        return -1;
    s->word_cue = PyMem_Calloc((size_t)(nw ? nw : 1), sizeof(PyObject *));
    s->phr_start = PyMem_Calloc((size_t)(nw ? nw : 1), sizeof(Py_ssize_t));
    s->phr_count = PyMem_Calloc((size_t)(nw ? nw : 1), sizeof(Py_ssize_t));
    if (!s->word_cue || !s->phr_start || !s->phr_count) {
        PyErr_NoMemory();
        return -1;
    }
    s->n_words = (int)nw;
    Py_ssize_t total = 0;
    for (Py_ssize_t w = 0; w < nw; w++) {
        PyObject *ph = PyList_GET_ITEM(phrases, w);
        if (ph != Py_None) {
            if (!PyTuple_Check(ph)) {
                PyErr_SetString(PyExc_TypeError, "phrases: tuple or None expected");
                return -1;
            }
            total += PyTuple_GET_SIZE(ph);
        }
    }
    s->phrases = PyMem_Calloc((size_t)(total ? total : 1), sizeof(Phrase));
    if (s->phrases == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t w = 0; w < nw; w++) {
        PyObject *word = PyList_GET_ITEM(words, w);
        Txt wt;
        if (txt_init(&wt, word) < 0)
            return -1;
        if (wt.n == 0) {
            PyErr_SetString(PyExc_ValueError, "empty trigger word");
            return -1;
        }
        int node = 0;
        for (Py_ssize_t i = 0; i < wt.n; i++) {
            Py_UCS4 c = CH(&wt, i);
            int kid = trie_child(s, node, c);
            if (kid < 0) {
                kid = trie_add_child(s, node, c);
                if (kid < 0)
                    return -1;
            }
            node = kid;
        }
        s->nodes[node].word = (int)w;
        {
            Py_UCS4 c0 = CH(&wt, 0);
            if (c0 >= 128)
                s->has_non_ascii_start = 1;
            else if (wt.n == 1)
                memset(s->pair[c0], 0xff, 16);
            else {
                Py_UCS4 c1 = CH(&wt, 1);
                if (c1 >= 128)
                    memset(s->pair[c0], 0xff, 16);
                else
                    s->pair[c0][c1 >> 3] |= (unsigned char)(1u << (c1 & 7));
            }
        }
        PyObject *cue = PyList_GET_ITEM(cues, w);
        Py_INCREF(cue);
        s->word_cue[w] = cue;
        PyObject *ph = PyList_GET_ITEM(phrases, w);
        s->phr_start[w] = -1;
        s->phr_count[w] = 0;
        if (ph != Py_None) {
            s->phr_start[w] = s->n_phrases;
            for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(ph); k++) {
                PyObject *item = PyTuple_GET_ITEM(ph, k);
                PyObject *pc, *ptext;
                Py_ssize_t off, size;
                if (!PyArg_ParseTuple(item, "OUnn", &pc, &ptext, &off, &size))
                    return -1;
                if (size < 0) { /* resolve_hit reads the character at start + size */
                    PyErr_SetString(PyExc_ValueError, "phrases: negative phrase length");
                    return -1;
                }
                Phrase *p = &s->phrases[s->n_phrases++];
                Py_INCREF(pc);
                p->cue = pc;
                Py_INCREF(ptext);
                p->text = ptext;
                p->off = off;
                p->size = size;
                s->phr_count[w]++;
            }
        }
    }
    build_tri(s);
    return 0;
}

/* The longest trigger word starting at ``i`` in ``low`` that is not followed by a letter
   or digit (the regex ``(trie)(?![^\W_])``): its end, word index in *word; -1 if none */
static Py_ssize_t
trie_match(Scanner *s, Txt *low, Py_ssize_t i, int *word)
{
    /* the word ends along the unique path, longest tried first */
    Py_ssize_t ends_buf[64];
    int words_buf[64];
    int nb = 0;
    int node = 0;
    Py_ssize_t best = -1;
    Py_ssize_t j = i;
    while (j < low->n) {
        node = trie_child(s, node, CH(low, j));
        if (node < 0)
            break;
        j++;
        if (s->nodes[node].word >= 0) {
            if (nb == 64) {
                /* very many nested words (never in practice): keep the longest 64 */
                memmove(ends_buf, ends_buf + 1, 63 * sizeof(Py_ssize_t));
                memmove(words_buf, words_buf + 1, 63 * sizeof(int));
                nb = 63;
            }
            ends_buf[nb] = j;
            words_buf[nb] = s->nodes[node].word;
            nb++;
        }
    }
    for (int k = nb - 1; k >= 0; k--) {
        Py_ssize_t e = ends_buf[k];
        if (e >= low->n || !ISALNUM(CH(low, e))) {
            best = e;
            *word = words_buf[k];
            break;
        }
    }
    return best;
}

static int
append_cue(PyObject *out, Py_ssize_t a, Py_ssize_t b, PyObject *cue)
{
    PyObject *tup = Py_BuildValue("(nnO)", a, b, cue);
    if (tup == NULL)
        return -1;
    int r = PyList_Append(out, tup);
    Py_DECREF(tup);
    return r;
}

static int
startswith_at(Txt *low, PyObject *phrase, Py_ssize_t a)
{
    Txt p;
    if (txt_init(&p, phrase) < 0)
        return -1;
    if (a + p.n > low->n)
        return 0;
    for (Py_ssize_t k = 0; k < p.n; k++)
        if (CH(low, a + k) != CH(&p, k))
            return 0;
    return 1;
}

/* one hit of a trigger word at [i, j): its cue or phrase (QuoteFinder._cues's loop body) */
static int
resolve_hit(Scanner *s, Txt *low, Py_ssize_t i, Py_ssize_t j, int w, PyObject *out,
            PyObject **spans)
{
    PyObject *cue = s->word_cue[w];
    if (s->phr_start[w] < 0)
        return append_cue(out, i, j, cue);
    Py_ssize_t n = low->n;
    for (Py_ssize_t k = 0; k < s->phr_count[w]; k++) {
        Phrase *p = &s->phrases[s->phr_start[w] + k];
        Py_ssize_t a = i - p->off, b = a + p->size;
        if (a < 0)
            continue;
        int sw = startswith_at(low, p->text, a);
        if (sw < 0)
            return -1;
        if (sw && (a == 0 || !ISALNUM(CH(low, a - 1))) && (b >= n || !ISALNUM(CH(low, b)))) {
            if (append_cue(out, a, b, p->cue) < 0)
                return -1;
            if (*spans == NULL) {
                *spans = PyList_New(0);
                if (*spans == NULL)
                    return -1;
            }
            PyObject *sp = Py_BuildValue("(nn)", a, b);
            if (sp == NULL)
                return -1;
            int r = PyList_Append(*spans, sp);
            Py_DECREF(sp);
            return r;
        }
    }
    if (cue != Py_None)
        return append_cue(out, i, j, cue);
    return 0;
}

/* scanner.cues(low) -> (cues, phrase_spans or None): QuoteFinder._cues up to its final
   sort and filter (done in Python when phrases were found) */
static PyObject *
Scanner_cues(Scanner *s, PyObject *args)
{
    PyObject *lowobj;
    if (!PyArg_ParseTuple(args, "U:cues", &lowobj))
        return NULL;
    Txt low;
    if (txt_init(&low, lowobj) < 0)
        return NULL;
    if (s->nodes == NULL) { /* Scanner.__new__ without __init__: no trie to walk */
        PyErr_SetString(PyExc_RuntimeError, "Scanner is not initialised");
        return NULL;
    }
    PyObject *out = PyList_New(0), *spans = NULL;
    if (out == NULL)
        return NULL;
    Py_ssize_t n = low.n;
    int w;
    /* a word at the very start (the pattern matched against " " + the text's head) */
    if (n > 0) {
        Py_ssize_t e = trie_match(s, &low, 0, &w);
        if (e >= 0 && resolve_hit(s, &low, 0, e, w, out, &spans) < 0)
            goto error;
    }
    /* finditer of "[^0-9A-Za-z](trie)(?![^\W_])" over the text */
    Py_ssize_t i = 0;
    while (i < n) {
        if (low.kind == PyUnicode_1BYTE_KIND) {
            const Py_UCS1 *d = low.data;
            while (i + 1 < n && (ch_flags[d[i]] & F_ASCII_ALNUM))
                i++;
        }
        Py_UCS4 c = CH(&low, i);
        if (is_ascii_alnum(c) || i + 1 >= n) {
            i++;
            continue;
        }
        if (!s->has_non_ascii_start) {
            /* no word can start at i + 1 unless its first two characters fit */
            Py_UCS4 c0 = CH(&low, i + 1);
            if (c0 >= 128) {
                i++;
                continue;
            }
            if (i + 2 < n) {
                Py_UCS4 c1 = CH(&low, i + 2);
                if (c1 < 128) {
                    if (!(s->pair[c0][c1 >> 3] & (1u << (c1 & 7)))) {
                        i++;
                        continue;
                    }
                    /* nor unless the third fits (a word "ab" needs no letter or digit) */
                    int id = s->tri_id[c0][c1];
                    if (id && i + 3 < n) {
                        Py_UCS4 c2 = CH(&low, i + 3);
                        if (c2 < 128 && !(s->tri[id][c2 >> 3] & (1u << (c2 & 7)))) {
                            i++;
                            continue;
                        }
                    }
                }
            }
            else if (s->root_ascii[c0] < 0) {
                i++;
                continue;
            }
        }
        Py_ssize_t e = trie_match(s, &low, i + 1, &w);
        if (e < 0) {
            i++;
            continue;
        }
        if (!ISALNUM(c) && resolve_hit(s, &low, i + 1, e, w, out, &spans) < 0)
            goto error;
        i = e;
    }
    PyObject *res = PyTuple_Pack(2, out, spans ? spans : Py_None);
    Py_DECREF(out);
    Py_XDECREF(spans);
    return res;
error:
    Py_DECREF(out);
    Py_XDECREF(spans);
    return NULL;
}

/* ---------------------------------------------------------------------------------- */
/* word classes and per-candidate checks (_finder._Doc)                                 */

/* The class bits, in the order of ``_finder._CLASSES`` (the words come from there). */
enum {
    C_FORMS, C_FINITE, C_VERBISH, C_NP_STOP, C_NP_LINK, C_DETERMINERS, C_ADVERBIAL_START,
    C_SKIP_BEFORE_VERB, C_PRONOUNS, C_LISTENERS, C_NOT_CLAUSE_START, C_RELATIVE_TOKENS, C_BE,
    C_STOP_BACK, C_RELATIVE, C_RELATIVE_STOP, C_GENERIC_HEADS, C_NP_STOP_KEPT, C_OF_ABOUT,
    C_AND_BUT, C_APPOSITIVE_END, C_THE_A, C_THAT, C_COMMA, C_ONE, C_I, C_NOUN_ENDINGS,
    C_CLAUSE_JOINS, C_AUXILIARIES, C_SUBJECT_END, C_STRIP, C_EMBEDDED_QUESTION,
    C_NP_STOP_FORWARD, C_NP_STOP_FIRST, C_TIME_LEAD, C_TIME_WORDS,
    N_CLASSES /* at most 64: the class bits of a word are a uint64_t */
};
#define B(c) ((uint64_t)1 << (c))

static int contains_any(Scanner *sc, Txt *low, Py_ssize_t lo, Py_ssize_t v, Py_ssize_t *offs,
                        Py_ssize_t *lens, Py_ssize_t count, const unsigned char *first,
                        int wide);

static uint64_t
hash_chars(Txt *t, Py_ssize_t a, Py_ssize_t b)
{
    uint64_t h = 1469598103934665603ULL;
    for (Py_ssize_t i = a; i < b; i++) {
        h ^= (uint64_t)CH(t, i);
        h *= 1099511628211ULL;
    }
    return h;
}

/* the class bits of ``low[a:b]`` (0 for a word in no class) */
static uint64_t
wclass(Scanner *s, Txt *low, Py_ssize_t a, Py_ssize_t b)
{
    Py_ssize_t len = b - a;
    if (len <= 0 || len > s->max_wlen || s->wtab_size == 0)
        return 0;
    uint64_t h = hash_chars(low, a, b);
    Py_ssize_t mask = s->wtab_size - 1, k = (Py_ssize_t)(h & (uint64_t)mask);
    for (;;) {
        struct WEntry *e = &s->wtab[k];
        if (e->len == 0)
            return 0;
        if (e->hash == h && e->len == len) {
            Py_ssize_t i = 0;
            while (i < len && s->wpool[e->off + i] == CH(low, a + i))
                i++;
            if (i == len)
                return e->mask;
        }
        k = (k + 1) & mask;
    }
}

static int
wtab_add(Scanner *s, PyObject *word, int cls)
{
    Txt w;
    if (txt_init(&w, word) < 0)
        return -1;
    if (w.n == 0)
        return 0; /* "" is never looked up */
    if (w.n > s->cls_maxlen[cls])
        s->cls_maxlen[cls] = w.n;
    uint64_t h = hash_chars(&w, 0, w.n);
    Py_ssize_t mask = s->wtab_size - 1, k = (Py_ssize_t)(h & (uint64_t)mask);
    for (;;) {
        struct WEntry *e = &s->wtab[k];
        if (e->len == 0)
            break;
        if (e->hash == h && e->len == w.n) {
            Py_ssize_t i = 0;
            while (i < w.n && s->wpool[e->off + i] == CH(&w, i))
                i++;
            if (i == w.n) {
                e->mask |= B(cls);
                return 0;
            }
        }
        k = (k + 1) & mask;
    }
    if (s->wpool_n + w.n > s->wpool_cap) {
        Py_ssize_t nc = (s->wpool_cap + w.n) * 2;
        Py_UCS4 *p = PyMem_Realloc(s->wpool, (size_t)nc * sizeof(Py_UCS4));
        if (p == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        s->wpool = p;
        s->wpool_cap = nc;
    }
    struct WEntry *e = &s->wtab[k];
    e->hash = h;
    e->off = s->wpool_n;
    e->len = w.n;
    e->mask = B(cls);
    for (Py_ssize_t i = 0; i < w.n; i++)
        s->wpool[s->wpool_n++] = CH(&w, i);
    if (w.n > s->max_wlen)
        s->max_wlen = w.n;
    return 0;
}

/* the pool offsets and lengths of the words of one class (for substring searches) */
static int
class_words(Scanner *s, PyObject *list, Py_ssize_t **offs, Py_ssize_t **lens, Py_ssize_t *count,
            unsigned char *first, int *wide)
{
    Py_ssize_t nr = PyList_GET_SIZE(list);
    *offs = PyMem_Calloc((size_t)(nr ? nr : 1), sizeof(Py_ssize_t));
    *lens = PyMem_Calloc((size_t)(nr ? nr : 1), sizeof(Py_ssize_t));
    if (*offs == NULL || *lens == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    *count = 0;
    for (Py_ssize_t k = 0; k < nr; k++) {
        Txt w;
        if (txt_init(&w, PyList_GET_ITEM(list, k)) < 0)
            return -1;
        if (w.n == 0)
            continue;
        uint64_t h = hash_chars(&w, 0, w.n);
        Py_ssize_t mask = s->wtab_size - 1, j = (Py_ssize_t)(h & (uint64_t)mask);
        while (s->wtab[j].len != 0) {
            struct WEntry *e = &s->wtab[j];
            if (e->hash == h && e->len == w.n) {
                Py_ssize_t i = 0;
                while (i < w.n && s->wpool[e->off + i] == CH(&w, i))
                    i++;
                if (i == w.n) {
                    (*offs)[*count] = e->off;
                    (*lens)[*count] = e->len;
                    (*count)++;
                    Py_UCS4 c0 = s->wpool[e->off];
                    if (c0 >= 128)
                        *wide = 1;
                    else
                        first[c0 >> 3] |= (unsigned char)(1u << (c0 & 7));
                    break;
                }
            }
            j = (j + 1) & mask;
        }
    }
    return 0;
}

/* set_classes(classes, fallback, np, pronoun, none): ``classes`` a list of N_CLASSES
   lists of words; ``fallback`` the object returned when Python must decide */
static PyObject *
Scanner_set_classes(Scanner *s, PyObject *args)
{
    PyObject *classes, *fallback, *np, *pronoun, *none;
    if (!PyArg_ParseTuple(args, "O!OUUU:set_classes", &PyList_Type, &classes, &fallback, &np,
                          &pronoun, &none))
        return NULL;
    if (PyList_GET_SIZE(classes) != N_CLASSES) {
        PyErr_Format(PyExc_ValueError, "expected %d word classes", (int)N_CLASSES);
        return NULL;
    }
    if (s->wtab != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "classes already set");
        return NULL;
    }
    Py_ssize_t total = 0;
    for (int c = 0; c < N_CLASSES; c++) {
        PyObject *l = PyList_GET_ITEM(classes, c);
        if (!PyList_Check(l)) {
            PyErr_SetString(PyExc_TypeError, "each class is a list of str");
            return NULL;
        }
        total += PyList_GET_SIZE(l);
    }
    Py_ssize_t size = 64;
    while (size < 2 * total + 2)
        size *= 2;
    s->wtab = PyMem_Calloc((size_t)size, sizeof(struct WEntry));
    if (s->wtab == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    s->wtab_size = size;
    for (int c = 0; c < N_CLASSES; c++) {
        PyObject *l = PyList_GET_ITEM(classes, c);
        for (Py_ssize_t k = 0; k < PyList_GET_SIZE(l); k++)
            if (wtab_add(s, PyList_GET_ITEM(l, k), c) < 0)
                return NULL;
    }
    if (class_words(s, PyList_GET_ITEM(classes, C_RELATIVE), &s->rel_off, &s->rel_len,
                    &s->n_rel, s->rel_first, &s->rel_wide) < 0
        || class_words(s, PyList_GET_ITEM(classes, C_THAT), &s->that_off, &s->that_len,
                       &s->n_that, s->that_first, &s->that_wide) < 0)
        return NULL;
    Py_INCREF(fallback);
    s->fallback = fallback;
    Py_INCREF(np);
    s->s_np = np;
    Py_INCREF(pronoun);
    s->s_pronoun = pronoun;
    Py_INCREF(none);
    s->s_none = none;
    /* a_source is set last: the methods that need the classes check it (a failed
       set_classes leaves it NULL and the scanner unusable rather than half-ready) */
    s->a_participle = PyUnicode_InternFromString("participle");
    s->a_source = s->a_participle ? PyUnicode_InternFromString("source") : NULL;
    if (s->a_participle == NULL || s->a_source == NULL)
        return NULL;
    Py_RETURN_NONE;
}

/* ``low[a:b]`` ends with a word of class ``cls`` (the class's words as suffixes) */
static int
ends_with_class(Scanner *s, Txt *low, Py_ssize_t a, Py_ssize_t b, int cls)
{
    /* suffixes are short: try each length up to the longest word */
    for (Py_ssize_t len = 1; len <= s->cls_maxlen[cls] && len <= b - a; len++)
        if (wclass(s, low, b - len, b) & B(cls))
            return 1;
    return 0;
}

/* ---- tokens: TOKEN = \w++(?:[’'&.\-]\w++)*+|[^\w\s] over text[a:b] ---- */

#define ISWORD(c) (ISALNUM(c) || (c) == '_')

typedef struct {
    Py_ssize_t *s, *e;
    Py_ssize_t n, cap;
} Toks;

static int
toks_push(Toks *t, Py_ssize_t s, Py_ssize_t e)
{
    if (t->n == t->cap) {
        Py_ssize_t nc = t->cap ? t->cap * 2 : 32;
        Py_ssize_t *ps = PyMem_Realloc(t->s, (size_t)nc * sizeof(Py_ssize_t));
        if (ps == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        t->s = ps;
        Py_ssize_t *pe = PyMem_Realloc(t->e, (size_t)nc * sizeof(Py_ssize_t));
        if (pe == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        t->e = pe;
        t->cap = nc;
    }
    t->s[t->n] = s;
    t->e[t->n] = e;
    t->n++;
    return 0;
}

static void
toks_free(Toks *t)
{
    PyMem_Free(t->s);
    PyMem_Free(t->e);
    t->s = t->e = NULL;
    t->n = t->cap = 0;
}

static int
is_token_joiner(Py_UCS4 d)
{
    return d == 0x2019 || d == '\'' || d == '&' || d == '.' || d == '-';
}

/* the next token in text[p:end] (the text seen as ending at ``end``): 1 and its span, or 0 */
static int
next_token(Txt *t, Py_ssize_t p, Py_ssize_t end, Py_ssize_t *ts, Py_ssize_t *te)
{
    while (p < end) {
        Py_UCS4 c = CH(t, p);
        if (ISWORD(c)) {
            Py_ssize_t q = p + 1;
            while (q < end && ISWORD(CH(t, q)))
                q++;
            while (q + 1 < end && is_token_joiner(CH(t, q)) && ISWORD(CH(t, q + 1))) {
                q += 2;
                while (q < end && ISWORD(CH(t, q)))
                    q++;
            }
            *ts = p;
            *te = q;
            return 1;
        }
        if (!ISSPACE(c)) {
            *ts = p;
            *te = p + 1;
            return 1;
        }
        p++;
    }
    return 0;
}

/* all tokens of text[a:b]; at most ``limit`` of them (limit < 0: all) */
static int
tokenize(Txt *t, Py_ssize_t a, Py_ssize_t b, Py_ssize_t limit, Toks *out)
{
    Py_ssize_t s, e;
    out->n = 0;
    while ((limit < 0 || out->n < limit) && next_token(t, a, b, &s, &e)) {
        if (toks_push(out, s, e) < 0)
            return -1;
        a = e;
    }
    return 0;
}

static int
arg_ssize(PyObject *o, Py_ssize_t *v)
{
    *v = PyLong_AsSsize_t(o);
    if (*v == -1 && PyErr_Occurred())
        return -1;
    return 0;
}

static int
low_endswith2(Txt *low, Py_ssize_t a, Py_ssize_t b, Py_UCS4 x, Py_UCS4 y)
{
    return b - a >= 2 && CH(low, b - 2) == x && CH(low, b - 1) == y;
}

/* ---- _Doc._is_noun_use ---- */

static int
is_apostrophe(Py_UCS4 c)
{
    return c == '\'' || c == 0x2019;
}

static int
is_noun_use(Scanner *sc, Txt *t, Txt *low, Py_ssize_t start, Py_ssize_t floor)
{
    Py_ssize_t j = start - 1;
    while (j >= floor && j >= 0 && CH(t, j) == ' ')
        j--;
    if (j < floor || j < 0)
        return 0;
    Py_ssize_t lo = j - 24 > floor ? j - 24 : floor;
    if (lo < 0)
        lo = 0;
    Py_ssize_t k = rfind_char(t, ' ', lo, j);
    if (k != -1) {
        /* word = text[k+1 : j+1]: alnum, or alnum once its apostrophes are removed */
        int ok = 1, any = 0;
        for (Py_ssize_t i = k + 1; i <= j; i++) {
            Py_UCS4 c = CH(t, i);
            if (ISALNUM(c))
                any = 1;
            else if (!is_apostrophe(c)) {
                ok = 0;
                break;
            }
        }
        if (!(ok && any))
            k = -1;
    }
    if (k == -1) {
        k = j;
        while (k >= floor && k >= 0 && (ISALNUM(CH(t, k)) || is_apostrophe(CH(t, k))))
            k--;
    }
    Py_ssize_t a = k + 1, b = j + 1;
    if (a >= b)
        return 0;
    if (wclass(sc, low, a, b) & B(C_DETERMINERS))
        return 1;
    /* prev.endswith(("'s", "’s", "s'", "s’")): the possessive endings (class C_NOUN_ENDINGS) */
    return ends_with_class(sc, low, a, b, C_NOUN_ENDINGS);
}

static PyObject *
Scanner_is_noun_use(Scanner *s, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t start, floor;
    Txt t, low;
    if (nargs != 4 || txt_init(&t, args[0]) < 0 || txt_init(&low, args[1]) < 0
        || arg_ssize(args[2], &start) < 0 || arg_ssize(args[3], &floor) < 0) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "is_noun_use(text, low, start, floor)");
        return NULL;
    }
    if (low.n != t.n || start > t.n) {
        PyErr_SetString(PyExc_ValueError, "bad arguments");
        return NULL;
    }
    return PyBool_FromLong(is_noun_use(s, &t, &low, start, floor));
}

/* ---- sentence end: Sentences.end(pos) on the list ``ends`` ---- */

static int
sent_end(PyObject *ends, Py_ssize_t n, Py_ssize_t pos, Py_ssize_t *out)
{
    Py_ssize_t lo = 0, hi = PyList_GET_SIZE(ends);
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        Py_ssize_t v = PyLong_AsSsize_t(PyList_GET_ITEM(ends, mid));
        if (v == -1 && PyErr_Occurred())
            return -1;
        if (v < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < PyList_GET_SIZE(ends)) {
        *out = PyLong_AsSsize_t(PyList_GET_ITEM(ends, lo));
        if (*out == -1 && PyErr_Occurred())
            return -1;
    }
    else
        *out = n;
    return 0;
}


/* ---- _Doc._that_or_bare: the clause start, -1 for None, -2 on error ---- */

#define GAP 8
#define BARE_REACH 12 /* _finder._BARE_REACH */

/* _Doc._opens_clause: may the token text[s:e] open a reported clause without "that"? */
static int
opens_clause(Scanner *sc, Txt *t, Txt *low, Py_ssize_t s, Py_ssize_t e)
{
    uint64_t m = wclass(sc, low, s, e);
    if (!ISALNUM(CH(t, s)) || (m & (B(C_NP_LINK) | B(C_NOT_CLAUSE_START))))
        return 0;
    return !((m & B(C_FORMS)) || ((m & B(C_NP_STOP)) && !(m & B(C_NP_STOP_KEPT))));
}

static Py_ssize_t
that_or_bare(Scanner *sc, Txt *t, Txt *low, Py_ssize_t a, Py_ssize_t b, int bare, int object,
             PyObject *ends)
{
    Py_ssize_t n = t->n;
    /* low.find("that", b, b + 90) != -1 (the word of class C_THAT) */
    int has_that = contains_any(sc, low, b, b + 90 < n ? b + 90 : n, sc->that_off, sc->that_len,
                                sc->n_that, sc->that_first, sc->that_wide);
    if (!bare && !has_that)
        return -1;
    Py_ssize_t j = b;
    while (j < n && CH(t, j) == ' ')
        j++;
    if (j >= n)
        return -1;
    Py_UCS4 c = CH(t, j);
    if (c != ',' && !ISALNUM(c) && !ISSPACE(c))
        return -1;
    Py_ssize_t wend = b + 90 < n ? b + 90 : n;
    /* the token stream of text[b:wend]; ``len(toks)`` of the Python code is the length of
       its prefix read eagerly: min(10, all) after a "that", min(5, all) otherwise */
    Toks tk = {0};
    Py_ssize_t res = -1;
    if (tokenize(t, b, wend, -1, &tk) < 0)
        return -2;
    Py_ssize_t L;
    if (has_that) {
        L = tk.n < GAP + 2 ? tk.n : GAP + 2;
        int have_first = 0;
        Py_ssize_t fs = 0, fe = 0;
        Py_ssize_t lim = L < GAP + 1 ? L : GAP + 1;
        for (Py_ssize_t idx = 0; idx < lim; idx++) {
            Py_ssize_t s = tk.s[idx], e = tk.e[idx];
            uint64_t m = wclass(sc, low, s, e);
            if (m & B(C_THAT)) {
                if (have_first) {
                    uint64_t fm = wclass(sc, low, fs, fe);
                    if (!(object || (fm & B(C_ADVERBIAL_START)) || low_endswith2(low, fs, fe, 'l', 'y')))
                        break;
                }
                if (idx + 1 < L)
                    res = tk.s[idx + 1];
                goto done;
            }
            if (m & B(C_COMMA))
                continue;
            if (!have_first) {
                have_first = 1;
                fs = s;
                fe = e;
            }
            if (m & B(C_ADVERBIAL_START))
                continue;
            if (!ISALNUM(CH(t, s)) || (m & (B(C_NP_STOP) | B(C_VERBISH) | B(C_OF_ABOUT))))
                break;
        }
        if (!bare)
            goto done;
    }
    else {
        L = tk.n < 5 ? tk.n : 5;
    }
    if (L == 0)
        goto done;
    Py_ssize_t i = 0;
    if (object) {
        uint64_t m = wclass(sc, low, tk.s[0], tk.e[0]);
        if (m & B(C_LISTENERS))
            i = 1;
        else if ((m & B(C_THE_A)) && L > 2 && ISUPPER(CH(t, tk.s[1]))) {
            i = 2;
            while (i < L && i < 4 && ISUPPER(CH(t, tk.s[i])))
                i++;
        }
        else if (ISUPPER(CH(t, tk.s[0]))) {
            i = 1;
            while (i < L && i < 3 && ISUPPER(CH(t, tk.s[i])))
                i++;
        }
        else
            goto done;
    }
    if (i >= L)
        goto done;
    if (wclass(sc, low, tk.s[i], tk.e[i]) & (B(C_TIME_LEAD) | B(C_TIME_WORDS))) {
        /* _after_time: "said on Monday it would …" */
        Py_ssize_t j = i, tend = i;
        while (j - i < 4 && j < tk.n) {
            uint64_t m = wclass(sc, low, tk.s[j], tk.e[j]);
            if (m & B(C_TIME_WORDS))
                tend = ++j;
            else if (m & B(C_TIME_LEAD))
                j++;
            else
                break;
        }
        if (tend != i && tend < tk.n && opens_clause(sc, t, low, tk.s[tend], tk.e[tend])
            && !ends_with_class(sc, low, tk.s[tend], tk.e[tend], C_NOUN_ENDINGS))
            i = tend;
    }
    Py_ssize_t s0 = tk.s[i], e0 = tk.e[i];
    if (!opens_clause(sc, t, low, s0, e0))
        goto done;
    Py_ssize_t clause_end;
    if (sent_end(ends, n, s0, &clause_end) < 0) {
        res = -2;
        goto done;
    }
    Py_ssize_t count = 0;
    /* after ", said" (no listener) an inverted frame's speaker may end at a comma: a verb
       right after a comma there ends the scan */
    Py_ssize_t jc = a - 1;
    while (jc > 0 && CH(t, jc) == ' ')
        jc--;
    int inverted = !object && jc >= 0 && CH(t, jc) == ',';
    int prev_comma = 0;
    for (Py_ssize_t k = i + 1; k < tk.n; k++) {
        Py_ssize_t s = tk.s[k], e = tk.e[k];
        if (s >= clause_end)
            break;
        count++;
        if (count > BARE_REACH)
            break;
        uint64_t m = wclass(sc, low, s, e);
        if (m & B(C_RELATIVE_TOKENS))
            break;
        if (((m & (B(C_FINITE) | B(C_FORMS))) && !ISUPPER(CH(t, s)))
            || (low_endswith2(low, s, e, 'e', 'd') && e - s > 3 && Py_UNICODE_ISLOWER(CH(t, s)))) {
            if (!(inverted && prev_comma))
                res = s0;
            goto done;
        }
        prev_comma = e - s == 1 && CH(t, s) == ',';
    }
done:
    toks_free(&tk);
    return res;
}

static PyObject *
Scanner_that_or_bare(Scanner *s, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t a, b;
    Txt t, low;
    if (nargs != 7 || txt_init(&t, args[0]) < 0 || txt_init(&low, args[1]) < 0
        || arg_ssize(args[2], &a) < 0 || arg_ssize(args[3], &b) < 0 || !PyList_Check(args[6])) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "that_or_bare(text, low, a, b, bare, object, ends)");
        return NULL;
    }
    if (low.n != t.n || b < 0 || b > t.n || a < 0 || a > b) {
        PyErr_SetString(PyExc_ValueError, "bad arguments");
        return NULL;
    }
    int bare = PyObject_IsTrue(args[4]), object = PyObject_IsTrue(args[5]);
    if (bare < 0 || object < 0)
        return NULL;
    Py_ssize_t r = that_or_bare(s, &t, &low, a, b, bare, object, args[6]);
    if (r == -2)
        return NULL;
    if (r == -1)
        Py_RETURN_NONE;
    return PyLong_FromSsize_t(r);
}

/* ---- _Doc._subject and what it calls ---- */

/* results of the subject scan */
#define R_MORE (-1)     /* needs tokens before the window (partial) */
#define R_NONE (-2)     /* (None, "none") */
#define R_FALLBACK (-3) /* Python decides */
#define R_NOTHING (-4)  /* _np_back / _relative_head: None */
#define R_NOSPEAKER (-5)
#define R_ERROR (-6)

/* _np_back(toks, i, partial): 0 and the span, or R_NOTHING / R_MORE */
static int
np_back(Scanner *sc, Txt *t, Txt *low, Toks *tk, Py_ssize_t i, int partial, Py_ssize_t *ss,
        Py_ssize_t *se)
{
    uint64_t m = wclass(sc, low, tk->s[i], tk->e[i]);
    if (!ISALNUM(CH(t, tk->s[i])) || (m & (B(C_NP_STOP) | B(C_FINITE) | B(C_NP_LINK)))
        || ((m & B(C_DETERMINERS)) && !(m & B(C_ONE))))
        return R_NOTHING;
    Py_ssize_t start = i, k = i - 1;
    int det = 0;
    while (k >= 0 && i - k < 10) {
        Py_ssize_t a = tk->s[k], b = tk->e[k];
        if (!ISALNUM(CH(t, a)))
            break;
        uint64_t w = wclass(sc, low, a, b);
        if (w & B(C_NP_LINK)) {
            if (k == 0) {
                if (partial)
                    return R_MORE;
                break;
            }
            k--;
            continue;
        }
        if (det) {
            if (!(wclass(sc, low, tk->s[k + 1], tk->e[k + 1]) & B(C_NP_LINK)))
                break;
            det = 0;
        }
        if ((w & B(C_STOP_BACK)) && !ISUPPER(CH(t, a)))
            break;
        if ((w & B(C_PRONOUNS)) && !(w & B(C_I)))
            break;
        if (w & B(C_DETERMINERS))
            det = 1;
        if (low_endswith2(low, a, b, 'e', 'd') && Py_UNICODE_ISLOWER(CH(t, a)) && b - a > 4)
            break;
        start = k;
        k--;
    }
    if (k < 0 && partial)
        return R_MORE;
    while (start < i && (wclass(sc, low, tk->s[start], tk->e[start]) & B(C_NP_LINK)))
        start++;
    *ss = tk->s[start];
    *se = tk->e[i];
    return 0;
}

static int
verbish_tok(Scanner *sc, Txt *t, Txt *low, Py_ssize_t a, Py_ssize_t b)
{
    return (wclass(sc, low, a, b) & B(C_FINITE))
           || (b - a > 4 && low_endswith2(low, a, b, 'e', 'd') && Py_UNICODE_ISLOWER(CH(t, a)));
}

/* any of the words (pool offsets, lengths) as a substring of low[lo:v] */
static int
contains_any(Scanner *sc, Txt *low, Py_ssize_t lo, Py_ssize_t v, Py_ssize_t *offs,
             Py_ssize_t *lens, Py_ssize_t count, const unsigned char *first, int wide)
{
    if (!wide) {
        /* one pass: the words are compared only where one of their first characters is */
        for (Py_ssize_t i = lo; i < v; i++) {
            Py_UCS4 c = CH(low, i);
            if (c >= 128 || !(first[c >> 3] & (1u << (c & 7))))
                continue;
            for (Py_ssize_t r = 0; r < count; r++) {
                const Py_UCS4 *w = sc->wpool + offs[r];
                Py_ssize_t len = lens[r];
                if (w[0] != c || i + len > v)
                    continue;
                Py_ssize_t k = 1;
                while (k < len && CH(low, i + k) == w[k])
                    k++;
                if (k == len)
                    return 1;
            }
        }
        return 0;
    }
    for (Py_ssize_t r = 0; r < count; r++) {
        const Py_UCS4 *w = sc->wpool + offs[r];
        Py_ssize_t len = lens[r];
        for (Py_ssize_t i = lo; i + len <= v; i++) {
            Py_ssize_t k = 0;
            while (k < len && CH(low, i + k) == w[k])
                k++;
            if (k == len)
                return 1;
        }
    }
    return 0;
}

/* _relative_head: 0 and the head span, or R_NOTHING / R_MORE / R_NOSPEAKER */
static int
relative_head(Scanner *sc, Txt *t, Txt *low, Toks *tk, Py_ssize_t i, int has_span,
              Py_ssize_t span_s, int partial, Py_ssize_t v, Py_ssize_t *hs, Py_ssize_t *he)
{
    Py_ssize_t lo = v - 92 > 0 ? v - 92 : 0;
    if (!contains_any(sc, low, lo, v, sc->rel_off, sc->rel_len, sc->n_rel, sc->rel_first,
                      sc->rel_wide))
        return R_NOTHING;
    Py_ssize_t k = i;
    while (k >= 0 && i - k < 16) {
        Py_ssize_t a = tk->s[k], b = tk->e[k];
        uint64_t w = wclass(sc, low, a, b);
        if (!ISALNUM(CH(t, a)) || (w & B(C_RELATIVE_STOP)))
            return R_NOTHING;
        if (w & B(C_RELATIVE)) {
            if (has_span && k + 1 < tk->n && span_s == tk->s[k + 1]
                && !verbish_tok(sc, t, low, tk->s[i], tk->e[i]))
                return R_NOTHING;
            if (k == 0)
                return partial ? R_MORE : R_NOTHING;
            int r = np_back(sc, t, low, tk, k - 1, partial, hs, he);
            if (r != 0)
                return r;
            if (wclass(sc, low, *hs, *he) & B(C_GENERIC_HEADS))
                return R_NOSPEAKER;
            return 0;
        }
        k--;
    }
    return (k < 0 && partial) ? R_MORE : R_NOTHING;
}

/* _subject(v, toks, partial): 0 with the span and *pronoun, or R_MORE / R_NONE /
   R_FALLBACK */
static int
subject(Scanner *sc, Txt *t, Txt *low, Py_ssize_t v, Toks *tk, int partial, Py_ssize_t *ss,
        Py_ssize_t *se, int *pronoun)
{
    Py_ssize_t i = tk->n - 1;
    while (i >= 0) {
        Py_ssize_t a = tk->s[i], b = tk->e[i];
        uint64_t w = wclass(sc, low, a, b);
        if (w & B(C_BE))
            return R_FALLBACK; /* a passive may follow: _participle_at decides */
        if ((w & B(C_SKIP_BEFORE_VERB))
            || (low_endswith2(low, a, b, 'l', 'y') && b - a > 4 && Py_UNICODE_ISLOWER(CH(t, a))
                && !(w & B(C_NP_LINK)))) {
            i--;
            continue;
        }
        break;
    }
    if (i < 0)
        return partial ? R_MORE : R_NONE;
    uint64_t w = wclass(sc, low, tk->s[i], tk->e[i]);
    if (w & B(C_COMMA))
        return R_FALLBACK; /* an apposition ("Smith, 54, said"): Python reads it */
    if (w & B(C_PRONOUNS)) {
        *ss = tk->s[i];
        *se = tk->e[i];
        *pronoun = 1;
        return 0;
    }
    if (w & B(C_AND_BUT)) {
        if (i > 0)
            return R_FALLBACK; /* the sentence's main subject */
        if (partial)
            return R_MORE;
    }
    Py_ssize_t s0 = 0, e0 = 0;
    int r = np_back(sc, t, low, tk, i, partial, &s0, &e0);
    if (r == R_MORE)
        return R_MORE;
    int has_span = (r == 0);
    Py_ssize_t hs, he;
    int h = relative_head(sc, t, low, tk, i, has_span, s0, partial, v, &hs, &he);
    if (h == R_MORE)
        return R_MORE;
    if (h == R_NOSPEAKER)
        return R_NONE;
    if (h == 0) {
        s0 = hs;
        e0 = he;
        has_span = 1;
    }
    if (!has_span)
        return R_NONE;
    *ss = s0;
    *se = e0;
    *pronoun = 0;
    return 0;
}

static PyObject *
subject_result(Scanner *sc, int r, Py_ssize_t s, Py_ssize_t e, int pronoun)
{
    if (r == R_NONE)
        return Py_BuildValue("(OO)", Py_None, sc->s_none);
    return Py_BuildValue("((nn)O)", s, e, pronoun ? sc->s_pronoun : sc->s_np);
}

/* ---- _Doc._find_cuts and its helpers ---- */

/* Sentences.start(pos) on the list ``starts`` */
static int
sent_start(PyObject *starts, Py_ssize_t pos, Py_ssize_t *out)
{
    Py_ssize_t lo = 0, hi = PyList_GET_SIZE(starts);
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        Py_ssize_t v = PyLong_AsSsize_t(PyList_GET_ITEM(starts, mid));
        if (v == -1 && PyErr_Occurred())
            return -1;
        if (pos < v)
            hi = mid;
        else
            lo = mid + 1;
    }
    if (lo >= 1) {
        *out = PyLong_AsSsize_t(PyList_GET_ITEM(starts, lo - 1));
        if (*out == -1 && PyErr_Occurred())
            return -1;
    }
    else
        *out = 0;
    return 0;
}

/* _Doc._verb_like on low[a:b] */
static int
verb_like(Scanner *sc, Txt *low, Py_ssize_t a, Py_ssize_t b)
{
    if (wclass(sc, low, a, b) & (B(C_VERBISH) | B(C_AUXILIARIES)))
        return 1;
    return b - a > 3 && low_endswith2(low, a, b, 'e', 'd');
}

/* _Doc._subject_only(comma) */
static int
subject_only(Scanner *sc, Txt *low, PyObject *starts, Py_ssize_t comma)
{
    Py_ssize_t start;
    if (sent_start(starts, comma, &start) < 0)
        return -1;
    if (comma - start > 200)
        return 0;
    Py_ssize_t i = start;
    while (i < comma) {
        while (i < comma && ISSPACE(CH(low, i)))
            i++;
        if (i >= comma)
            break;
        Py_ssize_t a = i;
        while (i < comma && !ISSPACE(CH(low, i)))
            i++;
        Py_ssize_t b = i;
        /* w.strip(the characters of class C_STRIP) */
        while (a < b && (wclass(sc, low, a, a + 1) & B(C_STRIP)))
            a++;
        while (b > a && (wclass(sc, low, b - 1, b) & B(C_STRIP)))
            b--;
        if (verb_like(sc, low, a, b))
            return 0;
    }
    return 1;
}

/* _Doc._parenthetical_close(b): 1 with (*v, *c), 0 for None, -1 on error */
static int
parenthetical_close(Scanner *sc, Txt *t, Txt *low, PyObject *ends, Py_ssize_t b,
                    Py_ssize_t *vout, Py_ssize_t *cout)
{
    Py_ssize_t end;
    if (sent_end(ends, t->n, b, &end) < 0)
        return -1;
    Py_ssize_t lim = end < b + 300 ? end : b + 300;
    if (lim > t->n)
        lim = t->n;
    Py_ssize_t c = find_char(t, ',', b, lim);
    if (c == -1)
        return 0;
    Py_ssize_t v = c + 1;
    while (v < end && CH(t, v) == ' ')
        v++;
    Py_ssize_t w = v;
    while (w < end && ISALPHA(CH(t, w)))
        w++;
    if (w <= v || !Py_UNICODE_ISLOWER(CH(t, v)))
        return 0;
    uint64_t m = wclass(sc, low, v, w);
    if (m & B(C_AUXILIARIES))
        return 0;
    if ((m & B(C_SUBJECT_END)) || (w - v > 4 && low_endswith2(low, v, w, 'e', 'd'))) {
        *vout = v;
        *cout = c;
        return 1;
    }
    return 0;
}

static int
cmp_pairs(const void *x, const void *y)
{
    const Py_ssize_t *p = x, *q = y;
    if (p[0] != q[0])
        return p[0] < q[0] ? -1 : 1;
    if (p[1] != q[1])
        return p[1] < q[1] ? -1 : 1;
    return 0;
}

/* find_cuts(text, low, cues, starts, ends) -> (cut starts, commas): _Doc._find_cuts */
static PyObject *
Scanner_find_cuts(Scanner *sc, PyObject *const *args, Py_ssize_t nargs)
{
    Txt t, low;
    if (nargs != 5 || txt_init(&t, args[0]) < 0 || txt_init(&low, args[1]) < 0
        || !PyList_Check(args[2]) || !PyList_Check(args[3]) || !PyList_Check(args[4])) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "find_cuts(text, low, cues, starts, ends)");
        return NULL;
    }
    if (sc->a_source == NULL || low.n != t.n) {
        PyErr_SetString(PyExc_ValueError, "bad arguments");
        return NULL;
    }
    PyObject *cues = args[2], *starts = args[3], *ends = args[4];
    IVec cuts = {0};
    PyObject *res = NULL, *l1 = NULL, *l2 = NULL;
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(cues); k++) {
        PyObject *item = PyList_GET_ITEM(cues, k);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 3) {
            PyErr_SetString(PyExc_TypeError, "cues: (start, end, cue) tuples expected");
            goto done;
        }
        Py_ssize_t a = PyLong_AsSsize_t(PyTuple_GET_ITEM(item, 0));
        Py_ssize_t b = PyLong_AsSsize_t(PyTuple_GET_ITEM(item, 1));
        if (PyErr_Occurred())
            goto done;
        if (a < 0 || b < a || b > t.n) {
            PyErr_SetString(PyExc_ValueError, "cue span out of the text");
            goto done;
        }
        PyObject *cue = PyTuple_GET_ITEM(item, 2);
        PyObject *o = PyObject_GetAttr(cue, sc->a_participle);
        if (o == NULL)
            goto done;
        int participle = PyObject_IsTrue(o);
        Py_DECREF(o);
        o = PyObject_GetAttr(cue, sc->a_source);
        if (o == NULL)
            goto done;
        int source = PyObject_IsTrue(o);
        Py_DECREF(o);
        if (participle < 0 || source < 0)
            goto done;
        Py_ssize_t j = a - 1;
        while (j > 0 && CH(&t, j) == ' ')
            j--;
        if (participle || source) {
            if (j >= 0 && CH(&t, j) == ',') {
                if (iv_push(&cuts, a) < 0 || iv_push(&cuts, j) < 0)
                    goto done;
                if (participle) {
                    int so = subject_only(sc, &low, starts, j);
                    if (so < 0)
                        goto done;
                    if (so) {
                        Py_ssize_t v, c;
                        int r = parenthetical_close(sc, &t, &low, ends, b, &v, &c);
                        if (r < 0)
                            goto done;
                        if (r && (iv_push(&cuts, v) < 0 || iv_push(&cuts, c) < 0))
                            goto done;
                    }
                }
            }
            continue;
        }
        /* ", but critics said": a comma, a joining word, then a short subject */
        Py_ssize_t c = rfind_char(&t, ',', a - 80 > 0 ? a - 80 : 0, a);
        if (c == -1)
            continue;
        /* the words of low[c+1:a] (str.split()): at most six are needed */
        Py_ssize_t ws[6], we[6];
        int nw = 0;
        Py_ssize_t i = c + 1;
        while (i < a) {
            while (i < a && ISSPACE(CH(&low, i)))
                i++;
            if (i >= a)
                break;
            Py_ssize_t s0 = i;
            while (i < a && !ISSPACE(CH(&low, i)))
                i++;
            if (nw == 6) {
                nw = 7;
                break;
            }
            ws[nw] = s0;
            we[nw] = i;
            nw++;
        }
        if (nw < 2 || nw > 5)
            continue;
        if (!(wclass(sc, &low, ws[0], we[0]) & B(C_CLAUSE_JOINS)))
            continue;
        if (wclass(sc, &low, ws[1], we[1]) & B(C_THAT))
            continue;
        if (wclass(sc, &low, ws[nw - 1], we[nw - 1]) & B(C_DETERMINERS))
            continue;
        int ok = 1;
        for (int w = 1; w < nw && ok; w++) {
            for (Py_ssize_t q = ws[w]; q < we[w]; q++)
                if (!ISALPHA(CH(&low, q))) {
                    ok = 0;
                    break;
                }
            if (ok && ((wclass(sc, &low, ws[w], we[w]) & B(C_NP_STOP))
                       || verb_like(sc, &low, ws[w], we[w])))
                ok = 0;
        }
        if (ok && (iv_push(&cuts, a) < 0 || iv_push(&cuts, c) < 0))
            goto done;
    }
    if (cuts.n > 2) /* qsort(NULL, 0, ...) is undefined behaviour */
        qsort(cuts.v, (size_t)(cuts.n / 2), 2 * sizeof(Py_ssize_t), cmp_pairs);
    l1 = PyList_New(cuts.n / 2);
    l2 = PyList_New(cuts.n / 2);
    if (l1 == NULL || l2 == NULL)
        goto done;
    for (Py_ssize_t k = 0; k < cuts.n / 2; k++) {
        PyObject *x = PyLong_FromSsize_t(cuts.v[2 * k]);
        if (x == NULL)
            goto done;
        PyList_SET_ITEM(l1, k, x);
        x = PyLong_FromSsize_t(cuts.v[2 * k + 1]);
        if (x == NULL)
            goto done;
        PyList_SET_ITEM(l2, k, x);
    }
    res = PyTuple_Pack(2, l1, l2);
done:
    Py_XDECREF(l1);
    Py_XDECREF(l2);
    iv_free(&cuts);
    return res;
}

#define SHORT 40

/* subject_before(text, low, v, floor, whole): _Doc.subject_before; with ``whole`` the
   window is exactly text[floor:v] (the caller's tokens), else as subject_before reads it */
static PyObject *
Scanner_subject_before(Scanner *sc, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t v, floor;
    Txt t, low;
    if (nargs != 5 || txt_init(&t, args[0]) < 0 || txt_init(&low, args[1]) < 0
        || arg_ssize(args[2], &v) < 0 || arg_ssize(args[3], &floor) < 0) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "subject_before(text, low, v, floor, whole)");
        return NULL;
    }
    if (sc->a_source == NULL || low.n != t.n || v < 0 || v > t.n || floor < 0) {
        PyErr_SetString(PyExc_ValueError, "bad arguments");
        return NULL;
    }
    int whole = PyObject_IsTrue(args[4]);
    if (whole < 0)
        return NULL;
    Toks tk = {0};
    PyObject *res = NULL;
    Py_ssize_t s = 0, e = 0;
    int pronoun = 0, r;
    Py_ssize_t lo = floor;
    if (!whole) {
        lo = v - 90 > floor ? v - 90 : floor;
        if (v - lo > SHORT + 8) {
            Py_ssize_t k = find_char(&t, ' ', v - SHORT, v);
            if (k != -1) {
                if (tokenize(&t, k + 1, v, -1, &tk) < 0)
                    goto done;
                r = subject(sc, &t, &low, v, &tk, 1, &s, &e, &pronoun);
                if (r == R_FALLBACK) {
                    res = Py_NewRef(sc->fallback);
                    goto done;
                }
                if (r != R_MORE) {
                    res = subject_result(sc, r, s, e, pronoun);
                    goto done;
                }
            }
        }
    }
    if (tokenize(&t, lo, v, -1, &tk) < 0)
        goto done;
    r = subject(sc, &t, &low, v, &tk, 0, &s, &e, &pronoun);
    if (r == R_FALLBACK)
        res = Py_NewRef(sc->fallback);
    else
        res = subject_result(sc, r, s, e, pronoun);
done:
    toks_free(&tk);
    return res;
}

/* ---- _Doc._after: the frame between a closing mark and the next cue ---- */

/* a one-character token ``low[a:b]`` that is one of the characters ``set`` */
static int
tok_is_char(Txt *low, Py_ssize_t a, Py_ssize_t b, const Py_UCS4 *set, int n)
{
    if (b - a != 1)
        return 0;
    Py_UCS4 c = CH(low, a);
    for (int k = 0; k < n; k++)
        if (c == set[k])
            return 1;
    return 0;
}

/* marks and final punctuation that no frame '"…," X said' holds */
static const Py_UCS4 AFTER_STOP[] = {'"', 0x201C, 0x201D, '.', '!', '?', ';', ':', '\'',
                                     0x2018, 0x2019};
/* separators skipped at the frame's start ('"…" — X said') */
static const Py_UCS4 AFTER_SEP[] = {',', 0x2014, 0x2013, '-'};

/* after(text, low, p, a, q_start, q_end, cue): the part of _Doc._after after its cue lookup,
   for the closing mark before ``p`` and the cue starting at ``a``: None (no cue after the
   mark), True (an empty frame before a cue that is no participle: the speaker follows the
   cue), ((start, end), mode) (the subject before the cue), or the fallback object */
static PyObject *
Scanner_after(Scanner *sc, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t p, a, qs, qe;
    Txt t, low;
    if (nargs != 7 || txt_init(&t, args[0]) < 0 || txt_init(&low, args[1]) < 0
        || arg_ssize(args[2], &p) < 0 || arg_ssize(args[3], &a) < 0
        || arg_ssize(args[4], &qs) < 0 || arg_ssize(args[5], &qe) < 0) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "after(text, low, p, a, q_start, q_end, cue)");
        return NULL;
    }
    if (sc->a_source == NULL || low.n != t.n || p < 0 || a < p || a >= t.n || qs < 0
        || qe > t.n) {
        PyErr_SetString(PyExc_ValueError, "bad arguments");
        return NULL;
    }
    if (find_char(&t, '\n', p, a) != -1)
        Py_RETURN_NONE;
    Toks tk = {0};
    PyObject *res = NULL;
    if (tokenize(&t, p, a, -1, &tk) < 0)
        goto done;
    Py_ssize_t f0 = 0;
    while (f0 < tk.n && tok_is_char(&low, tk.s[f0], tk.e[f0], AFTER_SEP, 4))
        f0++;
    Py_ssize_t first = f0 < tk.n ? tk.s[f0] : a;
    if (qe > qs && qe >= 1 && CH(&t, qe - 1) == '.' && !Py_UNICODE_ISLOWER(CH(&t, first))) {
        res = Py_NewRef(Py_None);
        goto done;
    }
    PyObject *cue = args[6];
    PyObject *o = PyObject_GetAttr(cue, f0 < tk.n ? sc->a_source : sc->a_participle);
    if (o == NULL)
        goto done;
    int flag = PyObject_IsTrue(o);
    Py_DECREF(o);
    if (flag < 0)
        goto done;
    if (f0 == tk.n) {
        /* no frame: "…," said X (a participle cue takes none) */
        res = Py_NewRef(flag ? Py_None : Py_True);
        goto done;
    }
    if (flag) { /* a source cue ("…," according to X) */
        res = Py_NewRef(Py_None);
        goto done;
    }
    for (Py_ssize_t i = f0; i < tk.n; i++) {
        uint64_t m = wclass(sc, &low, tk.s[i], tk.e[i]);
        if (tok_is_char(&low, tk.s[i], tk.e[i], AFTER_STOP, 11) || (m & B(C_FORMS))
            || ((m & B(C_NP_STOP)) && !(m & B(C_SKIP_BEFORE_VERB)))) {
            res = Py_NewRef(Py_None);
            goto done;
        }
    }
    if (tk.n - f0 > 12) {
        res = Py_NewRef(Py_None);
        goto done;
    }
    /* subject_before(a, p, window): the subject in exactly these tokens */
    Py_ssize_t s = 0, e = 0;
    int pronoun = 0;
    int r = subject(sc, &t, &low, a, &tk, 0, &s, &e, &pronoun);
    if (r == 0)
        res = Py_BuildValue("((nn)O)", s, e, pronoun ? sc->s_pronoun : sc->s_np);
    else if (r == R_NONE)
        res = Py_NewRef(Py_None);
    else
        res = Py_NewRef(sc->fallback);
done:
    toks_free(&tk);
    return res;
}

/* ---- _Doc._before: the frame between a cue and an opening mark ---- */

/* the punctuation that may end the frame 'He said: "…"' */
static const Py_UCS4 BEFORE_PUNCT[] = {':', ',', 0x2014, 0x2013, '-'};

/* before(text, low, b, o, source): whether the frame text[b:o] between a cue ending at ``b``
   and the opening mark at ``o`` lets the cue introduce the quote (_Doc._before_frame): for
   a source cue ("according to X:"), some words then a final ":" / "," / dash; for a verb
   cue, at most six words (no "that", no verb, no "if"/"whether"/…, nothing but words) and,
   when there are any, a final punctuation mark. The frame is never read past its eighth
   token for a verb cue, nor past ``o`` */
static PyObject *
Scanner_before(Scanner *sc, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t b, o;
    Txt t, low;
    if (nargs != 5 || txt_init(&t, args[0]) < 0 || txt_init(&low, args[1]) < 0
        || arg_ssize(args[2], &b) < 0 || arg_ssize(args[3], &o) < 0) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "before(text, low, b, o, source)");
        return NULL;
    }
    if (sc->a_source == NULL || low.n != t.n || b < 0 || o < b || o > t.n) {
        PyErr_SetString(PyExc_ValueError, "bad arguments");
        return NULL;
    }
    int source = PyObject_IsTrue(args[4]);
    if (source < 0)
        return NULL;
    if (find_char(&t, '\n', b, o) != -1)
        Py_RETURN_FALSE;
    /* the tokens are read one at a time; only the last one read can be the final mark */
    Py_ssize_t n = 0, p = b, ts, te, ls = -1, le = -1;
    int bad = 0; /* some token before the last one read fails a verb cue's checks */
    int last_bad = 0;
    while (next_token(&t, p, o, &ts, &te)) {
        n++;
        if (!source && n == 8)
            Py_RETURN_FALSE; /* more than six words and a mark */
        if (last_bad)
            bad = 1;
        if (!source) {
            uint64_t m = wclass(sc, &low, ts, te);
            last_bad = !ISALNUM(CH(&t, ts))
                       || (m & (B(C_THAT) | B(C_VERBISH) | B(C_EMBEDDED_QUESTION)));
        }
        ls = ts;
        le = te;
        p = te;
    }
    int punct = n > 0 && tok_is_char(&low, ls, le, BEFORE_PUNCT, 5);
    Py_ssize_t words = punct ? n - 1 : n;
    if (source)
        return PyBool_FromLong(words > 0 && punct);
    if (!punct && last_bad)
        bad = 1;
    return PyBool_FromLong(words <= 6 && !bad && (words == 0 || punct));
}

/* ---- _Doc._inverted: what follows the frame of ", X said" ---- */

static const Py_UCS4 FINAL_PUNCT[] = {'.', '!', '?'};

/* inverted_rest(text, low, frame_end, se): after the frame of an inverted cue ending at
   ``frame_end``, in the sentence ending at ``se``, at most seven tokens of adverbial, then
   the sentence's end or ", rest of the sentence": False (not an inverted cue), None (the
   clause ends there) or the (start, end) of the clause going on after the comma
   (_Doc._inverted_rest) */
static PyObject *
Scanner_inverted_rest(Scanner *sc, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t fe, se;
    Txt t, low;
    if (nargs != 4 || txt_init(&t, args[0]) < 0 || txt_init(&low, args[1]) < 0
        || arg_ssize(args[2], &fe) < 0 || arg_ssize(args[3], &se) < 0) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "inverted_rest(text, low, frame_end, se)");
        return NULL;
    }
    if (sc->a_source == NULL || low.n != t.n || fe < 0 || fe > t.n || se < 0 || se > t.n) {
        PyErr_SetString(PyExc_ValueError, "bad arguments");
        return NULL;
    }
    Py_ssize_t stop = se + 1 < fe + 90 ? se + 1 : fe + 90;
    if (stop > t.n)
        stop = t.n;
    Py_ssize_t p = fe, ts, te, idx = 0;
    for (; next_token(&t, p, stop, &ts, &te); idx++, p = te) {
        if (te - ts == 1 && CH(&low, ts) == ',') {
            Py_ssize_t tail = ts + 1;
            while (tail < se && CH(&t, tail) == ' ')
                tail++;
            if (se - tail > 3)
                return Py_BuildValue("(nn)", tail, se);
            Py_RETURN_NONE;
        }
        int final = tok_is_char(&low, ts, te, FINAL_PUNCT, 3);
        if (idx >= 7 || (wclass(sc, &low, ts, te) & (B(C_FINITE) | B(C_THAT)))
            || (!ISALNUM(CH(&t, ts)) && !final)) {
            if (final) /* the seventh token or later */
                Py_RETURN_NONE;
            Py_RETURN_FALSE;
        }
        /* a final mark among the first seven tokens (an abbreviation's period, "Mr.") is
           read past */
    }
    Py_RETURN_NONE;
}

/* ---- _Doc.np_forward: the noun phrase after a cue ("said Jane Doe, …") ---- */

/* the noun phrase starting at ``pos`` within its first ten tokens, read no further than
   ``limit`` nor 100 characters: 1 with its span, or 0 */
static int
np_forward(Scanner *sc, Txt *t, Txt *low, Py_ssize_t pos, Py_ssize_t limit, Py_ssize_t *ps,
           Py_ssize_t *pe)
{
    Py_ssize_t stop = limit < pos + 100 ? limit : pos + 100;
    if (stop > t->n)
        stop = t->n;
    Py_ssize_t start = -1, end = -1, p = pos, ts, te;
    int count = 0;
    while (count < 10 && next_token(t, p, stop, &ts, &te)) {
        count++;
        p = te;
        Py_UCS4 c = CH(t, ts);
        if (!ISALNUM(c)) {
            /* an apostrophe inside the phrase ("the workers' union") */
            if (te - ts == 1 && (CH(low, ts) == '\'' || CH(low, ts) == 0x2019) && end != -1)
                continue;
            break;
        }
        uint64_t m = wclass(sc, low, ts, te);
        if (start == -1) {
            if (m & (B(C_NP_STOP_FIRST) | B(C_FORMS)))
                return 0;
            start = ts;
            end = te;
            continue;
        }
        if (m & (B(C_NP_STOP_FORWARD) | B(C_FORMS) | B(C_FINITE)))
            break;
        if (te - ts > 4 && low_endswith2(low, ts, te, 'e', 'd') && Py_UNICODE_ISLOWER(c))
            break;
        end = te;
    }
    if (start == -1)
        return 0;
    /* drop trailing linking words and determiners ("officials in"): the last
       whitespace-separated piece, lower-cased (``low``'s slice: the two differ only in
       characters no class word holds) */
    for (;;) {
        Py_ssize_t cs = end;
        while (cs > start && !ISSPACE(CH(t, cs - 1)))
            cs--;
        if (cs == start || !(wclass(sc, low, cs, end) & (B(C_NP_LINK) | B(C_DETERMINERS))))
            break;
        while (cs > start && ISSPACE(CH(t, cs - 1)))
            cs--;
        end = cs;
    }
    *ps = start;
    *pe = end;
    return 1;
}

/* np_forward(text, low, pos, limit) -> (start, end) or None (as _Doc.np_forward) */
static PyObject *
Scanner_np_forward(Scanner *sc, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t pos, limit, s, e;
    Txt t, low;
    if (nargs != 4 || txt_init(&t, args[0]) < 0 || txt_init(&low, args[1]) < 0
        || arg_ssize(args[2], &pos) < 0 || arg_ssize(args[3], &limit) < 0) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "np_forward(text, low, pos, limit)");
        return NULL;
    }
    if (sc->a_source == NULL || low.n != t.n || pos < 0 || pos > t.n) {
        PyErr_SetString(PyExc_ValueError, "bad arguments");
        return NULL;
    }
    if (!np_forward(sc, &t, &low, pos, limit, &s, &e))
        Py_RETURN_NONE;
    return Py_BuildValue("(nn)", s, e);
}

static PyMethodDef Scanner_methods[] = {
    {"cues", (PyCFunction)Scanner_cues, METH_VARARGS,
     "cues(low) -> (list of (start, end, cue), phrase spans or None)"},
    {"set_classes", (PyCFunction)Scanner_set_classes, METH_VARARGS,
     "set_classes(list of word iterables, fallback, np, pronoun, none): the word classes"},
    {"is_noun_use", (PyCFunction)(void (*)(void))Scanner_is_noun_use, METH_FASTCALL,
     "is_noun_use(text, low, start, floor) -> bool (as _Doc._is_noun_use)"},
    {"that_or_bare", (PyCFunction)(void (*)(void))Scanner_that_or_bare, METH_FASTCALL,
     "that_or_bare(text, low, a, b, bare, object, ends) -> int or None (as _Doc._that_or_bare)"},
    {"subject_before", (PyCFunction)(void (*)(void))Scanner_subject_before, METH_FASTCALL,
     "subject_before(text, low, v, floor, whole) -> (span, mode) or the fallback object"},
    {"before", (PyCFunction)(void (*)(void))Scanner_before, METH_FASTCALL,
     "before(text, low, b, o, source) -> bool (as _Doc._before_frame)"},
    {"np_forward", (PyCFunction)(void (*)(void))Scanner_np_forward, METH_FASTCALL,
     "np_forward(text, low, pos, limit) -> (start, end) or None (as _Doc.np_forward)"},
    {"inverted_rest", (PyCFunction)(void (*)(void))Scanner_inverted_rest, METH_FASTCALL,
     "inverted_rest(text, low, frame_end, se) -> False, None or (start, end) "
     "(as _Doc._inverted_rest)"},
    {"after", (PyCFunction)(void (*)(void))Scanner_after, METH_FASTCALL,
     "after(text, low, p, a, q_start, q_end, cue) -> None, True, (span, mode) or the fallback"},
    {"find_cuts", (PyCFunction)(void (*)(void))Scanner_find_cuts, METH_FASTCALL,
     "find_cuts(text, low, cues, starts, ends) -> (cut starts, commas) (as _Doc._find_cuts)"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ScannerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "newskit_quotes._speedups.Scanner",
    .tp_basicsize = sizeof(Scanner),
    .tp_dealloc = (destructor)Scanner_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The cue lexicon of one quotes component as a trie.",
    .tp_methods = Scanner_methods,
    .tp_init = (initproc)Scanner_init,
    .tp_new = PyType_GenericNew,
};

/* ---------------------------------------------------------------------------------- */

/* lower(text) -> text.lower() for a text of one-byte characters (Latin-1), else None (the
   caller lower-cases it itself): str.lower takes its slow per-character path for any
   non-ASCII text, a table does it here */
static PyObject *
sp_lower(PyObject *self, PyObject *arg)
{
    (void)self;
    Txt t;
    if (txt_init(&t, arg) < 0)
        return NULL;
    if (t.kind != PyUnicode_1BYTE_KIND)
        Py_RETURN_NONE;
    PyObject *out = PyUnicode_New(t.n, PyUnicode_IS_ASCII(arg) ? 127 : 255);
    if (out == NULL)
        return NULL;
    const Py_UCS1 *d = t.data;
    Py_UCS1 *o = PyUnicode_1BYTE_DATA(out);
    for (Py_ssize_t i = 0; i < t.n; i++)
        o[i] = latin1_lower[d[i]];
    return out;
}

static PyMethodDef module_methods[] = {
    {"find_quoted", sp_find_quoted, METH_VARARGS,
     "find_quoted(text, single_quotes, Quoted) -> list of Quoted (as _marks.find_quoted)"},
    {"lower", sp_lower, METH_O, "lower(text) -> text.lower() for a Latin-1 text, else None"},
    {"sentences", sp_sentences, METH_VARARGS,
     "sentences(text, abbreviations, endings) -> (ends, starts) (as Sentences._scan)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT, "newskit_quotes._speedups",
    "Optional C accelerator of the quotes component (the Python code is the reference).",
    -1, module_methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    init_flags();
    if (PyType_Ready(&ScannerType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&moduledef);
    if (m == NULL)
        return NULL;
    Py_INCREF(&ScannerType);
    if (PyModule_AddObject(m, "Scanner", (PyObject *)&ScannerType) < 0) {
        Py_DECREF(&ScannerType);
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
