/* Resumable response renderer (see resp.h). */
#include "resp.h"

#include <string.h>

#include "datetime.h"
#include "json.h"

/* A piece: n bytes of output; esc: they are the escaped form of
 * src[0..src_n), produced window by window. */
struct piece {
    const char *p;
    size_t n;
    size_t src_n;
    bool esc;
    bool bad; /* a value that cannot be rendered */
    bool blob; /* n bytes from the doc's read function, field */
    uint8_t field;
};

/* Room for the longest formatted value: '"' + 24 + '"', or 20 digits. */
#define RESP_TMP 32u

static void get_val(const struct resp_doc *doc, const struct resp_op *op,
                    const struct resp_cursor *c, struct resp_val *v)
{
    /* Field by field: "= {0}" is a memset call at -Os, per piece. */
    v->p = NULL;
    v->n = 0;
    v->esc_n = 0;
    v->v = 0;
    doc->get(doc->ctx, op->field, c->item, c->depth, v);
}

/* Step over the control op at c->pc (IF, EACH, NEXT); false when it is
 * not one. Control ops change only the cursor, so stopping before or
 * after them renders the same bytes. */
static bool control(const struct resp_doc *doc, const struct resp_op *op, struct resp_cursor *c)
{
    struct resp_val v;
    uint8_t d = c->depth;
    switch (op->kind) {
    case RESP_IF:
        get_val(doc, op, c, &v);
        c->pc = (uint16_t)(c->pc + (v.v != 0u ? 1u : 1u + op->n));
        return true;
    case RESP_EACH:
        get_val(doc, op, c, &v);
        if (v.v == 0u || d >= RESP_MAX_DEPTH) {
            c->pc = (uint16_t)(c->pc + op->n + 2u); /* past the body and its NEXT */
        } else {
            c->item[d] = 0;
            c->count[d] = (uint16_t)(v.v > UINT16_MAX ? UINT16_MAX : v.v);
            c->depth++;
            c->pc++;
        }
        return true;
    case RESP_NEXT:
        if (d == 0u) {
            c->pc++; /* unbalanced program: end the loop */
        } else if (++c->item[d - 1u] < c->count[d - 1u]) {
            c->pc = (uint16_t)(c->pc - op->n);
        } else {
            c->depth--;
            c->pc++;
        }
        return true;
    case RESP_SEP:
        if (d > 0u && c->item[d - 1u] > 0u) {
            return false; /* a ',' to produce */
        }
        c->pc++;
        return true;
    default:
        return false;
    }
}

/* The op at c->pc written whole into d[0..room) when it fits there:
 * returns its length, or SIZE_MAX for "take the general path" (it does
 * not fit, or it is not a simple piece). Most pieces go this way: no
 * piece description, no copy through tmp. */
static size_t fast_piece(const struct resp_doc *doc, const struct resp_op *op,
                         struct resp_cursor *c, char *d, size_t room)
{
    struct resp_val v;
    switch (op->kind) {
    case RESP_LIT:
        if (op->n > room) {
            return SIZE_MAX;
        }
        memcpy(d, op->lit, op->n);
        return op->n;
    case RESP_RAW:
    case RESP_STR:
        get_val(doc, op, c, &v);
        if (op->kind == RESP_RAW) {
            v.esc_n = v.n;
        }
        if (v.esc_n > room) {
            return SIZE_MAX;
        }
        if (v.esc_n == v.n) {
            memcpy(d, v.p, v.n);
            return v.n;
        }
        return json_escape_window(d, room, v.p, v.n, 0) == v.esc_n ? v.esc_n : SIZE_MAX;
    case RESP_U64: {
        char tmp[RESP_TMP];
        size_t n;
        get_val(doc, op, c, &v);
        const char *p = json_u64_digits(tmp + sizeof(tmp), v.v);
        n = (size_t)(tmp + sizeof(tmp) - p);
        if (n > room) {
            return SIZE_MAX;
        }
        memcpy(d, p, n);
        return n;
    }
    case RESP_TIME:
        /* '"', 24 characters, '"'; datetime_iso8601 also writes a NUL. */
        if (room < DATETIME_ISO8601_MS_LEN + 3u) {
            return SIZE_MAX;
        }
        get_val(doc, op, c, &v);
        if (v.v > (uint64_t)DATETIME_MAX_MS ||
            datetime_iso8601((int64_t)v.v, d + 1, room - 1u, 1) <= 0) {
            return SIZE_MAX; /* the general path marks it bad */
        }
        d[0] = '"';
        d[1u + DATETIME_ISO8601_MS_LEN] = '"';
        return DATETIME_ISO8601_MS_LEN + 2u;
    case RESP_BOOL:
        get_val(doc, op, c, &v);
        if (room < 5u) {
            return SIZE_MAX;
        }
        memcpy(d, v.v != 0u ? "true" : "false", v.v != 0u ? 4u : 5u);
        return v.v != 0u ? 4u : 5u;
    case RESP_SEP:
        if (room == 0u) {
            return SIZE_MAX;
        }
        d[0] = ',';
        return 1;
    default:
        return SIZE_MAX;
    }
}

/* Run the control ops at c->pc until an op that produces bytes; describe
 * its piece. False at the end of the program. */
static bool piece_at(const struct resp_doc *doc, const struct resp_op *prog,
                     struct resp_cursor *c, struct piece *out, char *tmp)
{
    out->esc = false;
    out->bad = false;
    out->blob = false;
    for (;;) {
        const struct resp_op *op = &prog[c->pc];
        struct resp_val v;
        if (control(doc, op, c)) {
            continue;
        }
        switch (op->kind) {
        case RESP_END:
            return false;
        case RESP_LIT:
            out->p = op->lit;
            out->n = op->n;
            return true;
        case RESP_SEP:
            out->p = ",";
            out->n = 1;
            return true;
        case RESP_RAW:
            get_val(doc, op, c, &v);
            out->p = v.p;
            out->n = v.n;
            return true;
        case RESP_STR:
            get_val(doc, op, c, &v);
            out->p = v.p;
            out->n = v.esc_n;
            out->src_n = v.n;
            out->esc = v.esc_n != v.n;
            return true;
        case RESP_BLOB:
            get_val(doc, op, c, &v);
            out->p = NULL;
            out->n = v.n;
            out->blob = true;
            out->field = op->field;
            return true;
        case RESP_U64:
        case RESP_BOOL:
        case RESP_TIME: {
            /* Short values: rendered whole into tmp, then cut like text. */
            size_t k = fast_piece(doc, op, c, tmp, RESP_TMP);
            out->p = tmp;
            out->n = k == SIZE_MAX ? 0u : k;
            out->bad = k == SIZE_MAX;
            return true;
        }
        default:
            return false;
        }
    }
}

void resp_cursor_init(struct resp_cursor *c)
{
    memset(c, 0, sizeof(*c));
}

static const struct resp_op *part_of(const struct resp_doc *doc, unsigned part)
{
    return part < sizeof(doc->parts) / sizeof(doc->parts[0]) ? doc->parts[part] : NULL;
}

/* The cursor stands at the end of its part: on to the next. */
static void next_part(struct resp_cursor *c, uint32_t done)
{
    if (c->part == 0u) {
        c->mark = done;
    }
    c->part++;
    c->pc = 0;
    c->depth = 0;
    c->off = 0;
}

size_t resp_fill(const struct resp_doc *doc, struct resp_cursor *c, char *buf, size_t cap)
{
    char tmp[RESP_TMP];
    struct piece pc;
    const struct resp_op *prog;
    size_t w = 0;
    while (w < cap && (prog = part_of(doc, c->part)) != NULL) {
        const struct resp_op *op = &prog[c->pc];
        if (op->kind >= RESP_IF && control(doc, op, c)) {
            continue;
        }
        if (c->off == 0u) {
            size_t k = fast_piece(doc, op, c, buf + w, cap - w);
            if (k != SIZE_MAX) {
                w += k;
                c->pc++;
                continue;
            }
        }
        /* The general path: a piece cut by the end of buf, or one that
         * resumes where the last slice cut it. */
        if (!piece_at(doc, prog, c, &pc, tmp)) {
            next_part(c, c->done + (uint32_t)w);
            continue;
        }
        size_t k;
        if (pc.esc) {
            k = json_escape_window(buf + w, cap - w, pc.p, pc.src_n, c->off);
        } else if (pc.blob) {
            k = pc.n - c->off < cap - w ? pc.n - c->off : cap - w;
            if (doc->read == NULL || !doc->read(doc->ctx, pc.field, c->off, buf + w, k)) {
                break; /* unreadable: stop short (the length check closes) */
            }
        } else {
            k = pc.n - c->off < cap - w ? pc.n - c->off : cap - w;
            memcpy(buf + w, pc.p + c->off, k);
        }
        if (k == 0u && pc.n > c->off) {
            break; /* no progress: never spin (a defect, caught by the length check) */
        }
        w += k;
        c->off += (uint32_t)k;
        if (c->off >= pc.n) {
            c->off = 0;
            c->pc++;
        }
    }
    c->done += (uint32_t)w;
    /* A response that ended exactly at the end of buf is done now, not
     * one call later (a call that may wait for send room). */
    while (c->off == 0u && (prog = part_of(doc, c->part)) != NULL &&
           !piece_at(doc, prog, c, &pc, tmp)) {
        next_part(c, c->done);
    }
    return w;
}

bool resp_done(const struct resp_doc *doc, const struct resp_cursor *c)
{
    return part_of(doc, c->part) == NULL;
}

size_t resp_length(const struct resp_op *prog, resp_get_fn get, const void *ctx)
{
    const struct resp_doc doc = {{prog, NULL, NULL}, get, ctx, NULL};
    struct resp_cursor c;
    struct piece pc;
    char tmp[RESP_TMP];
    size_t total = 0;
    resp_cursor_init(&c);
    while (piece_at(&doc, prog, &c, &pc, tmp)) {
        if (pc.bad) {
            return SIZE_MAX;
        }
        total += pc.n;
        c.pc++;
    }
    return total;
}
