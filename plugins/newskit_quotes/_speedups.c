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
#include <structmember.h>

/* ---------------------------------------------------------------------------------- */
/* small helpers                                                                        */

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t n;
} Txt;

#define CH(t, i) PyUnicode_READ((t)->kind, (t)->data, (i))
#define ISALNUM(c) Py_UNICODE_ISALNUM(c)
#define ISSPACE(c) Py_UNICODE_ISSPACE(c)
#define ISALPHA(c) Py_UNICODE_ISALPHA(c)
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
        Py_UCS4 c = CH(&t, i);
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
    int n_words;
    PyObject **word_cue;    /* per word: its single-word Cue, or Py_None */
    Py_ssize_t *phr_start;  /* per word: first phrase index, or -1 */
    Py_ssize_t *phr_count;
    Phrase *phrases;
    Py_ssize_t n_phrases;
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
    Py_TYPE(s)->tp_free((PyObject *)s);
}

/* Scanner(words, cues, phrases): ``words`` the trigger words (lower-case str), ``cues``
   their single-word Cue or None, ``phrases`` their phrases as a tuple of (Cue, text,
   offset of the word in the phrase, phrase length), or None. */
static int
Scanner_init(Scanner *s, PyObject *args, PyObject *kwds)
{
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
        Py_UCS4 c = CH(&low, i);
        if (is_ascii_alnum(c) || i + 1 >= n) {
            i++;
            continue;
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

static PyMethodDef Scanner_methods[] = {
    {"cues", (PyCFunction)Scanner_cues, METH_VARARGS,
     "cues(low) -> (list of (start, end, cue), phrase spans or None)"},
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

static PyMethodDef module_methods[] = {
    {"find_quoted", sp_find_quoted, METH_VARARGS,
     "find_quoted(text, single_quotes, Quoted) -> list of Quoted (as _marks.find_quoted)"},
    {"sentences", sp_sentences, METH_VARARGS,
     "sentences(text, abbreviations, endings) -> (ends, starts) (as Sentences._scan)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT, "newskit_quotes._speedups",
    "Optional C accelerator of the quotes component (the Python code is the reference).",
    -1, module_methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
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
    return m;
}
