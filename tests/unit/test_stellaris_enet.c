/* The Stellaris Ethernet driver (drivers/stellaris_enet.c) against a
 * register model of the LM3S6965 MAC (DS-LM3S6965 "Ethernet Controller"):
 * a 2 KB RX FIFO of frames, each [length(2) frame FCS(4)] read a word at a
 * time, with MACNP counting them and overrun (FOV) when one does not fit;
 * a one-frame TX FIFO whose first word carries the data length, sent on
 * MACTR.NEWTX; MACRIS/MACIM/IACK; MII management through MACMCTL/MRXD. The
 * model checks that the driver never reads past a frame it was told of,
 * never reads an empty FIFO, and writes nothing past the caller's size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "app_err.h"
#include "hal_eth.h"
#include "stellaris_enet.h"
#include "stellaris_enet_regs.h"

#define BASE 0x40048000u
#define MAX_FRAMES 32

/* ---- the model ----------------------------------------------------------- */

static struct {
    uint32_t ris, im, rctl, tctl, thr, mctl, mdv, mrxd, ia0, ia1;
    bool ia_stuck;                /* the address registers ignore writes */
    uint8_t fifo[MAX_FRAMES][2048];
    uint32_t flen[MAX_FRAMES];    /* bytes of each queued entry (length field included) */
    unsigned head, count, off;    /* next frame, frames queued, byte offset in the head one */
    uint32_t fifo_bytes;          /* bytes queued, against the 2 KB */
    uint8_t tx[2048];
    uint32_t tx_len;
    uint8_t sent[4][2048];
    uint32_t sent_len[4];
    unsigned nsent;
    bool tx_hold;                 /* the previous frame is still going out */
    uint16_t phy[32];
    unsigned bmsr_reads;
    uint16_t bmsr_first;          /* returned by the first BMSR read when set */
    bool arrive_on_rearm;         /* a frame arrives when MACIM is written */
    uint8_t rearm_frame[64];
    bool underflow;               /* DATA read with nothing queued */
    unsigned irq_enables;
} m;

static void model_reset(void)
{
    memset(&m, 0, sizeof(m));
    m.ia0 = 0x12005452u; /* 52:54:00:12:34:56, as QEMU gives */
    m.ia1 = 0x5634u;
    m.thr = 0x3Fu;
}

/* A frame arrives (as the MAC stores it: length = frame + 6, FCS). */
static void model_rx(const uint8_t *frame, uint32_t len)
{
    uint32_t total = len + 6u;
    uint32_t words = (total + 3u) / 4u * 4u;
    if (m.count == MAX_FRAMES || m.fifo_bytes + words > 2048u || !(m.rctl & SE_RCTL_RXEN)) {
        m.ris |= SE_INT_FOV;
        return;
    }
    unsigned slot = (m.head + m.count) % MAX_FRAMES;
    uint8_t *p = m.fifo[slot];
    memset(p, 0, sizeof(m.fifo[slot]));
    p[0] = (uint8_t)total;
    p[1] = (uint8_t)(total >> 8);
    memcpy(p + 2, frame, len);
    memset(p + 2 + len, 0xCC, 4); /* the FCS */
    m.flen[slot] = total;
    m.count++;
    m.fifo_bytes += words;
    m.ris |= SE_INT_RX;
}

/* A raw entry whose length field says `field` (corrupt or odd ones). */
static void model_rx_raw(uint32_t field, uint32_t bytes)
{
    unsigned slot = (m.head + m.count) % MAX_FRAMES;
    memset(m.fifo[slot], 0xAB, sizeof(m.fifo[slot]));
    m.fifo[slot][0] = (uint8_t)field;
    m.fifo[slot][1] = (uint8_t)(field >> 8);
    m.flen[slot] = bytes;
    m.count++;
    m.fifo_bytes += (bytes + 3u) / 4u * 4u;
    m.ris |= SE_INT_RX;
}

static uint32_t fifo_read(void)
{
    if (m.count == 0u) {
        m.underflow = true;
        return 0;
    }
    const uint8_t *p = m.fifo[m.head] + m.off;
    uint32_t w = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    m.off += 4u;
    if (m.off >= m.flen[m.head]) {
        m.fifo_bytes -= (m.flen[m.head] + 3u) / 4u * 4u;
        m.off = 0;
        m.head = (m.head + 1u) % MAX_FRAMES;
        m.count--;
    }
    return w;
}

uint32_t stellaris_enet_fake_read(uintptr_t base, uint32_t off)
{
    assert_int_equal(base, BASE);
    switch (off) {
    case SE_MACRIS: return m.ris;
    case SE_MACIM: return m.im;
    case SE_MACRCTL: return m.rctl;
    case SE_MACTCTL: return m.tctl;
    case SE_MACDATA: return fifo_read();
    case SE_MACIA0: return m.ia0;
    case SE_MACIA1: return m.ia1;
    case SE_MACTHR: return m.thr;
    case SE_MACMCTL: return m.mctl;
    case SE_MACMDV: return m.mdv;
    case SE_MACMRXD: return m.mrxd;
    case SE_MACNP: return m.count;
    case SE_MACTR: return m.tx_hold ? SE_TR_NEWTX : 0u;
    default: fail_msg("read of unknown register 0x%x", off); return 0;
    }
}

void stellaris_enet_fake_write(uintptr_t base, uint32_t off, uint32_t val)
{
    assert_int_equal(base, BASE);
    switch (off) {
    case SE_MACRIS: /* MACIACK */
        m.ris &= ~val;
        if (val & SE_INT_TXER) {
            m.tx_len = 0;
        }
        break;
    case SE_MACIM:
        m.im = val;
        if (m.arrive_on_rearm && (val & SE_INT_RX)) {
            m.arrive_on_rearm = false;
            model_rx(m.rearm_frame, sizeof(m.rearm_frame));
        }
        break;
    case SE_MACRCTL:
        m.rctl = val;
        if (val & SE_RCTL_RSTFIFO) {
            m.count = m.off = m.fifo_bytes = 0;
        }
        break;
    case SE_MACTCTL: m.tctl = val; break;
    case SE_MACDATA:
        assert_true(m.tx_len + 4u <= sizeof(m.tx));
        memcpy(m.tx + m.tx_len, &val, 4); /* the host is little-endian too */
        m.tx_len += 4u;
        break;
    case SE_MACIA0: if (!m.ia_stuck) { m.ia0 = val; } break;
    case SE_MACIA1: if (!m.ia_stuck) { m.ia1 = val & 0xFFFFu; } break;
    case SE_MACTHR: m.thr = val; break;
    case SE_MACMCTL: {
        unsigned reg = (val >> 3) & 0x1Fu;
        if ((val & SE_MCTL_START) && !(val & SE_MCTL_WRITE)) {
            m.mrxd = m.phy[reg];
            if (reg == SE_PHY_BMSR && m.bmsr_reads++ == 0u && m.bmsr_first) {
                m.mrxd = m.bmsr_first;
            }
        }
        m.mctl = val & ~SE_MCTL_START; /* done at once */
        break;
    }
    case SE_MACMDV: m.mdv = val; break;
    case SE_MACTR:
        if (val & SE_TR_NEWTX) {
            /* Data length + 14 bytes of header after the 2-byte field. */
            uint32_t len = (uint32_t)(m.tx[0] | m.tx[1] << 8) + 14u;
            assert_true(len + 2u <= m.tx_len && m.tx_len < len + 2u + 4u); /* whole words, no more */
            assert_true(m.nsent < 4u);
            memcpy(m.sent[m.nsent], m.tx + 2, len);
            m.sent_len[m.nsent++] = len;
            m.tx_len = 0;
            m.ris |= SE_INT_TXEMP;
        }
        break;
    default: fail_msg("write of unknown register 0x%x", off);
    }
}

/* ---- helpers -------------------------------------------------------------- */

static void irq_enable(void)
{
    m.irq_enables++;
}

static int setup_up(void **state)
{
    (void)state;
    model_reset();
    stellaris_enet_attach(BASE, 50000000u, irq_enable);
    struct hal_eth_cfg cfg = {.rx_pad = 2, .mac = NULL};
    assert_int_equal(hal_eth_init(&cfg), APP_OK);
    return 0;
}

static void make_frame(uint8_t *f, uint32_t len, uint8_t seed)
{
    for (uint32_t i = 0; i < len; i++) {
        f[i] = (uint8_t)(seed + i * 7u);
    }
}

/* Receive one frame through the driver into an exact-size buffer with a
 * canary after it. */
static void rx_one(const uint8_t *frame, uint32_t len)
{
    static uint32_t buf[(2 + 1514 + 8) / 4 + 2];
    assert_int_equal(hal_eth_rx_next(), (int)len);
    size_t need = hal_eth_rx_size(len);
    assert_int_equal(need, 2u + len);
    memset(buf, 0x5A, sizeof(buf));
    assert_int_equal(hal_eth_rx_read(buf, need), (int)len);
    assert_memory_equal((uint8_t *)buf + 2, frame, len);
    for (size_t i = need; i < need + 4u; i++) {
        assert_int_equal(((uint8_t *)buf)[i], 0x5A); /* nothing past the size */
    }
}

/* ---- tests ---------------------------------------------------------------- */

static void test_init_configures_mac(void **state)
{
    (void)state;
    model_reset();
    m.count = 3; /* stale frames from before the reset */
    stellaris_enet_attach(BASE, 50000000u, irq_enable);
    static const uint8_t mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
    struct hal_eth_cfg cfg = {.rx_pad = 2, .mac = mac};
    assert_int_equal(hal_eth_init(&cfg), APP_OK);
    uint8_t got[6];
    hal_eth_mac_get(got);
    assert_memory_equal(got, mac, 6);
    assert_int_equal(m.ia0, 0x33221102u);
    assert_int_equal(m.ia1, 0x5544u);
    assert_int_equal(m.count, 0);                       /* FIFO reset */
    assert_true(m.rctl & SE_RCTL_RXEN);
    assert_true(m.rctl & SE_RCTL_BADCRC);
    assert_int_equal(m.tctl & (SE_TCTL_TXEN | SE_TCTL_PADEN | SE_TCTL_CRC),
                     SE_TCTL_TXEN | SE_TCTL_PADEN | SE_TCTL_CRC);
    assert_int_equal(m.thr, 0x3F);
    assert_int_equal(m.mdv, 9); /* 50 MHz / (2 * 10) = 2.5 MHz MDC */
    assert_int_equal(m.im, SE_INT_RX);
    assert_int_equal(m.irq_enables, 1);
    /* No address given: the MAC's own. */
    model_reset();
    cfg.mac = NULL;
    assert_int_equal(hal_eth_init(&cfg), APP_OK);
    hal_eth_mac_get(got);
    assert_memory_equal(got, "\x52\x54\x00\x12\x34\x56", 6);
}

static void test_init_failures(void **state)
{
    (void)state;
    model_reset();
    stellaris_enet_attach(BASE, 50000000u, NULL);
    struct hal_eth_cfg cfg = {.rx_pad = 0, .mac = NULL};
    assert_int_equal(hal_eth_init(&cfg), APP_ERR_INVAL); /* the FIFO's pad is 2 */
    assert_int_equal(hal_eth_init(NULL), APP_ERR_INVAL);
    static const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};
    m.ia_stuck = true;
    cfg.rx_pad = 2;
    cfg.mac = mac;
    assert_int_equal(hal_eth_init(&cfg), APP_ERR_NODEV);
}

/* Every length from the shortest header to a full frame, each ending at a
 * different byte of a word. */
static void test_rx_every_length(void **state)
{
    (void)state;
    static uint8_t f[1514];
    for (uint32_t len = 14; len <= 1514; len += (len < 80u ? 1u : 97u)) {
        make_frame(f, len, (uint8_t)len);
        model_rx(f, len);
        rx_one(f, len);
        assert_int_equal(m.count, 0);
        assert_int_equal(m.off, 0); /* read to the frame's end, not into the next */
    }
    make_frame(f, 1514, 3);
    model_rx(f, 1514);
    rx_one(f, 1514);
    assert_int_equal(hal_eth_rx_next(), 0);
    assert_false(m.underflow);
}

static void test_rx_several_in_order_and_discard(void **state)
{
    (void)state;
    struct hal_eth_stats st0;
    hal_eth_stats_get(&st0);
    uint8_t a[60], b[101], c[333];
    make_frame(a, sizeof(a), 1);
    make_frame(b, sizeof(b), 2);
    make_frame(c, sizeof(c), 3);
    model_rx(a, sizeof(a));
    model_rx(b, sizeof(b));
    model_rx(c, sizeof(c));
    rx_one(a, sizeof(a));
    assert_int_equal(hal_eth_rx_next(), (int)sizeof(b));
    assert_int_equal(hal_eth_rx_next(), (int)sizeof(b)); /* stays pending */
    hal_eth_rx_discard();
    rx_one(c, sizeof(c)); /* in sync after the discard */
    struct hal_eth_stats st;
    hal_eth_stats_get(&st);
    assert_int_equal(st.rx_frames - st0.rx_frames, 2);
    assert_int_equal(st.rx_discarded - st0.rx_discarded, 1);
    assert_true(st.rx_status_peak >= 3);
    assert_false(m.underflow);
}

static void test_rx_bad_lengths(void **state)
{
    (void)state;
    struct hal_eth_stats st0;
    hal_eth_stats_get(&st0);
    uint8_t ok[64];
    make_frame(ok, sizeof(ok), 9);
    model_rx_raw(6u + 10u, 16u);     /* shorter than a header: skipped whole */
    model_rx_raw(6u + 1600u, 1606u); /* longer than a frame: skipped whole */
    model_rx(ok, sizeof(ok));
    rx_one(ok, sizeof(ok));
    struct hal_eth_stats st;
    hal_eth_stats_get(&st);
    assert_int_equal(st.rx_discarded - st0.rx_discarded, 2);
    /* A length no FIFO holds: nothing to trust, the FIFO starts afresh. */
    model_rx_raw(0xFFFFu, 8u);
    model_rx(ok, sizeof(ok));
    assert_int_equal(hal_eth_rx_next(), 0);
    assert_int_equal(m.count, 0);
    hal_eth_stats_get(&st);
    assert_int_equal(st.rx_errors - st0.rx_errors, 1);
    assert_false(m.underflow);
}

static void test_rx_small_cap_and_alignment(void **state)
{
    (void)state;
    uint8_t f[100];
    static uint32_t buf[64];
    make_frame(f, sizeof(f), 5);
    model_rx(f, sizeof(f));
    model_rx(f, sizeof(f));
    assert_int_equal(hal_eth_rx_next(), 100);
    assert_int_equal(hal_eth_rx_read(buf, 101), APP_ERR_OVERFLOW); /* 102 needed: dropped */
    assert_int_equal(hal_eth_rx_next(), 100);
    assert_int_equal(hal_eth_rx_read((uint8_t *)buf + 1, 200), APP_ERR_OVERFLOW);
    assert_int_equal(hal_eth_rx_next(), 0);
    assert_int_equal(hal_eth_rx_read(buf, 200), APP_ERR_STATE);
    assert_false(m.underflow);
}

static void test_rx_overrun_counted(void **state)
{
    (void)state;
    struct hal_eth_stats st0;
    hal_eth_stats_get(&st0);
    static uint8_t f[1514];
    make_frame(f, sizeof(f), 7);
    model_rx(f, sizeof(f));
    model_rx(f, sizeof(f)); /* does not fit the 2 KB: lost, FOV */
    rx_one(f, sizeof(f));
    assert_int_equal(hal_eth_rx_next(), 0);
    struct hal_eth_stats st;
    hal_eth_stats_get(&st);
    assert_int_equal(st.rx_hw_dropped - st0.rx_hw_dropped, 1);
    assert_int_equal(m.ris & SE_INT_FOV, 0); /* acknowledged */
}

static void test_tx_segments_every_split(void **state)
{
    (void)state;
    static uint8_t f[600];
    make_frame(f, sizeof(f), 11);
    for (size_t len = 14; len <= 80; len += 1) {
        for (size_t cut = 0; cut <= len; cut += 3) {
            struct hal_eth_seg segs[3] = {{f, (uint16_t)cut}, {f + cut, 0}, {f + cut, (uint16_t)(len - cut)}};
            m.nsent = 0;
            assert_int_equal(hal_eth_send(segs, 3), APP_OK);
            assert_int_equal(m.nsent, 1);
            assert_int_equal(m.sent_len[0], len);
            assert_memory_equal(m.sent[0], f, len);
        }
    }
    /* Odd-aligned pieces of a long frame. */
    struct hal_eth_seg odd[4] = {{f + 1, 13}, {f + 14, 7}, {f + 21, 500}, {f + 521, 79}};
    m.nsent = 0;
    assert_int_equal(hal_eth_send(odd, 4), APP_OK);
    assert_int_equal(m.sent_len[0], 599);
    assert_memory_equal(m.sent[0], f + 1, 13);
    assert_memory_equal(m.sent[0] + 13, f + 14, 586);
}

static void test_tx_busy_and_invalid(void **state)
{
    (void)state;
    struct hal_eth_stats st0;
    hal_eth_stats_get(&st0);
    static uint8_t f[1515];
    make_frame(f, sizeof(f), 13);
    struct hal_eth_seg one = {f, 60};
    m.tx_hold = true;
    assert_int_equal(hal_eth_send(&one, 1), APP_ERR_BUSY);
    assert_int_equal(m.tx_len, 0); /* nothing written into the busy FIFO */
    m.tx_hold = false;
    struct hal_eth_seg big = {f, 1515};
    struct hal_eth_seg small = {f, 13};
    struct hal_eth_seg max = {f, 1514};
    struct hal_eth_seg many[STELLARIS_ENET_MAX_SEGS + 1];
    for (size_t i = 0; i <= STELLARIS_ENET_MAX_SEGS; i++) {
        many[i].data = f;
        many[i].len = 20;
    }
    assert_int_equal(hal_eth_send(&big, 1), APP_ERR_INVAL);
    assert_int_equal(hal_eth_send(&small, 1), APP_ERR_INVAL);
    assert_int_equal(hal_eth_send(NULL, 1), APP_ERR_INVAL);
    assert_int_equal(hal_eth_send(&max, 0), APP_ERR_INVAL);
    assert_int_equal(hal_eth_send(many, STELLARIS_ENET_MAX_SEGS + 1), APP_ERR_INVAL);
    assert_int_equal(hal_eth_send(many, STELLARIS_ENET_MAX_SEGS), APP_OK);
    assert_int_equal(hal_eth_send(&max, 1), APP_OK);
    struct hal_eth_stats st;
    hal_eth_stats_get(&st);
    assert_int_equal(st.tx_busy - st0.tx_busy, 1);
    assert_int_equal(st.tx_errors - st0.tx_errors, 5);
    assert_int_equal(st.tx_frames - st0.tx_frames, 2);
}

static void test_link_from_phy(void **state)
{
    (void)state;
    m.phy[SE_PHY_BMSR] = 0x7809u | SE_PHY_BMSR_LINK;
    assert_true(hal_eth_link_up());
    m.phy[SE_PHY_BMSR] = 0x7809u;
    assert_false(hal_eth_link_up());
    /* Latched low: the first read still shows the old drop. */
    m.bmsr_reads = 0;
    m.bmsr_first = 0x7809u;
    m.phy[SE_PHY_BMSR] = 0x7809u | SE_PHY_BMSR_LINK;
    assert_true(hal_eth_link_up());
    /* A management interface that answers nothing (QEMU): run as up. */
    m.bmsr_first = 0;
    m.phy[SE_PHY_BMSR] = 0;
    assert_true(hal_eth_link_up());
}

static void test_isr_masks_until_drained(void **state)
{
    (void)state;
    struct hal_eth_stats st0;
    hal_eth_stats_get(&st0);
    uint8_t f[60];
    make_frame(f, sizeof(f), 21);
    model_rx(f, sizeof(f));
    stellaris_enet_isr();
    assert_int_equal(m.im, 0);
    assert_true(hal_eth_event());
    assert_false(hal_eth_event()); /* once */
    rx_one(f, sizeof(f));
    assert_int_equal(m.im, 0); /* not until the FIFO is seen empty */
    assert_int_equal(hal_eth_rx_next(), 0);
    assert_int_equal(m.im, SE_INT_RX);
    assert_int_equal(m.ris & SE_INT_RX, 0);
    /* A frame that lands while the interrupt is re-armed still wakes. */
    stellaris_enet_isr();
    (void)hal_eth_event();
    make_frame(m.rearm_frame, sizeof(m.rearm_frame), 4);
    m.arrive_on_rearm = true;
    assert_int_equal(hal_eth_rx_next(), 0);
    assert_true(hal_eth_event());
    rx_one(m.rearm_frame, sizeof(m.rearm_frame));
    struct hal_eth_stats st;
    hal_eth_stats_get(&st);
    assert_int_equal(st.irqs - st0.irqs, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_configures_mac),
        cmocka_unit_test(test_init_failures),
        cmocka_unit_test_setup(test_rx_every_length, setup_up),
        cmocka_unit_test_setup(test_rx_several_in_order_and_discard, setup_up),
        cmocka_unit_test_setup(test_rx_bad_lengths, setup_up),
        cmocka_unit_test_setup(test_rx_small_cap_and_alignment, setup_up),
        cmocka_unit_test_setup(test_rx_overrun_counted, setup_up),
        cmocka_unit_test_setup(test_tx_segments_every_split, setup_up),
        cmocka_unit_test_setup(test_tx_busy_and_invalid, setup_up),
        cmocka_unit_test_setup(test_link_from_phy, setup_up),
        cmocka_unit_test_setup(test_isr_masks_until_drained, setup_up),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
