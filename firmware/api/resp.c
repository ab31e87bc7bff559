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
};

/* Room for the longest formatted value: '"' + 24 + '"', or 20 digits. */
#define RESP_TMP 32u

static size_t u64_text(char *tmp, uint64_t v)
{
    char *end = tmp + RESP_TMP;
    char *p = end;
    /* 32-bit steps: a 64-bit division is a library call on Cortex-M3. */
    while (v > UINT32_MAX) {
        uint64_t q = v / 1000000000u;
        uint32_t r = (uint32_t)(v - q * 1000000000u);
        for (int i = 0; i < 9; i++) {
            *--p = (char)('0' + r % 10u);
            r /= 10u;
        }
        v = q;
    }
    uint32_t w = (uint32_t)v;
    do {
        *--p = (char)('0' + w % 10u);
        w /= 10u;
    } while (w != 0u);
    size_t n = (size_t)(end - p);
    memmove(tmp, p, n);
    return n;
}

/* Run the control ops at c->pc (conditions, loops) until an op that
 * produces bytes; describe its piece. False at the end of the program.
 * Control ops change only the cursor, so stopping before or after them
 * renders the same bytes. */
static bool piece_at(const struct resp_op *prog, resp_get_fn get, const void *ctx,
                     struct resp_cursor *c, struct piece *out, char *tmp)
{
    out->esc = false;
    out->bad = false;
    for (;;) {
        const struct resp_op *op = &prog[c->pc];
        struct resp_val v;
        uint8_t d = c->depth;
        /* Field by field: "= {0}" is a memset call at -Os, per piece. */
        v.p = NULL;
        v.n = 0;
        v.esc_n = 0;
        v.v = 0;
        switch (op->kind) {
        case RESP_END:
            return false;
        case RESP_LIT:
            out->p = op->lit;
            out->n = op->n;
            return true;
        case RESP_RAW:
            get(ctx, op->field, c->item, d, &v);
            out->p = v.p;
            out->n = v.n;
            return true;
        case RESP_STR:
            get(ctx, op->field, c->item, d, &v);
            out->p = v.p;
            out->n = v.esc_n;
            out->src_n = v.n;
            out->esc = v.esc_n != v.n;
            return true;
        case RESP_U64:
            get(ctx, op->field, c->item, d, &v);
            out->p = tmp;
            out->n = u64_text(tmp, v.v);
            return true;
        case RESP_BOOL:
            get(ctx, op->field, c->item, d, &v);
            out->p = v.v != 0u ? "true" : "false";
            out->n = v.v != 0u ? 4u : 5u;
            return true;
        case RESP_TIME:
            get(ctx, op->field, c->item, d, &v);
            out->p = tmp;
            out->n = 0;
            tmp[0] = '"';
            if (v.v <= (uint64_t)DATETIME_MAX_MS &&
                datetime_iso8601((int64_t)v.v, tmp + 1, RESP_TMP - 1u, 1) > 0) {
                tmp[1u + DATETIME_ISO8601_MS_LEN] = '"';
                out->n = DATETIME_ISO8601_MS_LEN + 2u;
            } else {
                out->bad = true;
            }
            return true;
        case RESP_SEP:
            if (d > 0u && c->item[d - 1u] > 0u) {
                out->p = ",";
                out->n = 1;
                return true;
            }
            c->pc++;
            break;
        case RESP_IF:
            get(ctx, op->field, c->item, d, &v);
            c->pc = (uint16_t)(c->pc + (v.v != 0u ? 1u : 1u + op->n));
            break;
        case RESP_EACH:
            get(ctx, op->field, c->item, d, &v);
            if (v.v == 0u || d >= RESP_MAX_DEPTH) {
                c->pc = (uint16_t)(c->pc + op->n + 2u); /* past the body and its NEXT */
            } else {
                c->item[d] = 0;
                c->count[d] = (uint16_t)(v.v > UINT16_MAX ? UINT16_MAX : v.v);
                c->depth++;
                c->pc++;
            }
            break;
        case RESP_NEXT:
            if (d == 0u) {
                c->pc++; /* unbalanced program: end the loop */
                break;
            }
            if (++c->item[d - 1u] < c->count[d - 1u]) {
                c->pc = (uint16_t)(c->pc - op->n);
            } else {
                c->depth--;
                c->pc++;
            }
            break;
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
        if (op->kind == RESP_LIT && c->off == 0u && op->n <= cap - w) {
            /* Most pieces: a whole literal that fits. */
            memcpy(buf + w, op->lit, op->n);
            w += op->n;
            c->pc++;
            continue;
        }
        if (!piece_at(prog, doc->get, doc->ctx, c, &pc, tmp)) {
            next_part(c, c->done + (uint32_t)w);
            continue;
        }
        size_t k;
        if (pc.esc) {
            k = json_escape_window(buf + w, cap - w, pc.p, pc.src_n, c->off);
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
           !piece_at(prog, doc->get, doc->ctx, c, &pc, tmp)) {
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
    struct resp_cursor c;
    struct piece pc;
    char tmp[RESP_TMP];
    size_t total = 0;
    resp_cursor_init(&c);
    while (piece_at(prog, get, ctx, &c, &pc, tmp)) {
        if (pc.bad) {
            return SIZE_MAX;
        }
        total += pc.n;
        c.pc++;
    }
    return total;
}
