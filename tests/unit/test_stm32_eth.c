/* The STM32F4 Ethernet driver (drivers/stm32_eth.c) against a model of the
 * MAC and its DMA (RM0090 section 33): normal descriptors in ring mode
 * (RER/TER end the ring), RX frames written across as many descriptors as
 * they need (FS on the first, LS and the length with the FCS on the
 * last), the DMA suspending (RBUS/TBUS) when it meets a descriptor it does
 * not own and resuming on a poll demand, frames missed while suspended
 * counted in DMAMFBOCR, a frame cut short when the ring runs out in the
 * middle of it (ES + DE); the DMA's software reset, MDIO to a clause-22
 * PHY, DMASR write-1-to-clear.
 *
 * The model checks on every register access and every barrier the driver
 * issues that the CPU never writes a descriptor or buffer the DMA owns,
 * never takes ownership back, and (in the eager mode, where the model's
 * DMA runs at every one of those points as a real one may) never hands
 * the DMA a frame's first descriptor before the rest of it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "app_err.h"
#include "hal_eth.h"
#include "stm32_eth.h"
#include "stm32_eth_regs.h"

#define BASE 0x40028000u
#define PHY_ADDR 0u
#define MAX_DESCS 64
#define MAX_WIRE 64
#define MAX_SENT 64
#define HANDLE0 0x20000000u

/* ---- the model ----------------------------------------------------------- */

static struct {
    uint32_t maccr, macffr, miiar, miidr, macfcr, a0h, a0l, bmr, rdlar, tdlar, sr, omr, ier;
    uint32_t mfc;              /* frames missed, cleared on read of DMAMFBOCR */
    unsigned reset_left;       /* reads of DMABMR before SR clears */
    bool reset_stuck;          /* no reference clock: the reset never ends */
    unsigned mdio_left;        /* reads of MACMIIAR before MB clears */
    uint16_t phy[32];
    bool phy_absent;
    unsigned bmcr_reset_left;  /* reads of BMCR before its reset bit clears */
    uint16_t bmsr_latched;     /* returned once by the next BMSR read when set */
    bool bmsr_latch_pending;
    unsigned ftf_left;
    /* DMA state. */
    unsigned rx_cur, tx_cur;
    bool rx_suspended, tx_suspended;
    bool tx_hold;              /* the MAC is busy: the TX DMA takes nothing */
    bool eager;                /* the DMA runs at every access and barrier */
    bool in_dma;               /* the model is running: its own writes are not checked */
    /* What the DMA owns, as it saw it last (the CPU must not change it). */
    bool rx_owned[MAX_DESCS], tx_owned[MAX_DESCS];
    struct stm32_eth_desc rx_snap[MAX_DESCS], tx_snap[MAX_DESCS];
    uint8_t tx_buf_snap[MAX_DESCS][2048];
    /* Frames on the wire, waiting for the RX DMA. */
    uint8_t wire[MAX_WIRE][1600];
    uint32_t wire_len[MAX_WIRE];
    bool wire_bad[MAX_WIRE];   /* arrives with a CRC error */
    unsigned wire_head, wire_count;
    /* Frames the TX DMA sent. */
    uint8_t sent[MAX_SENT][1600];
    uint32_t sent_len[MAX_SENT];
    unsigned sent_descs[MAX_SENT];
    unsigned nsent;
    /* Handles for DMA addresses. */
    const void *handle[256];
    unsigned nhandles;
    unsigned irq_enables;
    unsigned rpdr_writes, tpdr_writes;
    /* ES0206 2.17.5: a write to these within 4 MII clocks (160 ns; taken
     * here as 8 register accesses, about 30 cycles at 180 MHz) of the
     * previous write to the same register may be lost; it is safe once
     * written again later. */
    unsigned accesses;
    unsigned last_write[8];
    bool at_risk[8];
    char violation[160];
} m;

static int errata_slot(uint32_t off)
{
    static const uint32_t regs[] = {ETH_MACCR, ETH_MACFFR, ETH_MACFCR, ETH_MACA0HR, ETH_MACA0LR, ETH_DMABMR, ETH_DMAOMR};
    for (int i = 0; i < (int)(sizeof(regs) / sizeof(regs[0])); i++) {
        if (regs[i] == off) {
            return i;
        }
    }
    return -1;
}

static void errata_write(uint32_t off)
{
    int k = errata_slot(off);
    if (k >= 0) {
        m.at_risk[k] = m.last_write[k] != 0u && m.accesses - m.last_write[k] < 8u;
        m.last_write[k] = m.accesses;
    }
}

static void violate(const char *what)
{
    if (m.violation[0] == '\0') {
        snprintf(m.violation, sizeof(m.violation), "%s", what);
    }
}

uint32_t stm32_eth_fake_dma_addr(const void *p)
{
    for (unsigned i = 0; i < m.nhandles; i++) {
        if (m.handle[i] == p) {
            return HANDLE0 + 0x10000u * i;
        }
    }
    assert_true(m.nhandles < 256);
    m.handle[m.nhandles] = p;
    return HANDLE0 + 0x10000u * m.nhandles++;
}

static void *ptr(uint32_t handle)
{
    uint32_t i = (handle - HANDLE0) / 0x10000u;
    if (handle < HANDLE0 || (handle - HANDLE0) % 0x10000u != 0u || i >= m.nhandles) {
        violate("the DMA was given an address nobody handed out");
        return NULL;
    }
    return (void *)(uintptr_t)m.handle[i];
}

static struct stm32_eth_desc *ring(uint32_t lar)
{
    return lar == 0u ? NULL : ptr(lar);
}

static unsigned ring_len(struct stm32_eth_desc *r, bool rx)
{
    for (unsigned i = 0; i < MAX_DESCS; i++) {
        if (rx ? (r[i].des1 & ETH_RDES1_RER) != 0u : (r[i].des0 & ETH_TDES0_TER) != 0u) {
            return i + 1u;
        }
    }
    violate("no end-of-ring bit");
    return 1;
}

static bool desc_eq(const struct stm32_eth_desc *a, const struct stm32_eth_desc *b)
{
    return a->des0 == b->des0 && a->des1 == b->des1 && a->des2 == b->des2 && a->des3 == b->des3;
}

static void desc_copy(struct stm32_eth_desc *to, const struct stm32_eth_desc *from)
{
    to->des0 = from->des0;
    to->des1 = from->des1;
    to->des2 = from->des2;
    to->des3 = from->des3;
}

/* What the CPU did since the DMA last looked: no change to what the DMA
 * owns, no ownership taken back; new descriptors handed over are noted. */
static void sync_ownership(void)
{
    struct stm32_eth_desc *rx = ring(m.rdlar);
    struct stm32_eth_desc *tx = ring(m.tdlar);
    if (rx != NULL) {
        unsigned n = ring_len(rx, true);
        for (unsigned i = 0; i < n; i++) {
            bool own = (rx[i].des0 & ETH_DES0_OWN) != 0u;
            if (m.rx_owned[i] && !desc_eq(&rx[i], &m.rx_snap[i])) {
                violate(own ? "the CPU wrote an RX descriptor the DMA owns" : "the CPU took an RX descriptor back");
            }
            if (own && !m.rx_owned[i]) {
                m.rx_owned[i] = true;
                desc_copy(&m.rx_snap[i], &rx[i]);
            }
        }
    }
    if (tx != NULL) {
        unsigned n = ring_len(tx, false);
        for (unsigned i = 0; i < n; i++) {
            bool own = (tx[i].des0 & ETH_DES0_OWN) != 0u;
            uint32_t len = tx[i].des1 & 0x1FFFu;
            if (m.tx_owned[i]) {
                const uint8_t *b = ptr(tx[i].des2);
                if (!desc_eq(&tx[i], &m.tx_snap[i])) {
                    violate(own ? "the CPU wrote a TX descriptor the DMA owns" : "the CPU took a TX descriptor back");
                } else if (b != NULL && memcmp(b, m.tx_buf_snap[i], len) != 0) {
                    violate("the CPU wrote a TX buffer the DMA owns");
                }
            }
            if (own && !m.tx_owned[i]) {
                const uint8_t *b = ptr(tx[i].des2);
                m.tx_owned[i] = true;
                desc_copy(&m.tx_snap[i], &tx[i]);
                if (b != NULL && len <= sizeof(m.tx_buf_snap[i])) {
                    memcpy(m.tx_buf_snap[i], b, len);
                }
            }
        }
    }
}

static void rx_release(struct stm32_eth_desc *d, unsigned i, uint32_t des0)
{
    d->des0 = des0 & ~ETH_DES0_OWN;
    m.rx_owned[i] = false;
}

/* The RX DMA takes the frame at the head of the wire, if it can. */
static void rx_one(void)
{
    struct stm32_eth_desc *r = ring(m.rdlar);
    if (m.wire_count == 0u || r == NULL || (m.omr & ETH_DMAOMR_SR) == 0u || (m.maccr & ETH_MACCR_RE) == 0u) {
        return;
    }
    unsigned w = m.wire_head;
    m.wire_head = (m.wire_head + 1u) % MAX_WIRE;
    m.wire_count--;
    if (m.rx_suspended) {
        m.mfc++; /* no descriptor: the frame is lost */
        return;
    }
    unsigned n = ring_len(r, true);
    uint32_t total = m.wire_len[w] + ETH_FCS_LEN;
    uint8_t frame[1600];
    memcpy(frame, m.wire[w], m.wire_len[w]);
    memset(frame + m.wire_len[w], 0xC5, ETH_FCS_LEN);
    if ((r[m.rx_cur].des0 & ETH_DES0_OWN) == 0u) {
        m.rx_suspended = true;
        m.sr |= ETH_DMASR_RBUS | ETH_DMASR_AIS;
        m.mfc++;
        return;
    }
    uint32_t done = 0;
    bool first = true;
    for (;;) {
        unsigned i = m.rx_cur;
        struct stm32_eth_desc *d = &r[i];
        uint32_t size = d->des1 & 0x1FFFu;
        uint8_t *buf = ptr(d->des2);
        if (size == 0u || size % 4u != 0u || buf == NULL) {
            violate("an RX descriptor without a usable buffer");
            return;
        }
        uint32_t k = total - done < size ? total - done : size;
        memcpy(buf, frame + done, k);
        done += k;
        unsigned next = (d->des1 & ETH_RDES1_RER) != 0u ? 0u : (i + 1u) % n;
        uint32_t st = first ? ETH_RDES0_FS : 0u;
        first = false;
        if (done == total) {
            st |= ETH_RDES0_LS | total << 16;
            if (m.wire_bad[w]) {
                st |= ETH_RDES0_ES | (1u << 1); /* CE: CRC error */
            }
            rx_release(d, i, st);
            m.rx_cur = next;
            m.sr |= ETH_DMASR_RS | ETH_DMASR_NIS;
            return;
        }
        if ((r[next].des0 & ETH_DES0_OWN) == 0u) {
            /* The ring ran out within the frame: cut here (RM0090 33.6.8,
             * DE), and suspend on the next one. */
            rx_release(d, i, st | ETH_RDES0_LS | ETH_RDES0_ES | ETH_RDES0_DE | done << 16);
            m.rx_cur = next;
            m.rx_suspended = true;
            m.sr |= ETH_DMASR_RBUS | ETH_DMASR_AIS | ETH_DMASR_RS | ETH_DMASR_NIS;
            return;
        }
        rx_release(d, i, st);
        m.rx_cur = next;
    }
}

/* The TX DMA sends every whole frame handed to it. */
static void tx_run(void)
{
    struct stm32_eth_desc *r = ring(m.tdlar);
    if (r == NULL || (m.omr & ETH_DMAOMR_ST) == 0u || m.tx_hold || (m.maccr & ETH_MACCR_TE) == 0u) {
        return;
    }
    unsigned n = ring_len(r, false);
    for (;;) {
        unsigned i = m.tx_cur;
        if ((r[i].des0 & ETH_DES0_OWN) == 0u) {
            m.tx_suspended = true;
            m.sr |= ETH_DMASR_TBUS;
            return;
        }
        if ((r[i].des0 & ETH_TDES0_FS) == 0u) {
            violate("a TX frame that does not start with FS");
            return;
        }
        /* The whole frame must be the DMA's before it starts. */
        unsigned k = i;
        unsigned descs = 0;
        uint32_t len = 0;
        uint8_t frame[1600];
        for (;;) {
            struct stm32_eth_desc *d = &r[k];
            if ((d->des0 & ETH_DES0_OWN) == 0u) {
                violate("the DMA was handed a frame's first descriptor before the rest");
                return;
            }
            if (descs > 0u && (d->des0 & ETH_TDES0_FS) != 0u) {
                violate("FS in the middle of a frame");
                return;
            }
            if (((d->des0 & ETH_TDES0_TER) != 0u) != (k == n - 1u)) {
                violate("TER not (only) on the last TX descriptor");
                return;
            }
            uint32_t b = d->des1 & 0x1FFFu;
            const uint8_t *buf = ptr(d->des2);
            if (buf == NULL || len + b > sizeof(frame)) {
                violate("a TX frame too long");
                return;
            }
            memcpy(frame + len, buf, b);
            len += b;
            descs++;
            if ((d->des0 & ETH_TDES0_LS) != 0u) {
                break;
            }
            k = (d->des0 & ETH_TDES0_TER) != 0u ? 0u : k + 1u;
            if (descs > n) {
                violate("no LS in the ring");
                return;
            }
        }
        assert_true(m.nsent < MAX_SENT);
        memcpy(m.sent[m.nsent], frame, len);
        m.sent_len[m.nsent] = len;
        m.sent_descs[m.nsent] = descs;
        m.nsent++;
        for (unsigned j = 0, x = i; j < descs; j++) {
            r[x].des0 &= ~ETH_DES0_OWN;
            m.tx_owned[x] = false;
            x = (r[x].des0 & ETH_TDES0_TER) != 0u ? 0u : x + 1u;
        }
        m.tx_cur = (k + 1u) % n;
        m.sr |= ETH_DMASR_TS | ETH_DMASR_NIS;
    }
}

/* The DMA engines run: what the CPU handed over is checked first. */
static void dma_step(bool rx_all)
{
    if (m.in_dma) {
        return;
    }
    m.in_dma = true;
    sync_ownership();
    /* Suspended, a real DMA looks again only on a poll demand; the eager
     * one looks anyway, as one still sending the frame before would. */
    if (!m.tx_suspended || m.eager) {
        tx_run();
    }
    while (m.wire_count > 0u) {
        unsigned before = m.wire_count;
        rx_one();
        if (!rx_all || m.wire_count == before) {
            break;
        }
    }
    m.in_dma = false;
}

void stm32_eth_fake_barrier(void)
{
    if (m.eager) {
        dma_step(false);
    } else if (!m.in_dma) {
        sync_ownership();
    }
}

static void model_reset_regs(void)
{
    m.maccr = 0x8000u; /* reset value (bit 15 reserved set) */
    m.macffr = 0;
    m.miiar = 0;
    m.miidr = 0;
    m.macfcr = 0;
    m.a0h = 0x8000FFFFu;
    m.a0l = 0xFFFFFFFFu;
    m.bmr = 0x00020101u;
    m.rdlar = 0;
    m.tdlar = 0;
    m.sr = 0;
    m.omr = 0;
    m.ier = 0;
    m.rx_cur = 0;
    m.tx_cur = 0;
    m.rx_suspended = false;
    m.tx_suspended = true;
    memset(m.rx_owned, 0, sizeof(m.rx_owned));
    memset(m.tx_owned, 0, sizeof(m.tx_owned));
}

static void phy_defaults(void)
{
    memset(m.phy, 0, sizeof(m.phy));
    m.phy[ETH_PHY_BMCR] = 0x3000u;          /* 100 Mbit/s, autonegotiation on */
    m.phy[ETH_PHY_BMSR] = 0x7809u;          /* abilities, no link */
    m.phy[ETH_PHY_ANAR] = 0x01E1u;          /* 10/100 half/full, 802.3 */
    m.phy[ETH_PHY_ANLPAR] = 0;
}

static void model_init(void)
{
    memset(&m, 0, sizeof(m));
    model_reset_regs();
    phy_defaults();
}

/* Link up after autonegotiation with a partner advertising `lp`. */
static void phy_link(bool up, uint16_t lp)
{
    m.phy[ETH_PHY_BMSR] = (uint16_t)(0x7809u | (up ? ETH_BMSR_LINK | ETH_BMSR_ANDONE : 0u));
    m.phy[ETH_PHY_ANLPAR] = lp;
}

static uint16_t phy_read_reg(unsigned reg)
{
    if (m.phy_absent) {
        return 0xFFFFu;
    }
    if (reg == ETH_PHY_BMSR && m.bmsr_latch_pending) {
        m.bmsr_latch_pending = false;
        return m.bmsr_latched;
    }
    if (reg == ETH_PHY_BMCR && m.bmcr_reset_left > 0u) {
        m.bmcr_reset_left--;
        return (uint16_t)(m.phy[ETH_PHY_BMCR] | ETH_BMCR_RESET);
    }
    return m.phy[reg & 31u];
}

static void mdio(uint32_t v)
{
    unsigned pa = (v >> 11) & 0x1Fu;
    unsigned reg = (v >> 6) & 0x1Fu;
    if (((v >> 2) & 7u) != 4u) {
        violate("MDC clock range is not HCLK/102 for 180 MHz");
    }
    if (pa != PHY_ADDR || m.phy_absent) {
        m.miidr = 0xFFFFu; /* nobody answers: MDIO idles high */
    } else if ((v & ETH_MII_MW) != 0u) {
        uint16_t val = (uint16_t)m.miidr;
        if (reg == ETH_PHY_BMCR && (val & ETH_BMCR_RESET) != 0u) {
            phy_defaults();
            m.bmcr_reset_left = 3;
        } else {
            m.phy[reg] = val & (uint16_t)~ETH_BMCR_ANRESTART;
        }
    } else {
        m.miidr = phy_read_reg(reg);
    }
    m.mdio_left = 2;
}

uint32_t stm32_eth_fake_read(uintptr_t base, uint32_t off)
{
    assert_int_equal(base, BASE);
    m.accesses++;
    if (m.eager) {
        dma_step(false);
    } else {
        sync_ownership();
    }
    switch (off) {
    case ETH_MACCR: return m.maccr;
    case ETH_MACFFR: return m.macffr;
    case ETH_MACMIIAR:
        if (m.mdio_left > 0u && --m.mdio_left == 0u) {
            m.miiar &= ~ETH_MII_MB;
        }
        return m.miiar;
    case ETH_MACMIIDR: return m.miidr;
    case ETH_MACFCR: return m.macfcr;
    case ETH_MACA0HR: return m.a0h;
    case ETH_MACA0LR: return m.a0l;
    case ETH_DMABMR:
        if (!m.reset_stuck && m.reset_left > 0u && --m.reset_left == 0u) {
            m.bmr &= ~ETH_DMABMR_SR;
        }
        return m.bmr;
    case ETH_DMASR: return m.sr;
    case ETH_DMAOMR:
        if (m.ftf_left > 0u && --m.ftf_left == 0u) {
            m.omr &= ~ETH_DMAOMR_FTF;
        }
        return m.omr;
    case ETH_DMAIER: return m.ier;
    case ETH_DMAMFBOCR: {
        uint32_t v = m.mfc & 0xFFFFu;
        m.mfc = 0;
        return v;
    }
    case ETH_DMARDLAR: return m.rdlar;
    case ETH_DMATDLAR: return m.tdlar;
    default:
        fail_msg("read of an unmodelled register 0x%x", off);
        return 0;
    }
}

void stm32_eth_fake_write(uintptr_t base, uint32_t off, uint32_t val)
{
    assert_int_equal(base, BASE);
    m.accesses++;
    if (!((off == ETH_DMABMR) && (val & ETH_DMABMR_SR) != 0u)) {
        errata_write(off);
    }
    sync_ownership();
    switch (off) {
    case ETH_MACCR: m.maccr = val; break;
    case ETH_MACFFR: m.macffr = val; break;
    case ETH_MACMIIAR:
        if ((m.miiar & ETH_MII_MB) != 0u) {
            violate("an MDIO command while the last is busy");
        }
        m.miiar = val;
        if ((val & ETH_MII_MB) != 0u) {
            mdio(val);
        }
        break;
    case ETH_MACMIIDR: m.miidr = val; break;
    case ETH_MACFCR: m.macfcr = val; break;
    case ETH_MACA0HR: m.a0h = 0x80000000u | (val & 0xFFFFu); break;
    case ETH_MACA0LR: m.a0l = val; break;
    case ETH_MMCRIMR:
        if ((val & ETH_MMCRIMR_ALL) != ETH_MMCRIMR_ALL) {
            violate("an MMC receive interrupt left on: it has no acknowledge in DMASR");
        }
        break;
    case ETH_MMCTIMR:
        if ((val & ETH_MMCTIMR_ALL) != ETH_MMCTIMR_ALL) {
            violate("an MMC transmit interrupt left on: it has no acknowledge in DMASR");
        }
        break;
    case ETH_DMABMR:
        if ((val & ETH_DMABMR_SR) != 0u) {
            model_reset_regs();
            m.bmr = val;
            m.reset_left = 3;
        } else {
            if (((val >> 2) & 0x1Fu) != 0u || (val & (1u << 7)) != 0u) {
                violate("DSL or enhanced descriptors: the driver's descriptors are 16 contiguous bytes");
            }
            m.bmr = val;
        }
        break;
    case ETH_DMATPDR:
        m.tpdr_writes++;
        m.tx_suspended = false;
        m.sr &= ~ETH_DMASR_TBUS;
        dma_step(false);
        break;
    case ETH_DMARPDR:
        m.rpdr_writes++;
        if (m.rx_suspended) {
            struct stm32_eth_desc *r = ring(m.rdlar);
            if (r != NULL && (r[m.rx_cur].des0 & ETH_DES0_OWN) != 0u) {
                m.rx_suspended = false;
            }
        }
        break;
    case ETH_DMARDLAR:
        if ((m.omr & ETH_DMAOMR_SR) != 0u) {
            violate("the RX list moved while RX runs");
        }
        m.rdlar = val;
        break;
    case ETH_DMATDLAR:
        if ((m.omr & ETH_DMAOMR_ST) != 0u) {
            violate("the TX list moved while TX runs");
        }
        m.tdlar = val;
        break;
    case ETH_DMASR: m.sr &= ~(val & ETH_DMASR_CLEAR); break;
    case ETH_DMAOMR:
        if ((val & ETH_DMAOMR_FTF) != 0u) {
            m.ftf_left = 2;
        }
        if ((val & ETH_DMAOMR_ST) != 0u && (m.omr & ETH_DMAOMR_ST) == 0u) {
            m.tx_suspended = false;
        }
        m.omr = val;
        break;
    case ETH_DMAIER: m.ier = val; break;
    default: fail_msg("write of an unmodelled register 0x%x", off);
    }
}

/* ---- helpers ------------------------------------------------------------- */

static const uint8_t s_board_mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};

static void irq_enable(void)
{
    m.irq_enables++;
}

static void attach(void)
{
    struct stm32_eth_board b = {.base = BASE, .hclk_hz = 180000000u, .phy_addr = PHY_ADDR, .irq_enable = irq_enable};
    memcpy(b.mac, s_board_mac, sizeof(b.mac));
    stm32_eth_attach(&b);
}

static int up(const uint8_t *mac)
{
    attach();
    struct hal_eth_cfg cfg = {.rx_pad = 2, .mac = mac};
    return hal_eth_init(&cfg);
}

static void wire(const uint8_t *frame, uint32_t len, bool bad)
{
    assert_true(m.wire_count < MAX_WIRE && len <= sizeof(m.wire[0]));
    unsigned w = (m.wire_head + m.wire_count) % MAX_WIRE;
    memcpy(m.wire[w], frame, len);
    m.wire_len[w] = len;
    m.wire_bad[w] = bad;
    m.wire_count++;
}

static void make_frame(uint8_t *f, uint32_t len, uint32_t seed)
{
    for (uint32_t i = 0; i < len; i++) {
        f[i] = (uint8_t)(i * 7u + seed * 13u + (i >> 8));
    }
}

/* Receive the next frame as the glue does; returns its length or 0. */
static uint32_t take(uint8_t *out)
{
    int n = hal_eth_rx_next();
    assert_true(n >= 0);
    if (n == 0) {
        return 0;
    }
    uint32_t buf[(2 + 1600) / 4 + 1];
    memset(buf, 0xEE, sizeof(buf));
    assert_true(hal_eth_rx_size((size_t)n) == (size_t)n + 2u);
    int r = hal_eth_rx_read(buf, (size_t)n + 2u);
    assert_int_equal(r, n);
    const uint8_t *b = (const uint8_t *)buf;
    assert_int_equal(b[0], 0);
    assert_int_equal(b[1], 0);
    assert_int_equal(b[2 + n], 0xEE); /* nothing past the frame: no FCS */
    memcpy(out, b + 2, (size_t)n);
    return (uint32_t)n;
}

static struct hal_eth_stats s_st0;

/* Counters since the test's setup (the driver's count on across inits). */
static struct hal_eth_stats stats(void)
{
    struct hal_eth_stats st;
    hal_eth_stats_get(&st);
    st.rx_frames -= s_st0.rx_frames;
    st.rx_errors -= s_st0.rx_errors;
    st.rx_discarded -= s_st0.rx_discarded;
    st.rx_hw_dropped -= s_st0.rx_hw_dropped;
    st.tx_busy -= s_st0.tx_busy;
    st.irqs -= s_st0.irqs;
    return st;
}

static int setup_up(void **state)
{
    (void)state;
    model_init();
    hal_eth_stats_get(&s_st0);
    assert_int_equal(up(NULL), APP_OK);
    assert_string_equal(m.violation, "");
    return 0;
}

static int teardown_check(void **state)
{
    (void)state;
    sync_ownership();
    for (int k = 0; k < 8; k++) {
        if (m.at_risk[k]) {
            violate("ES0206 2.17.5: a MAC/DMA configuration write too soon after the last, never repeated");
        }
    }
    if (m.violation[0] != '\0') {
        fail_msg("model: %s", m.violation);
    }
    return 0;
}

/* ---- tests --------------------------------------------------------------- */

static void test_init_configures_mac_and_rings(void **state)
{
    (void)state;
    model_init();
    static const uint8_t mac[6] = {0x02, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE};
    assert_int_equal(up(mac), APP_OK);
    assert_int_equal(m.a0l, 0xCCBBAA02u);
    assert_int_equal(m.a0h & 0xFFFFu, 0xEEDDu);
    uint8_t got[6];
    hal_eth_mac_get(got);
    assert_memory_equal(got, mac, 6);
    assert_true((m.maccr & (ETH_MACCR_RE | ETH_MACCR_TE)) == (ETH_MACCR_RE | ETH_MACCR_TE));
    assert_true((m.omr & (ETH_DMAOMR_SR | ETH_DMAOMR_ST | ETH_DMAOMR_RSF | ETH_DMAOMR_TSF)) ==
                (ETH_DMAOMR_SR | ETH_DMAOMR_ST | ETH_DMAOMR_RSF | ETH_DMAOMR_TSF));
    assert_true((m.ier & (ETH_DMAIER_NISE | ETH_DMAIER_RIE)) == (ETH_DMAIER_NISE | ETH_DMAIER_RIE));
    assert_int_equal(m.irq_enables, 1);
    assert_int_equal(m.maccr & 0x8000u, 0x8000u); /* a reserved bit kept at its reset value */
    /* The PHY was reset and autonegotiates. */
    assert_true((m.phy[ETH_PHY_BMCR] & ETH_BMCR_ANEN) != 0u);
    /* RX: every descriptor the DMA's, 512-byte buffers, RER on the last. */
    struct stm32_eth_desc *rx = ring(m.rdlar);
    assert_non_null(rx);
    assert_int_equal(ring_len(rx, true), STM32_ETH_RX_DESCS);
    for (unsigned i = 0; i < STM32_ETH_RX_DESCS; i++) {
        assert_true((rx[i].des0 & ETH_DES0_OWN) != 0u);
        assert_int_equal(rx[i].des1 & 0x1FFFu, STM32_ETH_RX_BUF);
    }
    struct stm32_eth_desc *tx = ring(m.tdlar);
    assert_int_equal(ring_len(tx, false), STM32_ETH_TX_DESCS);
    for (unsigned i = 0; i < STM32_ETH_TX_DESCS; i++) {
        assert_true((tx[i].des0 & ETH_DES0_OWN) == 0u);
    }
    assert_string_equal(m.violation, "");
}

static void test_init_board_mac_and_failures(void **state)
{
    (void)state;
    model_init();
    assert_int_equal(up(NULL), APP_OK);
    uint8_t got[6];
    hal_eth_mac_get(got);
    assert_memory_equal(got, s_board_mac, 6);

    model_init();
    m.reset_stuck = true; /* no 50 MHz from the PHY */
    assert_int_equal(up(NULL), APP_ERR_TIMEOUT);

    model_init();
    m.phy_absent = true;
    assert_int_equal(up(NULL), APP_ERR_NODEV);

    model_init();
    attach();
    struct hal_eth_cfg bad = {.rx_pad = 4, .mac = NULL};
    assert_int_equal(hal_eth_init(&bad), APP_ERR_INVAL);
    assert_int_equal(hal_eth_init(NULL), APP_ERR_INVAL);
}

/* Every frame length, one at a time: 1, 2 or 3 descriptors (the FCS may
 * spill alone into the next one), the ring wrapping many times. */
static void test_rx_every_length(void **state)
{
    (void)state;
    uint8_t f[1600];
    uint8_t got[1600];
    for (uint32_t len = ETH_HDR_LEN; len <= HAL_ETH_MAX_FRAME; len++) {
        make_frame(f, len, len);
        wire(f, len, false);
        dma_step(true);
        assert_int_equal(take(got), len);
        assert_memory_equal(got, f, len);
        assert_int_equal(take(got), 0);
    }
    struct hal_eth_stats st = stats();
    assert_int_equal(st.rx_frames, HAL_ETH_MAX_FRAME - ETH_HDR_LEN + 1u);
    assert_int_equal(st.rx_discarded, 0);
    assert_int_equal(st.rx_hw_dropped, 0);
}

/* Several frames waiting at once come out in order; a discarded one gives
 * its descriptors back too. */
static void test_rx_queue_in_order_and_discard(void **state)
{
    (void)state;
    uint8_t f[1600];
    uint8_t got[1600];
    for (unsigned round = 0; round < 20; round++) {
        static const uint32_t lens[] = {60, 600, 64, 1514 - 1000};
        for (unsigned i = 0; i < 4; i++) {
            make_frame(f, lens[i], round * 4u + i);
            wire(f, lens[i], false);
        }
        dma_step(true);
        assert_int_equal(m.wire_count, 0); /* 1 + 2 + 1 + 2 descriptors of 8 */
        assert_int_equal(hal_eth_rx_next(), 60);
        hal_eth_rx_discard();
        for (unsigned i = 1; i < 4; i++) {
            make_frame(f, lens[i], round * 4u + i);
            assert_int_equal(take(got), lens[i]);
            assert_memory_equal(got, f, lens[i]);
        }
        assert_int_equal(take(got), 0);
    }
    struct hal_eth_stats st = stats();
    assert_int_equal(st.rx_discarded, 20);
    assert_int_equal(st.rx_frames, 60);
}

/* Frames the MAC flagged (CRC error) are dropped and counted, never
 * returned; the next good one is. */
static void test_rx_errored_frames(void **state)
{
    (void)state;
    uint8_t f[1600];
    uint8_t got[1600];
    make_frame(f, 1000, 1);
    wire(f, 1000, true);
    make_frame(f, 100, 2);
    wire(f, 100, false);
    dma_step(true);
    assert_int_equal(take(got), 100);
    assert_memory_equal(got, f, 100);
    struct hal_eth_stats st = stats();
    assert_int_equal(st.rx_errors, 1);
    assert_int_equal(st.rx_discarded, 1);
}

/* More than the ring holds: the DMA suspends, frames are missed and
 * counted, one is cut short and dropped; once drained, RX resumes. */
static void test_rx_overflow_and_resume(void **state)
{
    (void)state;
    uint8_t f[1600];
    uint8_t got[1600];
    /* Three full-size frames need 9 descriptors of 8: the third is cut. */
    for (unsigned i = 0; i < 5; i++) {
        make_frame(f, 1514, i);
        wire(f, 1514, false);
    }
    dma_step(true);
    assert_true(m.rx_suspended);
    for (unsigned i = 0; i < 2; i++) {
        make_frame(f, 1514, i);
        assert_int_equal(take(got), 1514);
        assert_memory_equal(got, f, 1514);
    }
    assert_int_equal(take(got), 0); /* the cut one was dropped */
    assert_false(m.rx_suspended);   /* the poll demand resumed it */
    struct hal_eth_stats st = stats();
    assert_int_equal(st.rx_errors, 1);
    assert_int_equal(st.rx_hw_dropped, 2);
    /* And it receives again, across the wrap. */
    for (unsigned i = 0; i < 30; i++) {
        make_frame(f, 700, 100u + i);
        wire(f, 700, false);
        dma_step(true);
        assert_int_equal(take(got), 700);
        assert_memory_equal(got, f, 700);
    }
}

static void test_rx_small_or_misaligned_buffer(void **state)
{
    (void)state;
    uint8_t f[1600];
    uint8_t got[1600];
    uint32_t buf[400];
    make_frame(f, 600, 3);
    wire(f, 600, false);
    dma_step(true);
    assert_int_equal(hal_eth_rx_next(), 600);
    assert_int_equal(hal_eth_rx_read(buf, 601), APP_ERR_OVERFLOW);
    assert_int_equal(hal_eth_rx_read(buf, 602), APP_ERR_STATE); /* it was dropped */
    wire(f, 600, false);
    dma_step(true);
    assert_int_equal(hal_eth_rx_next(), 600);
    assert_int_equal(hal_eth_rx_read((uint8_t *)buf + 1, 1000), APP_ERR_OVERFLOW);
    wire(f, 600, false);
    dma_step(true);
    assert_int_equal(take(got), 600);
    assert_memory_equal(got, f, 600);
}

/* Frames given as 1 to 3 segments split everywhere, every length class,
 * the ring wrapping: what the DMA sends is the frame, FS/LS/TER right. */
static void test_tx_segments_and_wrap(void **state)
{
    (void)state;
    uint8_t f[1600];
    static const uint32_t lens[] = {14, 60, 511, 512, 513, 1023, 1024, 1025, 1200, 1514};
    unsigned expect = 0;
    for (unsigned li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
        uint32_t len = lens[li];
        for (uint32_t cut = 0; cut <= len; cut += len / 7u + 1u) {
            make_frame(f, len, len + cut);
            struct hal_eth_seg segs[3] = {{f, (uint16_t)cut}, {f + cut, (uint16_t)((len - cut) / 2u)},
                                          {f + cut + (len - cut) / 2u, (uint16_t)(len - cut - (len - cut) / 2u)}};
            assert_int_equal(hal_eth_send(segs, 3), APP_OK);
            assert_int_equal(m.nsent, expect + 1u);
            assert_int_equal(m.sent_len[expect], len);
            assert_memory_equal(m.sent[expect], f, len);
            assert_int_equal(m.sent_descs[expect], (len + 511u) / 512u);
            expect++;
            if (m.nsent == MAX_SENT) {
                m.nsent = 0;
                expect = 0;
            }
        }
    }
    struct hal_eth_stats st = stats();
    assert_int_equal(st.tx_busy, 0);
}

/* The MAC is busy: the ring fills and send says BUSY, whole frames only;
 * when it frees, the frames queued go out in order. */
static void test_tx_busy_and_invalid(void **state)
{
    (void)state;
    uint8_t f[1600];
    m.tx_hold = true;
    make_frame(f, 1514, 1);
    struct hal_eth_seg big = {f, 1514};
    struct hal_eth_seg small = {f, 100};
    assert_int_equal(hal_eth_send(&big, 1), APP_OK);   /* 3 of 4 descriptors */
    assert_int_equal(hal_eth_send(&big, 1), APP_ERR_BUSY);
    assert_int_equal(hal_eth_send(&small, 1), APP_OK); /* the 4th */
    assert_int_equal(hal_eth_send(&small, 1), APP_ERR_BUSY);
    m.tx_hold = false;
    assert_int_equal(m.nsent, 0);
    assert_int_equal(hal_eth_send(&small, 1), APP_ERR_BUSY); /* still held until the DMA looks */
    dma_step(false);
    assert_int_equal(m.nsent, 2);
    assert_int_equal(m.sent_len[0], 1514);
    assert_int_equal(m.sent_len[1], 100);
    assert_int_equal(hal_eth_send(&big, 1), APP_OK);
    assert_int_equal(m.nsent, 3);
    struct hal_eth_stats st = stats();
    assert_int_equal(st.tx_busy, 3);
    /* Invalid. */
    struct hal_eth_seg tiny = {f, 13};
    struct hal_eth_seg huge[2] = {{f, 1000}, {f, 515}};
    assert_int_equal(hal_eth_send(&tiny, 1), APP_ERR_INVAL);
    assert_int_equal(hal_eth_send(huge, 2), APP_ERR_INVAL);
    assert_int_equal(hal_eth_send(NULL, 1), APP_ERR_INVAL);
    assert_int_equal(hal_eth_send(&small, 0), APP_ERR_INVAL);
    assert_int_equal(m.nsent, 3);
}

/* The DMA runs at every register access and barrier, as a real one may,
 * with frames arriving all the time while the CPU receives and sends: the
 * ownership rules hold (the teardown checks the model saw no violation)
 * and no byte is lost or reordered. */
static void test_eager_dma_traffic(void **state)
{
    (void)state;
    uint8_t f[1600];
    uint8_t got[1600];
    m.eager = true;
    unsigned next_rx = 0;
    unsigned queued = 0;
    unsigned sent = 0;
    for (unsigned step = 0; step < 400; step++) {
        uint32_t len = 14u + (step * 97u) % 1501u;
        if (queued - next_rx < 3u && m.wire_count < MAX_WIRE - 1u) {
            make_frame(f, len, step);
            wire(f, len, false);
            queued++;
        }
        if (take(got) != 0u) {
            next_rx++;
        }
        uint32_t tl = 14u + (step * 31u) % 1501u;
        make_frame(f, tl, 1000u + step);
        struct hal_eth_seg s = {f, (uint16_t)tl};
        int rc = hal_eth_send(&s, 1);
        assert_true(rc == APP_OK || rc == APP_ERR_BUSY);
        if (rc == APP_OK) {
            sent++;
            if (m.nsent == MAX_SENT) {
                m.nsent = 0;
            }
        }
        assert_string_equal(m.violation, "");
    }
    assert_true(next_rx > 100u);
    assert_true(sent > 100u);
}

/* The same, checking every received byte: frames are queued with their
 * sequence number inside, so order and content are checked. */
static void test_eager_dma_rx_content(void **state)
{
    (void)state;
    uint8_t f[1600];
    uint8_t got[1600];
    m.eager = true;
    uint32_t next_rx = 0;
    uint32_t queued = 0;
    for (unsigned guard = 0; next_rx < 300u; guard++) {
        if (guard == 100000u) {
            fail_msg("stuck: next %u queued %u wire %u suspended %d cur %u drv %s", next_rx, queued,
                     m.wire_count, m.rx_suspended, m.rx_cur, m.violation);
        }
        while (queued - next_rx < 4u && m.wire_count < MAX_WIRE - 1u) {
            uint32_t len = 20u + (queued * 211u) % 1495u;
            make_frame(f, len, queued);
            memcpy(f, &queued, sizeof(queued));
            wire(f, len, false);
            queued++;
        }
        uint32_t n = take(got);
        if (n == 0u) {
            dma_step(false); /* time passes: the next frame comes in */
            continue;
        }
        uint32_t seq;
        memcpy(&seq, got, sizeof(seq));
        /* Frames can be missed while the ring is full, never reordered. */
        assert_true(seq >= next_rx);
        uint32_t len = 20u + (seq * 211u) % 1495u;
        make_frame(f, len, seq);
        memcpy(f, &seq, sizeof(seq));
        assert_int_equal(n, len);
        assert_memory_equal(got, f, len);
        next_rx = seq + 1u;
    }
    assert_string_equal(m.violation, "");
}

static void test_link_and_speed_from_phy(void **state)
{
    (void)state;
    assert_false(hal_eth_link_up());
    phy_link(true, 0x0021u); /* partner: 10BASE-T half duplex only */
    assert_true(hal_eth_link_up());
    assert_int_equal(m.maccr & (ETH_MACCR_FES | ETH_MACCR_DM), 0);
    assert_true((m.maccr & (ETH_MACCR_RE | ETH_MACCR_TE)) == (ETH_MACCR_RE | ETH_MACCR_TE));
    phy_link(false, 0);
    assert_false(hal_eth_link_up());
    phy_link(true, 0x05E1u); /* 100BASE-TX full duplex */
    assert_true(hal_eth_link_up());
    assert_int_equal(m.maccr & (ETH_MACCR_FES | ETH_MACCR_DM), ETH_MACCR_FES | ETH_MACCR_DM);
    phy_link(false, 0);
    assert_false(hal_eth_link_up());
    phy_link(true, 0x00A1u); /* 100 half, 10 half */
    assert_true(hal_eth_link_up());
    assert_int_equal(m.maccr & (ETH_MACCR_FES | ETH_MACCR_DM), ETH_MACCR_FES);
    /* The link bit latches low: a drop since the last read, now up again,
     * reads up. */
    m.bmsr_latched = 0x7809u | ETH_BMSR_ANDONE;
    m.bmsr_latch_pending = true;
    assert_true(hal_eth_link_up());
    /* Link without finished autonegotiation is not up yet. */
    m.phy[ETH_PHY_BMSR] = 0x7809u | ETH_BMSR_LINK;
    assert_false(hal_eth_link_up());
}

static void test_isr_acknowledges_and_signals(void **state)
{
    (void)state;
    uint8_t f[100];
    assert_false(hal_eth_event());
    make_frame(f, 100, 1);
    wire(f, 100, false);
    dma_step(true);
    assert_true((m.sr & ETH_DMASR_RS) != 0u);
    stm32_eth_isr();
    assert_int_equal(m.sr & (ETH_DMASR_RS | ETH_DMASR_NIS), 0);
    assert_true(hal_eth_event());
    assert_false(hal_eth_event());
    struct hal_eth_stats st = stats();
    assert_int_equal(st.irqs, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_init_configures_mac_and_rings, teardown_check),
        cmocka_unit_test(test_init_board_mac_and_failures),
        cmocka_unit_test_setup_teardown(test_rx_every_length, setup_up, teardown_check),
        cmocka_unit_test_setup_teardown(test_rx_queue_in_order_and_discard, setup_up, teardown_check),
        cmocka_unit_test_setup_teardown(test_rx_errored_frames, setup_up, teardown_check),
        cmocka_unit_test_setup_teardown(test_rx_overflow_and_resume, setup_up, teardown_check),
        cmocka_unit_test_setup_teardown(test_rx_small_or_misaligned_buffer, setup_up, teardown_check),
        cmocka_unit_test_setup_teardown(test_tx_segments_and_wrap, setup_up, teardown_check),
        cmocka_unit_test_setup_teardown(test_tx_busy_and_invalid, setup_up, teardown_check),
        cmocka_unit_test_setup_teardown(test_eager_dma_traffic, setup_up, teardown_check),
        cmocka_unit_test_setup_teardown(test_eager_dma_rx_content, setup_up, teardown_check),
        cmocka_unit_test_setup_teardown(test_link_and_speed_from_phy, setup_up, teardown_check),
        cmocka_unit_test_setup_teardown(test_isr_acknowledges_and_signals, setup_up, teardown_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
