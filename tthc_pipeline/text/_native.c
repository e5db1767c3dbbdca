/*
 * Compiled twins of tthc_pipeline.text.normalize.canon() and fold().
 *
 * Why: canon() (one tone-mark convention + lower case) runs on every component of every
 * procedure the rule engine checks; in Python it is a regex substitution plus str.lower(),
 * ~130 us of the ~550 us a 4,500-character procedure costs. Here it is one pass over the
 * characters with lookup tables. canon_utf8() also writes the UTF-8 of the canon text (with a
 * NUL appended) in the same pass: the bytes the rule engine's RE2 prescan reads, which Python's
 * concatenation and encoder cost ~13 instructions a character more (measured: the prescan
 * stage 402,107 -> 342,609 instructions a procedure).
 *
 * The semantics are not re-implemented here but handed over by normalize.py at import
 * (init()): the lower-case table is read off str.lower() for every BMP code point, the
 * tone moves off normalize._move_tone() for every pair it rewrites, the fold table off
 * normalize._FOLD. Whatever the tables cannot decide (a capital sigma, whose lower case
 * depends on its neighbours, or a character outside the BMP) sends the whole text to the
 * Python implementation. tests/test_native_normalize.py checks equality with the Python
 * functions on every code point, on generated texts and on the real corpus.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#define TABLE_SIZE 0x10000
#define NO_MAPPING 0xFFFFFFFFu /* in LOWER: decide in Python */

static Py_UCS4 LOWER[TABLE_SIZE];
static Py_UCS4 FOLD[TABLE_SIZE];
/* Tone moves: TONED[c] != 0 marks a toned a/e/y that may follow o/O/u/U; the rewrite of the
 * pair (first, c) is MOVE_FIRST/MOVE_SECOND[first index][c's index]. */
#define MAX_TONED 64
static unsigned char TONED[TABLE_SIZE]; /* 0 = not toned; else 1 + index into the move tables */
static Py_UCS4 MOVE_FIRST[4][MAX_TONED];  /* 0 = pair left as it is */
static Py_UCS4 MOVE_SECOND[4][MAX_TONED];
static int ready = 0;
static PyObject *py_canon = NULL; /* the Python implementation, for what the tables cannot decide */
static PyObject *py_canon_utf8 = NULL; /* its canon_utf8, likewise */

static int first_index(Py_UCS4 c) {
    switch (c) {
    case 'o': return 0;
    case 'O': return 1;
    case 'u': return 2;
    case 'U': return 3;
    default: return -1;
    }
}

static int is_word(Py_UCS4 c) {
    /* what Python's re means by \w on str patterns */
    return c == '_' || Py_UNICODE_ISALNUM(c);
}

static int read_table(PyObject *buffer, Py_UCS4 *table, const char *name) {
    Py_buffer view;
    if (PyObject_GetBuffer(buffer, &view, PyBUF_SIMPLE) < 0) return -1;
    if (view.len != (Py_ssize_t)(TABLE_SIZE * sizeof(Py_UCS4))) {
        PyBuffer_Release(&view);
        PyErr_Format(PyExc_ValueError, "%s: expected %d uint32 entries", name, TABLE_SIZE);
        return -1;
    }
    memcpy(table, view.buf, view.len);
    PyBuffer_Release(&view);
    return 0;
}

/* init(lower: bytes, fold: bytes, moves: dict[str, str], python_canon: callable,
 *      python_canon_utf8: callable) */
static PyObject *native_init(PyObject *self, PyObject *args) {
    PyObject *lower, *fold, *moves, *fallback, *fallback_utf8;
    if (!PyArg_ParseTuple(args, "OOO!OO", &lower, &fold, &PyDict_Type, &moves, &fallback, &fallback_utf8)) return NULL;
    if (read_table(lower, LOWER, "lower") < 0 || read_table(fold, FOLD, "fold") < 0) return NULL;
    for (int c = 0; c < TABLE_SIZE; c++) {
        if ((LOWER[c] >= TABLE_SIZE && LOWER[c] != NO_MAPPING) || FOLD[c] >= TABLE_SIZE) {
            ready = 0;
            PyErr_SetString(PyExc_ValueError, "tables must map into the BMP");
            return NULL;
        }
    }
    memset(TONED, 0, sizeof(TONED));
    memset(MOVE_FIRST, 0, sizeof(MOVE_FIRST));
    memset(MOVE_SECOND, 0, sizeof(MOVE_SECOND));
    int count = 0;
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(moves, &pos, &key, &value)) {
        if (!PyUnicode_Check(key) || !PyUnicode_Check(value) || PyUnicode_GET_LENGTH(key) != 2 ||
            PyUnicode_GET_LENGTH(value) != 2) {
            PyErr_SetString(PyExc_ValueError, "moves: two-character strings expected");
            return NULL;
        }
        Py_UCS4 first = PyUnicode_READ_CHAR(key, 0), second = PyUnicode_READ_CHAR(key, 1);
        int fi = first_index(first);
        Py_UCS4 to_first = PyUnicode_READ_CHAR(value, 0), to_second = PyUnicode_READ_CHAR(value, 1);
        if (fi < 0 || second >= TABLE_SIZE || to_first == 0 || to_first >= TABLE_SIZE || to_second >= TABLE_SIZE) {
            PyErr_SetString(PyExc_ValueError, "moves: o, O, u or U + a BMP vowel, rewritten within the BMP");
            return NULL;
        }
        if (!TONED[second]) {
            if (count == MAX_TONED) {
                PyErr_SetString(PyExc_ValueError, "moves: too many toned vowels");
                return NULL;
            }
            TONED[second] = (unsigned char)(++count);
        }
        int si = TONED[second] - 1;
        MOVE_FIRST[fi][si] = to_first;
        MOVE_SECOND[fi][si] = to_second;
    }
    Py_XINCREF(fallback);
    Py_XSETREF(py_canon, fallback);
    Py_INCREF(fallback_utf8);
    Py_XSETREF(py_canon_utf8, fallback_utf8);
    ready = 1;
    Py_RETURN_NONE;
}

/* c (a BMP code point) as UTF-8 at u; returns the end. A surrogate is written too (as
 * "surrogatepass" would): CANON_INTO flags it, and canon_utf8 then refuses the text as
 * str.encode("utf-8") does. */
static inline unsigned char *put_utf8(unsigned char *u, Py_UCS4 c) {
    if (c < 0x80) {
        *u++ = (unsigned char)c;
    } else if (c < 0x800) {
        *u++ = (unsigned char)(0xC0 | (c >> 6));
        *u++ = (unsigned char)(0x80 | (c & 0x3F));
    } else {
        *u++ = (unsigned char)(0xE0 | (c >> 12));
        *u++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        *u++ = (unsigned char)(0x80 | (c & 0x3F));
    }
    return u;
}

/* canon of a text of one storage kind into out[] (UCS2 for texts within the BMP, else UCS4);
 * returns 0, or 1 when the text needs the Python implementation. One function per kind (the
 * kind switch of PyUnicode_READ hoisted out of the loop). With UTF8 (a constant: the other
 * variants carry no trace of it), also the UTF-8 of out[] from *utf8 on (room for 3 bytes a
 * character); *utf8 is left at its end, or NULL when out[] holds a surrogate. */
#define CANON_INTO(NAME, IN_T, OUT_T, UTF8)                                                      \
    static int NAME(const IN_T *in, OUT_T *out, Py_ssize_t n, unsigned char **utf8) {            \
        unsigned char *u = UTF8 ? *utf8 : NULL;                                                  \
        int surrogate = 0;                                                                       \
        Py_ssize_t i = 0;                                                                        \
        while (i < n) {                                                                          \
            Py_UCS4 c = in[i];                                                                   \
            if (c < 128) {                                                                       \
                if ((c == 'o' || c == 'O' || c == 'u' || c == 'U') && i + 1 < n) {               \
                    Py_UCS4 d = in[i + 1];                                                       \
                    if (d < TABLE_SIZE && TONED[d] && !(i + 2 < n && is_word(in[i + 2]))) {      \
                        /* the regex matched (o|u) + toned vowel at a word end: both characters  \
                         * are consumed whatever the rewrite decides */                          \
                        int fi = first_index(c), si = TONED[d] - 1;                              \
                        Py_UCS4 a = c, b = d;                                                    \
                        int after_q = i > 0 && (in[i - 1] == 'q' || in[i - 1] == 'Q');           \
                        if (!after_q && MOVE_FIRST[fi][si]) {                                    \
                            a = MOVE_FIRST[fi][si];                                              \
                            b = MOVE_SECOND[fi][si];                                             \
                        }                                                                        \
                        if (a >= TABLE_SIZE || b >= TABLE_SIZE || LOWER[a] == NO_MAPPING ||      \
                            LOWER[b] == NO_MAPPING)                                              \
                            return 1;                                                            \
                        out[i] = (OUT_T)LOWER[a];                                                \
                        out[i + 1] = (OUT_T)LOWER[b];                                            \
                        if (UTF8) {                                                              \
                            u = put_utf8(u, LOWER[a]);                                           \
                            u = put_utf8(u, LOWER[b]);                                           \
                        }                                                                        \
                        i += 2;                                                                  \
                        continue;                                                                \
                    }                                                                            \
                }                                                                                \
                c = (c >= 'A' && c <= 'Z') ? c + 32 : c;                                         \
                out[i++] = (OUT_T)c;                                                             \
                if (UTF8) *u++ = (unsigned char)c;                                               \
                continue;                                                                        \
            }                                                                                    \
            if (c >= TABLE_SIZE || LOWER[c] == NO_MAPPING) return 1;                             \
            out[i++] = (OUT_T)LOWER[c];                                                          \
            if (UTF8) {                                                                          \
                surrogate |= (LOWER[c] & 0xF800) == 0xD800;                                      \
                u = put_utf8(u, LOWER[c]);                                                       \
            }                                                                                    \
        }                                                                                        \
        if (UTF8) *utf8 = surrogate ? NULL : u; /* NULL: not encodable */                         \
        return 0;                                                                                \
    }

CANON_INTO(canon_ucs1, Py_UCS1, Py_UCS2, 0)
CANON_INTO(canon_ucs2, Py_UCS2, Py_UCS2, 0)
CANON_INTO(canon_utf8_ucs1, Py_UCS1, Py_UCS2, 1)
CANON_INTO(canon_utf8_ucs2, Py_UCS2, Py_UCS2, 1)

/* 1 when the tables are loaded and ``text`` is a str; else 0 with the exception set. */
static int ready_for(PyObject *text) {
    if (!ready) {
        PyErr_SetString(PyExc_RuntimeError, "tthc_pipeline.text._native: init() not called");
        return 0;
    }
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "str expected, not %.100s", Py_TYPE(text)->tp_name);
        return 0;
    }
    return 1;
}

/* The tables hold BMP code points only (init() checks), so a UCS1/UCS2 text's canon fits
 * in UCS2; a UCS4 text has a character outside the BMP and goes to Python anyway. */
static PyObject *run(PyObject *text, int do_fold) {
    if (!ready_for(text)) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    if (kind != PyUnicode_4BYTE_KIND) {
        Py_UCS2 stack[1024];
        Py_UCS2 *buf = n <= 1024 ? stack : PyMem_Malloc(n * sizeof(Py_UCS2));
        if (buf == NULL) return PyErr_NoMemory();
        int need_python = kind == PyUnicode_1BYTE_KIND ? canon_ucs1(PyUnicode_1BYTE_DATA(text), buf, n, NULL)
                                                       : canon_ucs2(PyUnicode_2BYTE_DATA(text), buf, n, NULL);
        PyObject *result = NULL;
        if (!need_python) {
            if (do_fold)
                for (Py_ssize_t i = 0; i < n; i++) buf[i] = (Py_UCS2)FOLD[buf[i]];
            result = PyUnicode_FromKindAndData(PyUnicode_2BYTE_KIND, buf, n);
        }
        if (buf != stack) PyMem_Free(buf);
        if (!need_python) return result;
    }
    /* the Python canon decides (fold is applied to its result) */
    PyObject *canon = PyObject_CallOneArg(py_canon, text);
    if (canon == NULL || !do_fold) return canon;
    n = PyUnicode_GET_LENGTH(canon);
    Py_UCS4 *wide = PyUnicode_AsUCS4Copy(canon);
    Py_DECREF(canon);
    if (wide == NULL) return NULL;
    for (Py_ssize_t i = 0; i < n; i++)
        if (wide[i] < TABLE_SIZE) wide[i] = FOLD[wide[i]];
    PyObject *result = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, wide, n);
    PyMem_Free(wide);
    return result;
}

static PyObject *native_canon(PyObject *self, PyObject *text) { return run(text, 0); }

/* canon_utf8(text) -> (canon(text), the UTF-8 of it with a NUL appended; b"" when it holds a
 * surrogate, which str.encode("utf-8") refuses). Encoded while canon is written; the texts
 * the tables cannot decide take the Python canon_utf8 (``fallback``). */
static PyObject *native_canon_utf8(PyObject *self, PyObject *text) {
    if (!ready_for(text)) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    if (kind == PyUnicode_4BYTE_KIND) return PyObject_CallOneArg(py_canon_utf8, text);
    Py_UCS2 stack[1024];
    unsigned char stack_utf8[3 * 1024 + 1];
    Py_UCS2 *buf = n <= 1024 ? stack : PyMem_Malloc(n * sizeof(Py_UCS2));
    unsigned char *utf8 = n <= 1024 ? stack_utf8 : PyMem_Malloc(3 * n + 1);
    PyObject *result = NULL;
    if (buf == NULL || utf8 == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    unsigned char *end = utf8;
    int need_python = kind == PyUnicode_1BYTE_KIND ? canon_utf8_ucs1(PyUnicode_1BYTE_DATA(text), buf, n, &end)
                                                   : canon_utf8_ucs2(PyUnicode_2BYTE_DATA(text), buf, n, &end);
    if (need_python) {
        result = PyObject_CallOneArg(py_canon_utf8, text);
        goto done;
    }
    PyObject *canon = PyUnicode_FromKindAndData(PyUnicode_2BYTE_KIND, buf, n);
    if (canon == NULL) goto done;
    PyObject *bytes;
    if (end == NULL) {
        bytes = PyBytes_FromStringAndSize(NULL, 0);
    } else {
        *end++ = 0;
        bytes = PyBytes_FromStringAndSize((const char *)utf8, end - utf8);
    }
    if (bytes == NULL) {
        Py_DECREF(canon);
        goto done;
    }
    result = PyTuple_New(2);
    if (result == NULL) {
        Py_DECREF(canon);
        Py_DECREF(bytes);
        goto done;
    }
    PyTuple_SET_ITEM(result, 0, canon); /* steals the references */
    PyTuple_SET_ITEM(result, 1, bytes);
done:
    if (buf != stack) PyMem_Free(buf);
    if (utf8 != stack_utf8) PyMem_Free(utf8);
    return result;
}
static PyObject *native_fold(PyObject *self, PyObject *text) { return run(text, 1); }

/* count_non_ascii(text, limit): characters above U+007F among the first ``limit``. */
static PyObject *native_count_non_ascii(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_ssize_t limit;
    if (!PyArg_ParseTuple(args, "Un", &text, &limit)) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (limit < n) n = limit < 0 ? 0 : limit;
    if (PyUnicode_IS_ASCII(text)) return PyLong_FromSsize_t(0);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t count = 0;
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *in = data;
        for (Py_ssize_t i = 0; i < n; i++) count += in[i] > 0x7F;
    } else if (kind == PyUnicode_2BYTE_KIND) {
        const Py_UCS2 *in = data;
        for (Py_ssize_t i = 0; i < n; i++) count += in[i] > 0x7F;
    } else {
        const Py_UCS4 *in = data;
        for (Py_ssize_t i = 0; i < n; i++) count += in[i] > 0x7F;
    }
    return PyLong_FromSsize_t(count);
}

/* number_years(cleaned): rules/number_screen._number_years_py in one pass. For each "/" with a
 * year after it (at most three spaces, "19"/"20"/"2O" and two of 0-9 O I l, at most three
 * spaces, "/"), the digit run that ends at most three spaces before the "/" (as ASCII digits)
 * and the year as the citation parser reads it (O -> 0, I and l -> 1). \s and \d are Python's
 * (Py_UNICODE_ISSPACE, Py_UNICODE_ISDECIMAL). */
static int year_char(Py_UCS4 c) { return (c >= '0' && c <= '9') || c == 'O' || c == 'I' || c == 'l'; }
static char year_digit(Py_UCS4 c) { return c == 'O' ? '0' : (c == 'I' || c == 'l') ? '1' : (char)c; }

static PyObject *native_number_years(PyObject *self, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "str expected, not %.100s", Py_TYPE(text)->tp_name);
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    PyObject *out = PyList_New(0);
    if (out == NULL) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (PyUnicode_READ(kind, data, i) != '/') continue;
        Py_ssize_t j = i + 1;
        for (int k = 0; k < 3 && j < n && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, j)); k++) j++;
        if (j + 4 > n) continue;
        Py_UCS4 y0 = PyUnicode_READ(kind, data, j), y1 = PyUnicode_READ(kind, data, j + 1);
        Py_UCS4 y2 = PyUnicode_READ(kind, data, j + 2), y3 = PyUnicode_READ(kind, data, j + 3);
        if (!((y0 == '1' && y1 == '9') || (y0 == '2' && (y1 == '0' || y1 == 'O')))) continue;
        if (!year_char(y2) || !year_char(y3)) continue;
        Py_ssize_t m = j + 4;
        for (int k = 0; k < 3 && m < n && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, m)); k++) m++;
        if (m >= n || PyUnicode_READ(kind, data, m) != '/') continue;
        Py_ssize_t end = i, floor = i - 3 > 0 ? i - 3 : 0;
        while (end > floor && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, end - 1))) end--;
        Py_ssize_t start = end;
        while (start > 0 && Py_UNICODE_ISDECIMAL(PyUnicode_READ(kind, data, start - 1))) start--;
        if (start == end) continue;
        PyObject *run = PyUnicode_New(end - start, 127);
        if (run == NULL) goto fail;
        Py_UCS1 *digits = PyUnicode_1BYTE_DATA(run);
        for (Py_ssize_t r = start; r < end; r++)
            digits[r - start] = (Py_UCS1)('0' + Py_UNICODE_TODECIMAL(PyUnicode_READ(kind, data, r)));
        char year[4] = {year_digit(y0), year_digit(y1), year_digit(y2), year_digit(y3)};
        PyObject *pair = Py_BuildValue("(Ns#)", run, year, (Py_ssize_t)4);
        if (pair == NULL) goto fail;
        int failed = PyList_Append(out, pair);
        Py_DECREF(pair);
        if (failed) goto fail;
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

static PyMethodDef methods[] = {
    {"count_non_ascii", native_count_non_ascii, METH_VARARGS, "Characters above U+007F among the first limit."},
    {"init", native_init, METH_VARARGS, "Load the tables read off the Python implementation."},
    {"canon", native_canon, METH_O, "normalize.canon() in one pass."},
    {"fold", native_fold, METH_O, "normalize.fold() in one pass."},
    {"canon_utf8", native_canon_utf8, METH_O, "normalize.canon_utf8() in one pass."},
    {"number_years", native_number_years, METH_O, "number_screen._number_years_py in one pass."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_native", NULL, -1, methods};

PyMODINIT_FUNC PyInit__native(void) { return PyModule_Create(&module); }
