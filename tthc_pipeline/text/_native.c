/*
 * Compiled twins of tthc_pipeline.text.normalize.canon() and fold().
 *
 * Why: canon() (one tone-mark convention + lower case) runs on every component of every
 * procedure the rule engine checks; in Python it is a regex substitution plus str.lower(),
 * ~130 us of the ~550 us a 4,500-character procedure costs. Here it is one pass over the
 * characters with lookup tables. canon_bytez() also writes normalize.bytez() of the canon text
 * (one byte a character, a NUL appended) in the same pass: the bytes the rule engine's prescan
 * reads, which Python's translate and encoder cost several instructions a character more.
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
#include <stdint.h>

#define TABLE_SIZE 0x10000
#define NO_MAPPING 0xFFFFFFFFu /* in init()'s lower table: decide in Python */

/* Per BMP code point c, filled by init():
 * LOWER[c]: canon of c alone (lower case); FOLDED[c]: fold of it;
 * INFO[c]: the byte of LOWER[c] in bytez()'s encoding (bits 0-7) and the flags of what the
 * plain copy cannot do. */
static Py_UCS2 LOWER[TABLE_SIZE];
static Py_UCS2 FOLDED[TABLE_SIZE];
static uint32_t INFO[TABLE_SIZE];
#define F_TONED (1u << 26)  /* a toned a/e/y: after o/O/u/U the tone may move */
#define F_PYTHON (1u << 27) /* lower case decided in Python (capital sigma: its neighbours) */
#define FLAGS (F_TONED | F_PYTHON)
/* Tone moves: TONED[c] is 1 + the index of a toned vowel in the move tables; the rewrite of
 * the pair (first, c) is MOVE_FIRST/MOVE_SECOND[first's index][c's index] (0: left as it is). */
#define MAX_TONED 64
static unsigned char TONED[TABLE_SIZE];
static Py_UCS4 MOVE_FIRST[4][MAX_TONED];
static Py_UCS4 MOVE_SECOND[4][MAX_TONED];
static int ready = 0;
static PyObject *py_canon = NULL; /* the Python implementation, for what the tables cannot decide */
static PyObject *py_canon_bytez = NULL; /* its canon_bytez, likewise */

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

/* LOWER, FOLDED and INFO from the lower-case and fold tables (uint32 per BMP code point) and
 * the byte of each BMP code point (to_byte). */
static int fill_tables(const Py_UCS4 *lower, const Py_UCS4 *fold, const unsigned char *to_byte) {
    for (int c = 0; c < TABLE_SIZE; c++) {
        if (lower[c] == NO_MAPPING) {
            LOWER[c] = FOLDED[c] = (Py_UCS2)c; /* never read: F_PYTHON sends the text to Python */
            INFO[c] = F_PYTHON;
            continue;
        }
        if (lower[c] >= TABLE_SIZE || fold[c] >= TABLE_SIZE || fold[lower[c]] >= TABLE_SIZE) {
            PyErr_SetString(PyExc_ValueError, "tables must map into the BMP");
            return -1;
        }
        LOWER[c] = (Py_UCS2)lower[c];
        FOLDED[c] = (Py_UCS2)fold[lower[c]];
        INFO[c] = to_byte[lower[c]];
    }
    return 0;
}

/* init(lower: bytes, fold: bytes, to_byte: bytes, moves: dict[str, str], python_canon: callable,
 *      python_canon_bytez: callable) */
static PyObject *native_init(PyObject *self, PyObject *args) {
    PyObject *lower, *fold, *moves, *fallback, *fallback_bytez;
    Py_buffer to_byte;
    if (!PyArg_ParseTuple(args, "OOy*O!OO", &lower, &fold, &to_byte, &PyDict_Type, &moves, &fallback, &fallback_bytez))
        return NULL;
    ready = 0;
    if (to_byte.len != TABLE_SIZE) {
        PyBuffer_Release(&to_byte);
        PyErr_Format(PyExc_ValueError, "to_byte: expected %d bytes", TABLE_SIZE);
        return NULL;
    }
    Py_UCS4 *lower_table = PyMem_Malloc(2 * TABLE_SIZE * sizeof(Py_UCS4)), *fold_table = lower_table + TABLE_SIZE;
    if (lower_table == NULL) {
        PyBuffer_Release(&to_byte);
        return PyErr_NoMemory();
    }
    int failed = read_table(lower, lower_table, "lower") < 0 || read_table(fold, fold_table, "fold") < 0 ||
                 fill_tables(lower_table, fold_table, to_byte.buf) < 0;
    PyMem_Free(lower_table);
    PyBuffer_Release(&to_byte);
    if (failed) return NULL;
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
        /* the toned vowel is never o/O/u/U itself: a pair is then found from its second
         * character, whose predecessor no earlier pair can have consumed (see CANON_INTO) */
        if (fi < 0 || second >= TABLE_SIZE || first_index(second) >= 0 || to_first == 0 ||
            to_first >= TABLE_SIZE || to_second >= TABLE_SIZE) {
            PyErr_SetString(PyExc_ValueError, "moves: o, O, u or U + a BMP vowel, rewritten within the BMP");
            return NULL;
        }
        if (!TONED[second]) {
            if (count == MAX_TONED) {
                PyErr_SetString(PyExc_ValueError, "moves: too many toned vowels");
                return NULL;
            }
            TONED[second] = (unsigned char)(++count);
            INFO[second] |= F_TONED;
        }
        int si = TONED[second] - 1;
        MOVE_FIRST[fi][si] = to_first;
        MOVE_SECOND[fi][si] = to_second;
    }
    for (Py_UCS4 c = 0; c < 0x80; c++) { /* what the ASCII blocks of CANON_INTO assume */
        Py_UCS4 low = c >= 'A' && c <= 'Z' ? c + 32 : c;
        if (LOWER[c] != low || FOLDED[c] != low || INFO[c] != low) {
            PyErr_SetString(PyExc_ValueError, "ASCII must lower-case as str.lower() does, fold and encode to itself");
            return NULL;
        }
    }
    Py_INCREF(fallback);
    Py_XSETREF(py_canon, fallback);
    Py_INCREF(fallback_bytez);
    Py_XSETREF(py_canon_bytez, fallback_bytez);
    ready = 1;
    Py_RETURN_NONE;
}

/* ASCII runs are read 16 bytes at a time (8 UCS2 or 16 UCS1 characters) with SSE2, which
 * every x86-64 processor has (elsewhere each character is read alone): lower case, as LOWER
 * and FOLDED give for ASCII (init() checks), is 'A'-'Z' + 32. Each returns the number of
 * leading ASCII characters and their lower case in *low (the lanes after them are not). */
#ifdef __SSE2__
#include <emmintrin.h>
#define SSE2_BLOCKS 1 /* 16-byte blocks: the ASCII runs of canon/fold, the "/" of number_years, reads_as_clean */
static inline int ascii_lower_ucs2(const Py_UCS2 *in, __m128i *low) {
    __m128i v = _mm_loadu_si128((const __m128i *)in);
    __m128i ascii = _mm_cmpeq_epi16(_mm_and_si128(v, _mm_set1_epi16((short)0xFF80)), _mm_setzero_si128());
    __m128i upper = _mm_and_si128(_mm_cmpgt_epi16(v, _mm_set1_epi16('A' - 1)), _mm_cmplt_epi16(v, _mm_set1_epi16('Z' + 1)));
    *low = _mm_add_epi16(v, _mm_and_si128(upper, _mm_set1_epi16(32)));
    return __builtin_ctz(~_mm_movemask_epi8(ascii)) / 2; /* 2 mask bits a lane; bit 16 is clear */
}
static inline int ascii_lower_ucs1(const Py_UCS1 *in, __m128i *low) {
    __m128i v = _mm_loadu_si128((const __m128i *)in);
    /* signed bytes: ASCII is what is not negative */
    __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('A' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('Z' + 1)));
    *low = _mm_add_epi8(v, _mm_and_si128(upper, _mm_set1_epi8(32)));
    return __builtin_ctz(_mm_movemask_epi8(v) | 0x10000);
}
/* The leading ASCII characters of the 16 bytes at in (characters of in_size bytes), lower-cased
 * into out (16 bytes written, or 8 for UCS2 -> UCS1; UCS1 -> UCS2 is not read by blocks) and,
 * with bytes, into u (16 or 8 bytes: ASCII is its own byte); returns their count. The sizes are
 * constants inlined. What is written past them is overwritten by the characters that follow:
 * the caller reads a block only when its characters are all in the text (so out and u, a byte
 * a character, have room). */
static inline Py_ssize_t ascii_block(const void *in, void *out, unsigned char *u, int in_size, int out_size, int bytes) {
    __m128i low;
    if (in_size == 1) {
        int k = ascii_lower_ucs1(in, &low);
        _mm_storeu_si128((__m128i *)out, low);
        if (bytes) _mm_storeu_si128((__m128i *)u, low);
        return k;
    }
    int k = ascii_lower_ucs2(in, &low);
    __m128i packed = _mm_packus_epi16(low, low); /* the ASCII lanes as bytes */
    if (out_size == 2)
        _mm_storeu_si128((__m128i *)out, low);
    else
        _mm_storel_epi64((__m128i *)out, packed);
    if (bytes) _mm_storel_epi64((__m128i *)u, packed);
    return k;
}
#else
#define SSE2_BLOCKS 0
static inline Py_ssize_t ascii_block(const void *in, void *out, unsigned char *u, int in_size, int out_size, int bytes) {
    return 0; /* never called */
}
#endif

/* canon (TABLE = LOWER) or fold (TABLE = FOLDED) of a text of storage kind IN_T into out[] of
 * kind OUT_T (a UCS1 out[] gets the low byte of each character: *max_or, the OR of all
 * characters written, tells the caller whether that lost anything; the ASCII blocks are left
 * out of it, as ASCII cannot change the kind); returns 0, or 1 when the text needs the Python
 * implementation. With BYTES (a constant: the other variants carry no trace of it), also the
 * bytez() encoding of out[] into u[] (n bytes: one a character).
 *
 * The tone rule (a regex: [oOuU] + toned vowel, not followed by a word character) is looked
 * at from the toned vowel, the rare one of the pair: its predecessor, o/O/u/U, cannot be the
 * second character of an earlier match (those are toned vowels, never o/O/u/U: init()
 * checks), so the regex matches at every such pair. The predecessor was written first and is
 * rewritten. */
#define CANON_INTO(NAME, IN_T, OUT_T, TABLE, BYTES)                                               \
    static int NAME(const void *in_, void *out_, Py_ssize_t n, unsigned char *u, Py_UCS4 *max_or) { \
        const IN_T *in = in_;                                                                    \
        OUT_T *out = out_;                                                                       \
        const Py_ssize_t lanes = 16 / sizeof(IN_T);                                              \
        const int blocks = sizeof(IN_T) == 2 || sizeof(OUT_T) == 1; /* not for UCS1 -> UCS2 */   \
        Py_UCS4 or_all = 0;                                                                      \
        Py_ssize_t i = 0;                                                                        \
        while (i < n) {                                                                          \
            if (SSE2_BLOCKS && blocks && i + lanes <= n) {                                     \
                Py_ssize_t k = ascii_block(in + i, out + i, BYTES ? u + i : NULL, sizeof(IN_T), sizeof(OUT_T), BYTES); \
                i += k;                                                                          \
                if (k == lanes) continue;                                                        \
            }                                                                                    \
            Py_UCS4 c = in[i];                                                                   \
            uint32_t info = INFO[c];                                                             \
            if (info & FLAGS) {                                                                  \
                if (info & F_PYTHON) return 1;                                                   \
                int fi = (info & F_TONED) && i > 0 ? first_index(in[i - 1]) : -1;                \
                int si = TONED[c] - 1;                                                           \
                if (fi >= 0 && MOVE_FIRST[fi][si] && !(i > 1 && (in[i - 2] == 'q' || in[i - 2] == 'Q')) && \
                    !(i + 1 < n && is_word(in[i + 1]))) {                                        \
                    Py_UCS4 a = MOVE_FIRST[fi][si];                                              \
                    c = MOVE_SECOND[fi][si];                                                     \
                    if ((INFO[a] | INFO[c]) & F_PYTHON) return 1;                                \
                    out[i - 1] = (OUT_T)TABLE[a];                                                \
                    or_all |= TABLE[a];                                                          \
                    if (BYTES) u[i - 1] = (unsigned char)INFO[a];                                \
                }                                                                                \
                info = INFO[c];                                                                  \
            }                                                                                    \
            out[i] = (OUT_T)TABLE[c];                                                            \
            or_all |= TABLE[c];                                                                  \
            if (BYTES) u[i] = (unsigned char)info;                                               \
            i++;                                                                                 \
        }                                                                                        \
        *max_or = or_all;                                                                        \
        return 0;                                                                                \
    }

typedef int (*canon_into)(const void *in, void *out, Py_ssize_t n, unsigned char *u, Py_UCS4 *max_or);

CANON_INTO(canon_1_1, Py_UCS1, Py_UCS1, LOWER, 0)
CANON_INTO(canon_1_2, Py_UCS1, Py_UCS2, LOWER, 0)
CANON_INTO(canon_2_1, Py_UCS2, Py_UCS1, LOWER, 0)
CANON_INTO(canon_2_2, Py_UCS2, Py_UCS2, LOWER, 0)
CANON_INTO(fold_1_1, Py_UCS1, Py_UCS1, FOLDED, 0)
CANON_INTO(fold_1_2, Py_UCS1, Py_UCS2, FOLDED, 0)
CANON_INTO(fold_2_1, Py_UCS2, Py_UCS1, FOLDED, 0)
CANON_INTO(fold_2_2, Py_UCS2, Py_UCS2, FOLDED, 0)
CANON_INTO(bytes_1_1, Py_UCS1, Py_UCS1, LOWER, 1)
CANON_INTO(bytes_1_2, Py_UCS1, Py_UCS2, LOWER, 1)
CANON_INTO(bytes_2_1, Py_UCS2, Py_UCS1, LOWER, 1)
CANON_INTO(bytes_2_2, Py_UCS2, Py_UCS2, LOWER, 1)

enum mode { CANON, FOLD, CANON_BYTES };
/* [mode][input kind - 1][output kind - 1] */
static const canon_into LOOPS[3][2][2] = {
    {{canon_1_1, canon_1_2}, {canon_2_1, canon_2_2}},
    {{fold_1_1, fold_1_2}, {fold_2_1, fold_2_2}},
    {{bytes_1_1, bytes_1_2}, {bytes_2_1, bytes_2_2}},
};

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

/* The largest character of the storage class (ASCII, Latin-1, BMP) of a character. */
static Py_UCS4 class_max(Py_UCS4 c) { return c < 0x80 ? 0x7F : c < 0x100 ? 0xFF : 0xFFFF; }

/* canon/fold (and with CANON_BYTES the bytez() encoding into u[], as CANON_INTO) of a UCS1/UCS2
 * text, written straight into the str returned; NULL with *need_python set when the tables
 * cannot decide. A str must be stored in the narrowest kind its characters allow, guessed
 * before writing: the input's for canon (lower case keeps almost every character in its
 * class), ASCII for fold (diacritics stripped); the OR of the characters written tells a wrong
 * guess, and the text is then copied (guessed too wide) or written again in UCS2 (too narrow). */
static PyObject *canon_str(PyObject *text, enum mode mode, unsigned char *u, int *need_python) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    Py_UCS4 guess = mode == FOLD ? 0x7F : PyUnicode_MAX_CHAR_VALUE(text);
    PyObject *result = PyUnicode_New(n, guess);
    if (result == NULL) return NULL;
    int out_kind = PyUnicode_KIND(result);
    Py_UCS4 max_or;
    *need_python = LOOPS[mode][kind - 1][out_kind - 1](PyUnicode_DATA(text), PyUnicode_DATA(result), n, u, &max_or);
    if (*need_python) {
        Py_DECREF(result);
        return NULL;
    }
    if (class_max(max_or) == class_max(guess)) return result;
    PyObject *exact;
    if (out_kind == PyUnicode_1BYTE_KIND && max_or > 0xFF) {
        Py_UCS2 *wide = PyMem_Malloc(n * sizeof(Py_UCS2));
        if (wide == NULL) {
            Py_DECREF(result);
            return PyErr_NoMemory();
        }
        LOOPS[mode][kind - 1][1](PyUnicode_DATA(text), wide, n, u, &max_or);
        exact = PyUnicode_FromKindAndData(PyUnicode_2BYTE_KIND, wide, n);
        PyMem_Free(wide);
    } else {
        exact = PyUnicode_FromKindAndData(out_kind, PyUnicode_DATA(result), n);
    }
    Py_DECREF(result);
    return exact;
}

/* fold of the Python canon (the texts the tables cannot decide). */
static PyObject *fold_python_canon(PyObject *text) {
    PyObject *canon = PyObject_CallOneArg(py_canon, text);
    if (canon == NULL) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(canon);
    Py_UCS4 *wide = PyUnicode_AsUCS4Copy(canon);
    Py_DECREF(canon);
    if (wide == NULL) return NULL;
    for (Py_ssize_t i = 0; i < n; i++)
        if (wide[i] < TABLE_SIZE) wide[i] = FOLDED[wide[i]];
    PyObject *result = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, wide, n);
    PyMem_Free(wide);
    return result;
}

/* canon or fold. A UCS4 text has a character outside the BMP: Python decides. */
static PyObject *run(PyObject *text, enum mode mode) {
    if (!ready_for(text)) return NULL;
    if (PyUnicode_KIND(text) != PyUnicode_4BYTE_KIND) {
        int need_python;
        PyObject *result = canon_str(text, mode, NULL, &need_python);
        if (!need_python) return result;
    }
    return mode == FOLD ? fold_python_canon(text) : PyObject_CallOneArg(py_canon, text);
}

static PyObject *native_canon(PyObject *self, PyObject *text) { return run(text, CANON); }
static PyObject *native_fold(PyObject *self, PyObject *text) { return run(text, FOLD); }

/* canon_bytez(text) -> (canon(text), normalize.bytez() of it: a byte a character, a NUL
 * appended). Encoded while canon is written, straight into a bytes object of that length; a
 * UCS4 text (a character outside the BMP) and the texts the tables cannot decide take the
 * Python canon_bytez (``fallback``). */
static PyObject *native_canon_bytez(PyObject *self, PyObject *text) {
    if (!ready_for(text)) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (PyUnicode_KIND(text) == PyUnicode_4BYTE_KIND) return PyObject_CallOneArg(py_canon_bytez, text);
    PyObject *bytes = PyBytes_FromStringAndSize(NULL, n + 1);
    if (bytes == NULL) return NULL;
    unsigned char *u = (unsigned char *)PyBytes_AS_STRING(bytes);
    int need_python;
    PyObject *canon = canon_str(text, CANON_BYTES, u, &need_python);
    if (canon == NULL) {
        Py_DECREF(bytes);
        return need_python ? PyObject_CallOneArg(py_canon_bytez, text) : NULL;
    }
    u[n] = 0;
    PyObject *result = PyTuple_New(2);
    if (result == NULL) {
        Py_DECREF(canon);
        Py_DECREF(bytes);
        return NULL;
    }
    PyTuple_SET_ITEM(result, 0, canon); /* steals the references */
    PyTuple_SET_ITEM(result, 1, bytes);
    return result;
}

/* count_non_ascii(text, limit): characters above U+007F among the first ``limit``.
 * METH_FASTCALL, as the str finds below (why: there). */
static PyObject *native_count_non_ascii(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "count_non_ascii() takes 2 arguments (%zd given)", nargs);
        return NULL;
    }
    PyObject *text = args[0];
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "str expected, not %.100s", Py_TYPE(text)->tp_name);
        return NULL;
    }
    Py_ssize_t limit = PyNumber_AsSsize_t(args[1], PyExc_OverflowError);
    if (limit == -1 && PyErr_Occurred()) return NULL;
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

/* find(text, sub[, start[, end]]) and rfind(...): text.find(sub, start, end) and text.rfind(...)
 * for int bounds (a bound too large for Py_ssize_t is clipped, as str.find does), with the
 * same search (PyUnicode_Find). Why: in CPython 3.11 str.find/rfind are METH_VARARGS, so each
 * call packs its arguments in a tuple and unpacks them with PyArg_ParseTuple, ~400 instructions
 * around a search that is mostly far shorter; METH_FASTCALL reads them where they are. */
static PyObject *find_in(PyObject *const *args, Py_ssize_t nargs, int direction, const char *name) {
    if (nargs < 2 || nargs > 4) {
        PyErr_Format(PyExc_TypeError, "%s() takes from 2 to 4 arguments (%zd given)", name, nargs);
        return NULL;
    }
    Py_ssize_t bounds[2] = {0, PY_SSIZE_T_MAX};
    for (Py_ssize_t i = 2; i < nargs; i++) {
        bounds[i - 2] = PyNumber_AsSsize_t(args[i], NULL); /* NULL: clipped on overflow */
        if (bounds[i - 2] == -1 && PyErr_Occurred()) return NULL;
    }
    Py_ssize_t at = PyUnicode_Find(args[0], args[1], bounds[0], bounds[1], direction);
    return at == -2 ? NULL : PyLong_FromSsize_t(at);
}

static PyObject *native_find(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    return find_in(args, nargs, 1, "find");
}
static PyObject *native_rfind(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    return find_in(args, nargs, -1, "rfind");
}

/* number_years(cleaned): rules/number_screen._number_years_py in one pass. For each "/" with a
 * year after it (at most three spaces, "19"/"20"/"2O" and two of 0-9 O I l, at most three
 * spaces, "/"), the digit run that ends at most three spaces before the "/" (as ASCII digits)
 * and the year as the citation parser reads it (O -> 0, I and l -> 1). \s and \d are Python's
 * (Py_UNICODE_ISSPACE, Py_UNICODE_ISDECIMAL). One loop per storage kind (NUMBER_YEARS), the
 * "/" found 16 bytes at a time, each pair built directly (PyTuple_Pack of two str written in
 * place): PyUnicode_READ's kind switch on every character and Py_BuildValue's format parsing
 * cost half the instructions (~13,200 -> ~6,800 a portal legal basis, the call and the freeing
 * of its answer included). */
static int year_char(Py_UCS4 c) { return (c >= '0' && c <= '9') || c == 'O' || c == 'I' || c == 'l'; }
static char year_digit(Py_UCS4 c) { return c == 'O' ? '0' : (c == 'I' || c == 'l') ? '1' : (char)c; }
static inline int is_decimal(Py_UCS4 c) { return (c >= '0' && c <= '9') || (c > 0x7F && Py_UNICODE_ISDECIMAL(c)); }
static inline int decimal_value(Py_UCS4 c) { return c <= '9' ? (int)(c - '0') : Py_UNICODE_TODECIMAL(c); }

/* Append (run, year) to out: run the ASCII digits of the n decimal characters at digits (of
 * the given storage size), year four ASCII characters. 0, or -1 with the exception set. */
static int append_pair(PyObject *out, const void *digits, int size, Py_ssize_t n, const char year[4]) {
    PyObject *run = PyUnicode_New(n, 127), *y = PyUnicode_New(4, 127), *pair = NULL;
    if (run != NULL && y != NULL) {
        Py_UCS1 *r = PyUnicode_1BYTE_DATA(run);
        for (Py_ssize_t k = 0; k < n; k++)
            r[k] = (Py_UCS1)('0' + decimal_value(size == 1 ? ((const Py_UCS1 *)digits)[k]
                                                 : size == 2 ? ((const Py_UCS2 *)digits)[k]
                                                             : ((const Py_UCS4 *)digits)[k]));
        memcpy(PyUnicode_1BYTE_DATA(y), year, 4);
        pair = PyTuple_Pack(2, run, y);
    }
    Py_XDECREF(run);
    Py_XDECREF(y);
    if (pair == NULL) return -1;
    int failed = PyList_Append(out, pair);
    Py_DECREF(pair);
    return failed;
}

/* The index of the first "/" at or after i in s[0:n] (n when none); 16 bytes at a time with SSE2. */
#define FIND_SLASH(NAME, T)                                                                      \
    static inline Py_ssize_t NAME(const T *s, Py_ssize_t i, Py_ssize_t n) {                      \
        const Py_ssize_t lanes = 16 / sizeof(T);                                                 \
        if (SSE2_BLOCKS && sizeof(T) <= 2) {                                                    \
            for (; i + lanes <= n; i += lanes) {                                                 \
                int mask = slash_mask(s + i, sizeof(T));                                         \
                if (mask) return i + __builtin_ctz(mask) / sizeof(T);                            \
            }                                                                                    \
        }                                                                                        \
        while (i < n && s[i] != '/') i++;                                                        \
        return i;                                                                                \
    }
#ifdef __SSE2__
/* movemask of the lanes equal to "/" in the 16 bytes at in (2 bits a lane for UCS2) */
static inline int slash_mask(const void *in, int size) {
    __m128i v = _mm_loadu_si128((const __m128i *)in);
    return _mm_movemask_epi8(size == 1 ? _mm_cmpeq_epi8(v, _mm_set1_epi8('/')) : _mm_cmpeq_epi16(v, _mm_set1_epi16('/')));
}
#else
static inline int slash_mask(const void *in, int size) { return 0; /* never called */ }
#endif

#define NUMBER_YEARS(NAME, T, FIND)                                                              \
    FIND_SLASH(FIND, T)                                                                          \
    static int NAME(const T *s, Py_ssize_t n, PyObject *out) {                                   \
        for (Py_ssize_t i = FIND(s, 0, n); i < n; i = FIND(s, i + 1, n)) {                       \
            Py_ssize_t j = i + 1;                                                                \
            for (int k = 0; k < 3 && j < n && Py_UNICODE_ISSPACE(s[j]); k++) j++;                \
            if (j + 4 > n) continue;                                                             \
            Py_UCS4 y0 = s[j], y1 = s[j + 1], y2 = s[j + 2], y3 = s[j + 3];                      \
            if (!((y0 == '1' && y1 == '9') || (y0 == '2' && (y1 == '0' || y1 == 'O')))) continue; \
            if (!year_char(y2) || !year_char(y3)) continue;                                      \
            Py_ssize_t m = j + 4;                                                                \
            for (int k = 0; k < 3 && m < n && Py_UNICODE_ISSPACE(s[m]); k++) m++;                \
            if (m >= n || s[m] != '/') continue;                                                 \
            Py_ssize_t end = i, floor = i - 3 > 0 ? i - 3 : 0;                                   \
            while (end > floor && Py_UNICODE_ISSPACE(s[end - 1])) end--;                         \
            Py_ssize_t start = end;                                                              \
            while (start > 0 && is_decimal(s[start - 1])) start--;                               \
            if (start == end) continue;                                                          \
            char year[4] = {year_digit(y0), year_digit(y1), year_digit(y2), year_digit(y3)};     \
            if (append_pair(out, s + start, sizeof(T), end - start, year) < 0) return -1;       \
        }                                                                                        \
        return 0;                                                                                \
    }

NUMBER_YEARS(number_years_1, Py_UCS1, find_slash_1)
NUMBER_YEARS(number_years_2, Py_UCS2, find_slash_2)
NUMBER_YEARS(number_years_4, Py_UCS4, find_slash_4)

static PyObject *native_number_years(PyObject *self, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "str expected, not %.100s", Py_TYPE(text)->tp_name);
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    PyObject *out = PyList_New(0);
    if (out == NULL) return NULL;
    int kind = PyUnicode_KIND(text), failed;
    if (kind == PyUnicode_1BYTE_KIND)
        failed = number_years_1(PyUnicode_1BYTE_DATA(text), n, out);
    else if (kind == PyUnicode_2BYTE_KIND)
        failed = number_years_2(PyUnicode_2BYTE_DATA(text), n, out);
    else
        failed = number_years_4(PyUnicode_4BYTE_DATA(text), n, out);
    if (failed) {
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

/* has_non_ascii_decimal(text): rules/number_screen._has_non_ascii_digit_py (is there a decimal
 * digit other than 0-9, Python's \d, Py_UNICODE_ISDECIMAL?) in one pass: none in a Latin-1 text
 * (its only decimal digits are 0-9) and none below U+0660 or among the Vietnamese letters of
 * U+1E00-U+1EFF, so most characters take two comparisons, not a look-up. */
static PyObject *native_has_non_ascii_decimal(PyObject *self, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "str expected, not %.100s", Py_TYPE(text)->tp_name);
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    if (kind == PyUnicode_1BYTE_KIND) Py_RETURN_FALSE;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (kind == PyUnicode_2BYTE_KIND) {
        const Py_UCS2 *s = PyUnicode_2BYTE_DATA(text);
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_UCS2 c = s[i];
            if (c >= 0x660 && (c < 0x1E00 || c > 0x1EFF) && Py_UNICODE_ISDECIMAL(c)) Py_RETURN_TRUE;
        }
    } else {
        const Py_UCS4 *s = PyUnicode_4BYTE_DATA(text);
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_UCS4 c = s[i];
            if (c >= 0x660 && (c < 0x1E00 || c > 0x1EFF) && Py_UNICODE_ISDECIMAL(c)) Py_RETURN_TRUE;
        }
    }
    Py_RETURN_FALSE;
}

/* reads_as_clean(text): normalize.reads_as_clean_py (str.isprintable() and no
 * KELVIN SIGN) in one pass, one loop per storage kind (READS_AS_CLEAN): printable ASCII and
 * the Latin and Vietnamese letters (all printable) told by comparisons, 16 bytes at a time
 * (SSE2); only the other characters ask the Unicode database's look-up str.isprintable makes
 * for every one (~6,800 -> ~1,750 instructions a portal legal basis, the call included).
 * tests/test_number_screen.py compares it with the Python test on every code point. */
static inline int clean_char(Py_UCS4 c) {
    if (c >= 0x20 && c < 0x7F) return 1;
    /* Latin-1 letters to Latin Extended-B and Latin Extended Additional: all printable */
    if ((c >= 0xC0 && c < 0x250) || (c >= 0x1E00 && c < 0x1F00)) return 1;
    return c != 0x212A && Py_UNICODE_ISPRINTABLE(c);
}
#ifdef __SSE2__
/* are the 16 bytes at in all characters clean_char takes by its comparisons (printable ASCII,
 * U+00C0-U+024F, U+1E00-U+1EFF)? Signed lanes: in[lo, hi] is lane > lo - 1 and lane < hi + 1
 * (UCS2: every bound is below 0x8000, a larger character is a negative lane and fails; UCS1:
 * 0xC0-0xFF are the lanes -64..-1). */
static inline __m128i between16(__m128i v, short lo, short hi) {
    return _mm_and_si128(_mm_cmpgt_epi16(v, _mm_set1_epi16(lo - 1)), _mm_cmplt_epi16(v, _mm_set1_epi16(hi + 1)));
}
static inline __m128i between8(__m128i v, char lo, char hi) {
    return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(lo - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8(hi + 1)));
}
static inline int clean_block(const void *in, int size) {
    __m128i v = _mm_loadu_si128((const __m128i *)in), ok;
    if (size == 1)
        ok = _mm_or_si128(between8(v, 0x20, 0x7E), between8(v, -64, -1));
    else
        ok = _mm_or_si128(_mm_or_si128(between16(v, 0x20, 0x7E), between16(v, 0xC0, 0x24F)),
                          between16(v, 0x1E00, 0x1EFF));
    return _mm_movemask_epi8(ok) == 0xFFFF;
}
#else
static inline int clean_block(const void *in, int size) { return 0; /* never called */ }
#endif

#define READS_AS_CLEAN(NAME, T)                                                                  \
    static int NAME(const T *s, Py_ssize_t n) {                                                  \
        const Py_ssize_t lanes = 16 / sizeof(T);                                                 \
        Py_ssize_t i = 0;                                                                        \
        if (SSE2_BLOCKS && sizeof(T) <= 2) {                                                    \
            for (; i + lanes <= n; i += lanes) {                                                 \
                if (clean_block(s + i, sizeof(T))) continue;                                     \
                for (Py_ssize_t k = i; k < i + lanes; k++)                                       \
                    if (!clean_char(s[k])) return 0;                                             \
            }                                                                                    \
        }                                                                                        \
        for (; i < n; i++)                                                                       \
            if (!clean_char(s[i])) return 0;                                                     \
        return 1;                                                                                \
    }

READS_AS_CLEAN(reads_as_clean_1, Py_UCS1)
READS_AS_CLEAN(reads_as_clean_2, Py_UCS2)
READS_AS_CLEAN(reads_as_clean_4, Py_UCS4)

static PyObject *native_reads_as_clean(PyObject *self, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "str expected, not %.100s", Py_TYPE(text)->tp_name);
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int clean = kind == PyUnicode_1BYTE_KIND   ? reads_as_clean_1(PyUnicode_1BYTE_DATA(text), n)
                : kind == PyUnicode_2BYTE_KIND ? reads_as_clean_2(PyUnicode_2BYTE_DATA(text), n)
                                               : reads_as_clean_4(PyUnicode_4BYTE_DATA(text), n);
    return PyBool_FromLong(clean);
}

static PyMethodDef methods[] = {
    {"reads_as_clean", native_reads_as_clean, METH_O, "normalize.reads_as_clean_py in one pass."},
    {"has_non_ascii_decimal", native_has_non_ascii_decimal, METH_O,
     "number_screen._has_non_ascii_digit_py in one pass."},
    {"count_non_ascii", (PyCFunction)(void (*)(void))native_count_non_ascii, METH_FASTCALL,
     "Characters above U+007F among the first limit."},
    {"find", (PyCFunction)(void (*)(void))native_find, METH_FASTCALL, "text.find(sub, start, end), int bounds."},
    {"rfind", (PyCFunction)(void (*)(void))native_rfind, METH_FASTCALL, "text.rfind(sub, start, end), int bounds."},
    {"init", native_init, METH_VARARGS, "Load the tables read off the Python implementation."},
    {"canon", native_canon, METH_O, "normalize.canon() in one pass."},
    {"fold", native_fold, METH_O, "normalize.fold() in one pass."},
    {"canon_bytez", native_canon_bytez, METH_O, "normalize.canon_bytez() in one pass."},
    {"number_years", native_number_years, METH_O, "number_screen._number_years_py in one pass."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_native", NULL, -1, methods};

PyMODINIT_FUNC PyInit__native(void) { return PyModule_Create(&module); }
