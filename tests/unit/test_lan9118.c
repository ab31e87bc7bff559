/* Host test of drivers/lan9118.c against the register model in
 * fake_lan9118.c: init and its failures, RX framing and FIFO sync, TX
 * command words and alignment, link, interrupt masking, statistics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app_err.h"
#include "fake_lan9118.h"
#include "hal_eth.h"
#include "lan9118.h"
#include "lan9118_regs.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* MAC_CR bits that would open the address filter (datasheet 5.4.1). */
#define MAC_CR_RXALL (1u << 31)
#define MAC_CR_MCPAS (1u << 19)
#define MAC_CR_PRMS (1u << 18)
#define MAC_CR_INVFILT (1u << 17)
#define MAC_CR_PASSBAD (1u << 16)

static unsigned s_irq_enable_calls;
static uint32_t s_irq_cfg_at_enable;

static void test_irq_enable(void)
{
    s_irq_enable_calls++;
    s_irq_cfg_at_enable = fake_lan9118_reg(LAN9118_IRQ_CFG);
}

static int setup_chip(void **state)
{
    (void)state;
    fake_lan9118_reset();
    lan9118_attach(FAKE_LAN9118_BASE, test_irq_enable);
    s_irq_enable_calls = 0;
    s_irq_cfg_at_enable = 0;
    return 0;
}

static void init_pad(uint8_t pad)
{
    struct hal_eth_cfg cfg = {.rx_pad = pad, .mac = NULL};
    assert_int_equal(hal_eth_init(&cfg), APP_OK);
}

static int setup_up(void **state)
{
    setup_chip(state);
    init_pad(2);
    return 0;
}

/* Deterministic frame contents that differ per frame (seed). */
static void fill_frame(uint8_t *buf, size_t len, unsigned seed)
{
    uint32_t x = 0x9E3779B9u * (seed + 1u);
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (uint8_t)x;
    }
}

static struct hal_eth_stats stats(void)
{
    struct hal_eth_stats st;
    hal_eth_stats_get(&st);
    return st;
}

/* Receive the pending frame into a buffer of exactly hal_eth_rx_size()
 * bytes (so AddressSanitizer sees any write past it) and check it holds
 * the pad the chip put in front, then the frame, and nothing else. */
static void expect_rx(const uint8_t *frame, size_t len, uint8_t pad)
{
    assert_int_equal(hal_eth_rx_next(), (int)len);
    size_t size = hal_eth_rx_size(len);
    assert_int_equal(size, pad + len);
    /* malloc'ed blocks are 16-byte aligned: the driver's contract. */
    uint8_t *buf = malloc(size);
    assert_non_null(buf);
    memset(buf, 0xEE, size);
    assert_int_equal(hal_eth_rx_read(buf, size), (int)len);
    for (unsigned i = 0; i < pad; i++) {
        assert_int_equal(buf[i], fake_lan9118_pad_byte(i));
    }
    assert_memory_equal(buf + pad, frame, len);
    free(buf);
}

/* ---- init ------------------------------------------------------------- */

static void test_init_reads_eeprom_mac(void **state)
{
    static const uint8_t macs[][6] = {
        {0x52, 0x54, 0x00, 0x12, 0x34, 0x56},
        {0x02, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5},
        {0xFE, 0x01, 0x80, 0x7F, 0x00, 0xFF},
    };
    for (size_t i = 0; i < ARRAY_LEN(macs); i++) {
        uint8_t got[HAL_ETH_ADDR_LEN];
        setup_chip(state);
        fake_lan9118_set_eeprom_mac(macs[i]);
        init_pad(0);
        hal_eth_mac_get(got);
        assert_memory_equal(got, macs[i], HAL_ETH_ADDR_LEN);
        /* Nothing was programmed: the EEPROM address stays. */
        assert_int_equal(fake_lan9118_mac_csr_writes(LAN9118_MAC_ADDRL), 0);
        assert_int_equal(fake_lan9118_mac_csr_writes(LAN9118_MAC_ADDRH), 0);
    }
}

static void test_init_programs_mac_override(void **state)
{
    static const uint8_t mac[6] = {0x02, 0x00, 0x5E, 0xAA, 0xBB, 0xCC};
    struct hal_eth_cfg cfg = {.rx_pad = 2, .mac = mac};
    uint8_t got[HAL_ETH_ADDR_LEN];
    (void)state;

    assert_int_equal(hal_eth_init(&cfg), APP_OK);
    /* 5.4.2/5.4.3: ADDRL holds octets 0..3, ADDRH octets 4..5, LSB first. */
    assert_int_equal(fake_lan9118_mac_csr(LAN9118_MAC_ADDRL), 0xAA5E0002u);
    assert_int_equal(fake_lan9118_mac_csr(LAN9118_MAC_ADDRH), 0x0000CCBBu);
    hal_eth_mac_get(got);
    assert_memory_equal(got, mac, sizeof(mac));
}

static void test_init_configures_chip(void **state)
{
    static const uint8_t pads[] = {0, 1, 2, 3};
    for (size_t i = 0; i < ARRAY_LEN(pads); i++) {
        setup_chip(state);
        init_pad(pads[i]);
        uint32_t cr = fake_lan9118_mac_csr(LAN9118_MAC_CR);
        assert_true((cr & LAN9118_MAC_CR_RXEN) != 0u);
        assert_true((cr & LAN9118_MAC_CR_TXEN) != 0u);
        assert_int_equal(cr & (MAC_CR_PRMS | MAC_CR_MCPAS | MAC_CR_RXALL | MAC_CR_INVFILT |
                               MAC_CR_PASSBAD), 0);
        assert_int_equal((fake_lan9118_reg(LAN9118_RX_CFG) >> LAN9118_RX_CFG_RXDOFF_SHIFT) & 0x1Fu,
                         pads[i]);
        assert_true((fake_lan9118_reg(LAN9118_TX_CFG) & LAN9118_TX_CFG_TX_ON) != 0u);
        assert_int_equal(fake_lan9118_reg(LAN9118_INT_EN), LAN9118_INT_RSFL);
        /* The line is unmasked once, after its polarity is set. */
        assert_int_equal(s_irq_enable_calls, 1);
        uint32_t want_irq = LAN9118_IRQ_CFG_IRQ_EN | LAN9118_IRQ_CFG_IRQ_POL |
                            LAN9118_IRQ_CFG_IRQ_TYPE;
        assert_int_equal(s_irq_cfg_at_enable & want_irq, want_irq);
        assert_false(fake_lan9118_irq_line());
        struct hal_eth_stats st = stats();
        assert_int_equal(st.rx_frames + st.tx_frames + st.rx_discarded + st.irqs, 0);
    }
}

struct init_fail_case {
    const char *what;
    uint32_t byte_test;
    bool srst_stuck;
    bool never_ready;
    bool csr_stuck;
    int want;
};

static void test_init_failures(void **state)
{
    static const struct init_fail_case cases[] = {
        {"no chip (bus floats high)", 0xFFFFFFFFu, false, false, false, APP_ERR_NODEV},
        {"no chip (bus reads zero)", 0x00000000u, false, false, false, APP_ERR_NODEV},
        {"halfwords swapped", 0x43218765u, false, false, false, APP_ERR_NODEV},
        {"SRST never clears", LAN9118_BYTE_TEST_VALUE, true, false, false, APP_ERR_TIMEOUT},
        {"READY never sets", LAN9118_BYTE_TEST_VALUE, false, true, false, APP_ERR_TIMEOUT},
        {"MAC CSR stays busy", LAN9118_BYTE_TEST_VALUE, false, false, true, APP_ERR_TIMEOUT},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        const struct init_fail_case *c = &cases[i];
        struct hal_eth_cfg cfg = {.rx_pad = 2, .mac = NULL};
        setup_chip(state);
        fake_lan9118_set_byte_test(c->byte_test);
        fake_lan9118_set_srst_stuck(c->srst_stuck);
        fake_lan9118_set_never_ready(c->never_ready);
        fake_lan9118_set_csr_stuck(c->csr_stuck);
        int err = hal_eth_init(&cfg);
        if (err != c->want) {
            fail_msg("%s: got %s, want %s", c->what, app_err_name(err), app_err_name(c->want));
        }
        /* Failed cleanly: bounded, nothing started, line still masked. */
        assert_true(fake_lan9118_reads() <= 4ul * LAN9118_POLL_LIMIT);
        assert_int_equal(s_irq_enable_calls, 0);
        assert_int_equal(fake_lan9118_reg(LAN9118_INT_EN), 0);
        assert_int_equal(fake_lan9118_mac_csr(LAN9118_MAC_CR) &
                             (LAN9118_MAC_CR_RXEN | LAN9118_MAC_CR_TXEN), 0);
    }
}

static void test_init_bad_cfg(void **state)
{
    struct hal_eth_cfg bad_pad = {.rx_pad = 4, .mac = NULL};
    struct hal_eth_cfg ok = {.rx_pad = 2, .mac = NULL};
    (void)state;

    assert_int_equal(hal_eth_init(NULL), APP_ERR_INVAL);
    assert_int_equal(hal_eth_init(&bad_pad), APP_ERR_INVAL);
    lan9118_attach(0, NULL);  /* the board never said where the chip is */
    assert_int_equal(hal_eth_init(&ok), APP_ERR_INVAL);
    assert_int_equal(fake_lan9118_reads(), 0);
    assert_int_equal(s_irq_enable_calls, 0);
}

/* ---- RX --------------------------------------------------------------- */

static void test_rx_single_frame_lengths(void **state)
{
    static const uint8_t pads[] = {0, 1, 2, 3};
    static const size_t lens[] = {14, 15, 16, 17, 18, 19, 42, 59, 60, 61, 63, 64, 65,
                                  127, 255, 997, 1000, 1511, 1512, 1513, 1514};
    uint8_t frame[HAL_ETH_MAX_FRAME];

    for (size_t p = 0; p < ARRAY_LEN(pads); p++) {
        setup_chip(state);
        init_pad(pads[p]);
        for (size_t l = 0; l < ARRAY_LEN(lens); l++) {
            fill_frame(frame, lens[l], (unsigned)(p * 100u + l));
            assert_true(fake_lan9118_rx_push(frame, lens[l], false));
            expect_rx(frame, lens[l], pads[p]);
            /* Pad, frame and FCS all consumed: the FIFOs are empty. */
            assert_int_equal(fake_lan9118_rx_data_used(), 0);
            assert_int_equal(fake_lan9118_rx_status_used(), 0);
            assert_int_equal(hal_eth_rx_next(), 0);
        }
        struct hal_eth_stats st = stats();
        assert_int_equal(st.rx_frames, ARRAY_LEN(lens));
        size_t bytes = 0;
        for (size_t l = 0; l < ARRAY_LEN(lens); l++) {
            bytes += lens[l];
        }
        assert_int_equal(st.rx_bytes, bytes);
        assert_int_equal(st.rx_discarded + st.rx_errors, 0);
    }
}

/* The FCS and anything after hal_eth_rx_size() stay out of the caller's
 * buffer even when the buffer is larger. */
static void test_rx_no_write_past_size(void **state)
{
    static const size_t lens[] = {14, 15, 61, 62, 1513, 1514};
    uint8_t frame[HAL_ETH_MAX_FRAME];
    uint32_t buf[(HAL_ETH_MAX_FRAME + 3 + 16) / 4 + 1];
    uint8_t *b = (uint8_t *)buf;
    (void)state;

    for (size_t l = 0; l < ARRAY_LEN(lens); l++) {
        fill_frame(frame, lens[l], (unsigned)l);
        assert_true(fake_lan9118_rx_push(frame, lens[l], false));
        assert_int_equal(hal_eth_rx_next(), (int)lens[l]);
        memset(buf, 0xEE, sizeof(buf));
        assert_int_equal(hal_eth_rx_read(buf, sizeof(buf)), (int)lens[l]);
        size_t size = hal_eth_rx_size(lens[l]);
        assert_memory_equal(b + 2, frame, lens[l]);
        for (size_t i = size; i < sizeof(buf); i++) {
            if (b[i] != 0xEE) {
                fail_msg("len %zu: byte %zu past rx_size %zu written (0x%02x)", lens[l], i, size,
                         b[i]);
            }
        }
    }
}

static void test_rx_several_frames_in_order(void **state)
{
    static const size_t lens[] = {60, 1514, 15, 333, 64, 1001, 14};
    static uint8_t frames[ARRAY_LEN(lens)][HAL_ETH_MAX_FRAME];
    (void)state;

    for (size_t i = 0; i < ARRAY_LEN(lens); i++) {
        fill_frame(frames[i], lens[i], (unsigned)(i + 7u));
        assert_true(fake_lan9118_rx_push(frames[i], lens[i], false));
    }
    for (size_t i = 0; i < ARRAY_LEN(lens); i++) {
        expect_rx(frames[i], lens[i], 2);
    }
    assert_int_equal(hal_eth_rx_next(), 0);
    assert_int_equal(fake_lan9118_rx_data_used(), 0);
    assert_int_equal(stats().rx_frames, ARRAY_LEN(lens));
}

/* An errored frame sits in the data FIFO like any other: skipping the
 * wrong number of words would hand the next frame over shifted. */
static void test_rx_errored_frame_discarded(void **state)
{
    static const uint8_t pads[] = {0, 2, 3};
    static const size_t bad_lens[] = {14, 15, 61, 62, 63, 64, 1514};
    uint8_t good1[100];
    uint8_t bad[HAL_ETH_MAX_FRAME];
    uint8_t good2[77];

    for (size_t p = 0; p < ARRAY_LEN(pads); p++) {
        setup_chip(state);
        init_pad(pads[p]);
        for (size_t l = 0; l < ARRAY_LEN(bad_lens); l++) {
            fill_frame(good1, sizeof(good1), (unsigned)l);
            fill_frame(bad, bad_lens[l], (unsigned)l + 50u);
            fill_frame(good2, sizeof(good2), (unsigned)l + 99u);
            assert_true(fake_lan9118_rx_push(good1, sizeof(good1), false));
            assert_true(fake_lan9118_rx_push(bad, bad_lens[l], true));
            assert_true(fake_lan9118_rx_push(good2, sizeof(good2), false));
            expect_rx(good1, sizeof(good1), pads[p]);
            expect_rx(good2, sizeof(good2), pads[p]);
            assert_int_equal(hal_eth_rx_next(), 0);
            assert_int_equal(fake_lan9118_rx_data_used(), 0);
        }
        struct hal_eth_stats st = stats();
        assert_int_equal(st.rx_errors, ARRAY_LEN(bad_lens));
        assert_int_equal(st.rx_discarded, ARRAY_LEN(bad_lens));
        assert_int_equal(st.rx_frames, 2 * ARRAY_LEN(bad_lens));
    }
}

/* Lengths the chip can report but the contract never returns: oversized
 * (> 1514 + FCS) and runts (< an Ethernet header + FCS). */
static void test_rx_bad_length_discarded(void **state)
{
    static const uint32_t len_fcs[] = {1519, 1522, 1600, 2047, 9022, 17, 4, 0};
    uint8_t good[60];
    (void)state;

    for (size_t i = 0; i < ARRAY_LEN(len_fcs); i++) {
        fill_frame(good, sizeof(good), (unsigned)i);
        assert_true(fake_lan9118_rx_push_len(len_fcs[i], false));
        assert_true(fake_lan9118_rx_push(good, sizeof(good), false));
        expect_rx(good, sizeof(good), 2);
        assert_int_equal(fake_lan9118_rx_data_used(), 0);
    }
    struct hal_eth_stats st = stats();
    assert_int_equal(st.rx_discarded, ARRAY_LEN(len_fcs));
    assert_int_equal(st.rx_errors, 0);
    assert_int_equal(st.rx_frames, ARRAY_LEN(len_fcs));
}

static void test_rx_discard_keeps_sync(void **state)
{
    static const size_t lens[] = {14, 15, 16, 17, 99, 1514};
    uint8_t a[HAL_ETH_MAX_FRAME];
    uint8_t b[61];
    (void)state;

    hal_eth_rx_discard();  /* nothing pending: no FIFO access, no count */
    assert_int_equal(stats().rx_discarded, 0);
    for (size_t i = 0; i < ARRAY_LEN(lens); i++) {
        fill_frame(a, lens[i], (unsigned)i);
        fill_frame(b, sizeof(b), (unsigned)i + 20u);
        assert_true(fake_lan9118_rx_push(a, lens[i], false));
        assert_true(fake_lan9118_rx_push(b, sizeof(b), false));
        assert_int_equal(hal_eth_rx_next(), (int)lens[i]);
        assert_int_equal(hal_eth_rx_next(), (int)lens[i]);  /* still pending */
        hal_eth_rx_discard();
        expect_rx(b, sizeof(b), 2);
        assert_int_equal(fake_lan9118_rx_data_used(), 0);
    }
    assert_int_equal(stats().rx_discarded, ARRAY_LEN(lens));
    assert_int_equal(stats().rx_frames, ARRAY_LEN(lens));
}

static void test_rx_read_small_cap(void **state)
{
    uint8_t a[101];
    uint8_t b[64];
    uint32_t buf[(HAL_ETH_MAX_FRAME + 2 + 3) / 4];
    (void)state;

    assert_int_equal(hal_eth_rx_read(buf, sizeof(buf)), APP_ERR_STATE);
    fill_frame(a, sizeof(a), 1);
    fill_frame(b, sizeof(b), 2);
    assert_true(fake_lan9118_rx_push(a, sizeof(a), false));
    assert_true(fake_lan9118_rx_push(b, sizeof(b), false));
    assert_int_equal(hal_eth_rx_next(), (int)sizeof(a));
    assert_int_equal(hal_eth_rx_read(buf, hal_eth_rx_size(sizeof(a)) - 1u), APP_ERR_OVERFLOW);
    /* The frame is gone and the next one comes out whole. */
    expect_rx(b, sizeof(b), 2);
    assert_int_equal(hal_eth_rx_next(), 0);
    assert_int_equal(fake_lan9118_rx_data_used(), 0);
    assert_int_equal(stats().rx_discarded, 1);
    assert_int_equal(stats().rx_frames, 1);
    assert_int_equal(hal_eth_rx_read(buf, sizeof(buf)), APP_ERR_STATE);
}

static void test_rx_receiver_started(void **state)
{
    uint8_t f[60];
    (void)state;

    /* Before init the MAC receiver is off and the chip drops frames;
     * after init it takes them. */
    fill_frame(f, sizeof(f), 3);
    assert_false(fake_lan9118_rx_push(f, sizeof(f), false));
    init_pad(2);
    assert_true(fake_lan9118_rx_push(f, sizeof(f), false));
    expect_rx(f, sizeof(f), 2);
}

/* ---- TX --------------------------------------------------------------- */

/* Segment buffers are heap blocks ending exactly at the segment's end, so
 * AddressSanitizer flags any read past it; the start offset within the
 * (16-byte aligned) block gives the wanted alignment. */
struct seg_buf {
    uint8_t *block;
    struct hal_eth_seg seg;
};

static void seg_make(struct seg_buf *s, unsigned align, size_t len, unsigned seed)
{
    s->block = malloc(align + len == 0u ? 1u : align + len);
    assert_non_null(s->block);
    uint8_t *p = s->block + align;
    fill_frame(p, len, seed);
    s->seg.data = p;
    s->seg.len = (uint16_t)len;
}

static void expect_tx(size_t idx, const struct hal_eth_seg *segs, size_t count)
{
    uint8_t want[FAKE_LAN9118_TX_MAX];
    size_t len = 0;
    for (size_t i = 0; i < count; i++) {
        memcpy(want + len, segs[i].data, segs[i].len);
        len += segs[i].len;
    }
    const struct fake_lan9118_tx_pkt *pkt = fake_lan9118_tx_get(idx);
    assert_int_equal(pkt->len, len);
    assert_int_equal(pkt->bufs, count);
    assert_memory_equal(pkt->data, want, len);
}

static void test_tx_single_segment(void **state)
{
    static const size_t lens[] = {14, 60, 61, 1514};
    (void)state;

    for (size_t i = 0; i < ARRAY_LEN(lens); i++) {
        struct seg_buf s;
        seg_make(&s, 0, lens[i], (unsigned)i);
        fake_lan9118_tx_clear();
        assert_int_equal(hal_eth_send(&s.seg, 1), APP_OK);
        assert_int_equal(fake_lan9118_tx_count(), 1);
        expect_tx(0, &s.seg, 1);
        free(s.block);
    }
    struct hal_eth_stats st = stats();
    assert_int_equal(st.tx_frames, ARRAY_LEN(lens));
    assert_int_equal(st.tx_bytes, 14 + 60 + 61 + 1514);
    assert_int_equal(st.tx_errors + st.tx_busy, 0);
}

static void test_tx_segments_every_alignment(void **state)
{
    uint16_t tags[2];
    unsigned sent = 0;
    (void)state;

    for (unsigned align = 0; align < 4u; align++) {
        for (size_t len = 1; len <= 100u; len++) {
            struct seg_buf s[3];
            /* A header, the segment under test, a short tail; their
             * alignments all differ. */
            seg_make(&s[0], (align + 1u) & 3u, 14, (unsigned)len);
            seg_make(&s[1], align, len, (unsigned)len + 1000u);
            seg_make(&s[2], (align + 2u) & 3u, 3, (unsigned)len + 2000u);
            struct hal_eth_seg segs[3] = {s[0].seg, s[1].seg, s[2].seg};

            fake_lan9118_tx_clear();
            assert_int_equal(hal_eth_send(&segs[1], 1), APP_OK);
            assert_int_equal(hal_eth_send(segs, 3), APP_OK);
            assert_int_equal(fake_lan9118_tx_count(), 2);
            expect_tx(0, &segs[1], 1);
            expect_tx(1, segs, 3);
            /* Each packet carries its own tag. */
            tags[0] = fake_lan9118_tx_get(0)->tag;
            tags[1] = fake_lan9118_tx_get(1)->tag;
            assert_int_not_equal(tags[0], tags[1]);
            sent += 2;
            for (unsigned i = 0; i < 3u; i++) {
                free(s[i].block);
            }
        }
    }
    assert_int_equal(stats().tx_frames, sent);
}

static void test_tx_max_segments_and_length(void **state)
{
    struct seg_buf s[LAN9118_MAX_SEGS];
    struct hal_eth_seg segs[LAN9118_MAX_SEGS];
    size_t total = 0;
    (void)state;

    /* Exactly LAN9118_MAX_SEGS segments adding up to exactly 1514 bytes. */
    for (unsigned i = 0; i < LAN9118_MAX_SEGS; i++) {
        size_t len = i + 1u < LAN9118_MAX_SEGS ? 1514u / LAN9118_MAX_SEGS : 1514u - total;
        seg_make(&s[i], i & 3u, len, i);
        segs[i] = s[i].seg;
        total += len;
    }
    assert_int_equal(total, HAL_ETH_MAX_FRAME);
    assert_int_equal(hal_eth_send(segs, LAN9118_MAX_SEGS), APP_OK);
    assert_int_equal(fake_lan9118_tx_count(), 1);
    expect_tx(0, segs, LAN9118_MAX_SEGS);
    for (unsigned i = 0; i < LAN9118_MAX_SEGS; i++) {
        free(s[i].block);
    }
}

struct tx_inval_case {
    const char *what;
    size_t lens[LAN9118_MAX_SEGS + 1u];
    size_t count;
    bool null_segs;
};

static void test_tx_invalid(void **state)
{
    static const struct tx_inval_case cases[] = {
        {"1515 bytes in two segments", {1000, 515}, 2, false},
        {"1515 bytes in one segment", {1515}, 1, false},
        {"2000 bytes", {1000, 1000}, 2, false},
        {"no segments", {0}, 0, false},
        {"NULL list", {60}, 1, true},
        {"empty frame", {0}, 1, false},
        {"too many segments", {4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4},
         LAN9118_MAX_SEGS + 1u, false},
    };
    (void)state;

    for (size_t c = 0; c < ARRAY_LEN(cases); c++) {
        struct seg_buf s[LAN9118_MAX_SEGS + 1u];
        struct hal_eth_seg segs[LAN9118_MAX_SEGS + 1u];
        for (size_t i = 0; i < cases[c].count; i++) {
            seg_make(&s[i], (unsigned)i & 3u, cases[c].lens[i], (unsigned)i);
            segs[i] = s[i].seg;
        }
        fake_lan9118_tx_clear();
        int err = hal_eth_send(cases[c].null_segs ? NULL : segs, cases[c].count);
        if (err != APP_ERR_INVAL) {
            fail_msg("%s: got %s", cases[c].what, app_err_name(err));
        }
        assert_int_equal(fake_lan9118_tx_writes(), 0);
        assert_int_equal(stats().tx_errors, c + 1u);
        for (size_t i = 0; i < cases[c].count; i++) {
            free(s[i].block);
        }
    }
    assert_int_equal(stats().tx_frames, 0);
}

static void test_tx_fifo_full(void **state)
{
    struct seg_buf s[2];
    (void)state;

    seg_make(&s[0], 0, 100, 1);   /* 25 words */
    seg_make(&s[1], 3, 10, 2);    /* offset 3: 13 bytes = 4 words */
    struct hal_eth_seg segs[2] = {s[0].seg, s[1].seg};
    /* Room the chip needs: command A and B plus the data words of each
     * buffer (3.12.2, TDFREE in bytes). */
    uint32_t need = 4u * (2u + 25u + 2u + 4u);

    fake_lan9118_set_tdfree(need - 4u);
    assert_int_equal(hal_eth_send(segs, 2), APP_ERR_BUSY);
    assert_int_equal(fake_lan9118_tx_writes(), 0);
    assert_int_equal(stats().tx_busy, 1);
    fake_lan9118_set_tdfree(0);
    assert_int_equal(hal_eth_send(segs, 2), APP_ERR_BUSY);
    assert_int_equal(stats().tx_busy, 2);
    assert_int_equal(fake_lan9118_tx_writes(), 0);

    fake_lan9118_set_tdfree(need);
    assert_int_equal(hal_eth_send(segs, 2), APP_OK);
    assert_int_equal(fake_lan9118_tx_count(), 1);
    expect_tx(0, segs, 2);
    assert_int_equal(stats().tx_frames, 1);
    free(s[0].block);
    free(s[1].block);
}

/* ---- link, interrupt, statistics --------------------------------------- */

static void test_link_from_phy(void **state)
{
    static const bool seq[] = {true, false, false, true, false, true, true};
    (void)state;

    for (size_t i = 0; i < ARRAY_LEN(seq); i++) {
        fake_lan9118_set_link(seq[i]);
        assert_int_equal(hal_eth_link_up(), seq[i]);
    }
}

static void test_isr_masks_until_drained(void **state)
{
    uint8_t f[3][80];
    (void)state;

    assert_false(hal_eth_event());
    for (unsigned i = 0; i < 3u; i++) {
        fill_frame(f[i], sizeof(f[i]), i);
        assert_true(fake_lan9118_rx_push(f[i], sizeof(f[i]), false));
    }
    assert_true(fake_lan9118_irq_line());
    lan9118_isr();
    assert_int_equal(fake_lan9118_reg(LAN9118_INT_EN), 0);
    assert_false(fake_lan9118_irq_line());
    assert_int_equal(stats().irqs, 1);
    assert_true(hal_eth_event());
    assert_false(hal_eth_event());

    /* Still masked while frames are waiting. */
    for (unsigned i = 0; i < 3u; i++) {
        expect_rx(f[i], sizeof(f[i]), 2);
        assert_int_equal(fake_lan9118_reg(LAN9118_INT_EN), 0);
    }
    assert_int_equal(hal_eth_rx_next(), 0);
    assert_int_equal(fake_lan9118_reg(LAN9118_INT_EN), LAN9118_INT_RSFL);
    assert_false(fake_lan9118_irq_line());
    assert_false(hal_eth_event());

    /* The next frame raises the line again. */
    assert_true(fake_lan9118_rx_push(f[0], sizeof(f[0]), false));
    assert_true(fake_lan9118_irq_line());
    lan9118_isr();
    assert_int_equal(stats().irqs, 2);
    assert_true(hal_eth_event());
    expect_rx(f[0], sizeof(f[0]), 2);
    assert_int_equal(hal_eth_rx_next(), 0);
}

/* A frame landing between the drain's last look and the re-arm must still
 * wake the superloop. */
static void test_rearm_race_sets_event(void **state)
{
    uint8_t f[70];
    (void)state;

    fill_frame(f, sizeof(f), 9);
    lan9118_isr();
    assert_true(hal_eth_event());
    fake_lan9118_rx_arrive_on_rearm(f, sizeof(f));
    assert_int_equal(hal_eth_rx_next(), 0);
    assert_true(hal_eth_event());
    expect_rx(f, sizeof(f), 2);
    assert_int_equal(hal_eth_rx_next(), 0);
    assert_false(hal_eth_event());
}

static void test_stats_peaks_and_drops(void **state)
{
    static const size_t lens[] = {1514, 60, 333};
    uint8_t f[HAL_ETH_MAX_FRAME];
    (void)state;

    for (size_t i = 0; i < ARRAY_LEN(lens); i++) {
        fill_frame(f, lens[i], (unsigned)i);
        assert_true(fake_lan9118_rx_push(f, lens[i], false));
    }
    size_t bytes = fake_lan9118_rx_data_used();
    size_t frames = fake_lan9118_rx_status_used();
    assert_int_equal(frames, ARRAY_LEN(lens));
    fake_lan9118_add_rx_drop(5);
    while (hal_eth_rx_next() > 0) {
        hal_eth_rx_discard();
    }
    struct hal_eth_stats st = stats();
    assert_int_equal(st.rx_fifo_peak, bytes);
    assert_int_equal(st.rx_status_peak, frames);
    assert_int_equal(st.rx_hw_dropped, 5);

    /* Smaller later backlogs leave the peaks; RX_DROP clears on read. */
    fill_frame(f, 60, 1);
    assert_true(fake_lan9118_rx_push(f, 60, false));
    fake_lan9118_add_rx_drop(2);
    while (hal_eth_rx_next() > 0) {
        hal_eth_rx_discard();
    }
    assert_int_equal(hal_eth_rx_next(), 0);
    st = stats();
    assert_int_equal(st.rx_fifo_peak, bytes);
    assert_int_equal(st.rx_status_peak, frames);
    assert_int_equal(st.rx_hw_dropped, 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_reads_eeprom_mac),
        cmocka_unit_test_setup(test_init_programs_mac_override, setup_chip),
        cmocka_unit_test(test_init_configures_chip),
        cmocka_unit_test(test_init_failures),
        cmocka_unit_test_setup(test_init_bad_cfg, setup_chip),
        cmocka_unit_test(test_rx_single_frame_lengths),
        cmocka_unit_test_setup(test_rx_no_write_past_size, setup_up),
        cmocka_unit_test_setup(test_rx_several_frames_in_order, setup_up),
        cmocka_unit_test(test_rx_errored_frame_discarded),
        cmocka_unit_test_setup(test_rx_bad_length_discarded, setup_up),
        cmocka_unit_test_setup(test_rx_discard_keeps_sync, setup_up),
        cmocka_unit_test_setup(test_rx_read_small_cap, setup_up),
        cmocka_unit_test_setup(test_rx_receiver_started, setup_chip),
        cmocka_unit_test_setup(test_tx_single_segment, setup_up),
        cmocka_unit_test_setup(test_tx_segments_every_alignment, setup_up),
        cmocka_unit_test_setup(test_tx_max_segments_and_length, setup_up),
        cmocka_unit_test_setup(test_tx_invalid, setup_up),
        cmocka_unit_test_setup(test_tx_fifo_full, setup_up),
        cmocka_unit_test_setup(test_link_from_phy, setup_up),
        cmocka_unit_test_setup(test_isr_masks_until_drained, setup_up),
        cmocka_unit_test_setup(test_rearm_race_sets_event, setup_up),
        cmocka_unit_test_setup(test_stats_peaks_and_drops, setup_up),
    };
    return cmocka_run_group_tests_name("lan9118", tests, NULL, NULL);
}
