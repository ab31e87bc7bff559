/* Stellaris LM3S6965 Ethernet controller driver (datasheet DS-LM3S6965,
 * "Ethernet Controller"). Polled RX/TX through the MAC's FIFOs, a word at a
 * time; the interrupt only wakes the superloop. */
#include "stellaris_enet.h"

#include <string.h>

#include "app_err.h"
#include "hal_eth.h"
#include "stellaris_enet_regs.h"

static uintptr_t s_base;
static uint32_t s_mdv;
static void (*s_irq_enable)(void);
static uint32_t s_rx_len;   /* pending frame without FCS, 0 if none */
static uint32_t s_rx_first; /* its first FIFO word: length, then 2 frame bytes */
static volatile uint8_t s_event;
static uint8_t s_mac[HAL_ETH_ADDR_LEN];
static struct hal_eth_stats s_stats;

#define RD(off) SE_RD(s_base, (off))
#define WR(off, v) SE_WR(s_base, (off), (v))

/* The FIFO's 2-byte length in front of every received frame is the pad
 * that word-aligns the IP header (lwIP's ETH_PAD_SIZE 2): the frame is
 * read a word at a time into the caller's buffer, no shifting. */
#define RX_PAD 2u

void stellaris_enet_attach(uintptr_t base, uint32_t sysclk_hz, void (*irq_enable)(void))
{
    s_base = base;
    s_irq_enable = irq_enable;
    /* MDC = sysclk / (2 * (MACMDV + 1)) must stay <= 2.5 MHz (datasheet,
     * MACMDV). */
    uint32_t div = (sysclk_hz + 4999999u) / 5000000u;
    s_mdv = div > 0u ? div - 1u : 0u;
}

/* A clause-22 read of the integrated PHY through the MII management
 * registers. */
static int phy_read(uint32_t reg, uint32_t *val)
{
    WR(SE_MACMCTL, SE_MCTL_REGADR(reg) | SE_MCTL_START);
    for (uint32_t i = 0; i < STELLARIS_ENET_POLL_LIMIT; i++) {
        if ((RD(SE_MACMCTL) & SE_MCTL_START) == 0u) {
            *val = RD(SE_MACMRXD) & 0xFFFFu;
            return APP_OK;
        }
    }
    return APP_ERR_TIMEOUT;
}

int hal_eth_init(const struct hal_eth_cfg *cfg)
{
    if (cfg == NULL || cfg->rx_pad != RX_PAD) {
        return APP_ERR_INVAL;
    }
    /* Stopped, FIFOs empty, nothing pending. */
    WR(SE_MACIM, 0);
    WR(SE_MACRCTL, SE_RCTL_RSTFIFO);
    WR(SE_MACTCTL, 0);
    WR(SE_MACRIS, SE_INT_ALL | SE_INT_TXER);
    s_rx_len = 0;
    if (cfg->mac != NULL) {
        const uint8_t *m = cfg->mac;
        WR(SE_MACIA0, (uint32_t)m[0] | (uint32_t)m[1] << 8 | (uint32_t)m[2] << 16 |
                          (uint32_t)m[3] << 24);
        WR(SE_MACIA1, (uint32_t)m[4] | (uint32_t)m[5] << 8);
    }
    uint32_t ia0 = RD(SE_MACIA0);
    uint32_t ia1 = RD(SE_MACIA1);
    for (unsigned i = 0; i < 4u; i++) {
        s_mac[i] = (uint8_t)(ia0 >> (8u * i));
    }
    s_mac[4] = (uint8_t)ia1;
    s_mac[5] = (uint8_t)(ia1 >> 8);
    if (cfg->mac != NULL && memcmp(s_mac, cfg->mac, HAL_ETH_ADDR_LEN) != 0) {
        return APP_ERR_NODEV; /* the address did not stick: no MAC here */
    }
    WR(SE_MACMDV, s_mdv);
    WR(SE_MACTHR, 0x3Fu); /* no early transmit: a frame goes on MACTR.NEWTX */
    WR(SE_MACTCTL, SE_TCTL_TXEN | SE_TCTL_PADEN | SE_TCTL_CRC | SE_TCTL_DUPLEX);
    WR(SE_MACRCTL, SE_RCTL_RXEN | SE_RCTL_BADCRC | SE_RCTL_RSTFIFO);
    WR(SE_MACIM, SE_INT_RX);
    if (s_irq_enable != NULL) {
        s_irq_enable();
    }
    return APP_OK;
}

void hal_eth_mac_get(uint8_t mac[HAL_ETH_ADDR_LEN])
{
    memcpy(mac, s_mac, HAL_ETH_ADDR_LEN);
}

bool hal_eth_link_up(void)
{
    uint32_t bmsr = 0;
    if (phy_read(SE_PHY_BMSR, &bmsr) != APP_OK) {
        return false;
    }
    /* A PHY's BMSR is never 0 (its ability bits are wired to 1, IEEE 802.3
     * 22.2.4.2): 0 is a management interface that answers nothing, as
     * QEMU's model does; the MAC then runs as if the link were up. The
     * link bit latches low: read again for the current state. */
    if (bmsr == 0u) {
        return true;
    }
    if ((bmsr & SE_PHY_BMSR_LINK) == 0u && phy_read(SE_PHY_BMSR, &bmsr) != APP_OK) {
        return false;
    }
    return (bmsr & SE_PHY_BMSR_LINK) != 0u;
}

/* Bytes into the TX FIFO a word at a time: acc holds k (0..3) bytes not yet
 * written. Whole words go straight from the segment (unaligned loads are
 * fine on the Cortex-M3). */
struct tx_acc {
    uint32_t w;
    unsigned k;
};

static void tx_bytes(struct tx_acc *a, const uint8_t *p, size_t n)
{
    while (n > 0u && a->k != 0u) {
        a->w |= (uint32_t)*p++ << (8u * a->k);
        n--;
        if (++a->k == 4u) {
            WR(SE_MACDATA, a->w);
            a->w = 0;
            a->k = 0;
        }
    }
    for (; n >= 4u; n -= 4u, p += 4) {
        uint32_t w;
        __builtin_memcpy(&w, p, sizeof(w)); /* little-endian, as the FIFO */
        WR(SE_MACDATA, w);
    }
    while (n-- > 0u) {
        a->w |= (uint32_t)*p++ << (8u * a->k);
        a->k++;
    }
}

int hal_eth_send(const struct hal_eth_seg *segs, size_t count)
{
    size_t total = 0;
    if (segs == NULL || count == 0u || count > STELLARIS_ENET_MAX_SEGS) {
        s_stats.tx_errors++;
        return APP_ERR_INVAL;
    }
    for (size_t i = 0; i < count; i++) {
        total += segs[i].len;
    }
    if (total < SE_ETH_HDR || total > HAL_ETH_MAX_FRAME) {
        s_stats.tx_errors++;
        return APP_ERR_INVAL;
    }
    /* The TX FIFO holds one frame: the previous one must be gone. */
    if ((RD(SE_MACTR) & SE_TR_NEWTX) != 0u) {
        s_stats.tx_busy++;
        return APP_ERR_BUSY;
    }
    /* First word: the data length after the Ethernet header, then the
     * frame's first two bytes. */
    struct tx_acc a = {(uint32_t)(total - SE_ETH_HDR), 2u};
    for (size_t i = 0; i < count; i++) {
        tx_bytes(&a, segs[i].data, segs[i].len);
    }
    if (a.k != 0u) {
        WR(SE_MACDATA, a.w);
    }
    WR(SE_MACTR, SE_TR_NEWTX);
    s_stats.tx_frames++;
    s_stats.tx_bytes += (uint32_t)total;
    return APP_OK;
}

/* FIFO words of a received frame whose first word said len (length field,
 * frame and FCS). */
static uint32_t rx_words(uint32_t len)
{
    return (len + 3u) / 4u;
}

static void rx_skip(uint32_t words)
{
    while (words-- != 0u) {
        (void)RD(SE_MACDATA);
    }
}

int hal_eth_rx_next(void)
{
    if (s_rx_len != 0u) {
        return (int)s_rx_len;
    }
    for (;;) {
        uint32_t ris = RD(SE_MACRIS);
        if ((ris & SE_INT_FOV) != 0u) {
            /* The FIFO overran: the MAC dropped a frame. */
            s_stats.rx_hw_dropped++;
            WR(SE_MACRIS, SE_INT_FOV);
        }
        uint32_t np = RD(SE_MACNP) & 0x3Fu;
        if (np > s_stats.rx_status_peak) {
            s_stats.rx_status_peak = np;
        }
        if (np == 0u) {
            /* Drained: re-arm the interrupt masked by the ISR, checking
             * again so that a frame that came in between still wakes. */
            WR(SE_MACRIS, SE_INT_RX);
            WR(SE_MACIM, SE_INT_RX);
            if ((RD(SE_MACNP) & 0x3Fu) != 0u) {
                s_event = 1;
            }
            return 0;
        }
        uint32_t first = RD(SE_MACDATA);
        uint32_t len = first & 0xFFFFu;
        if (len > SE_FIFO_BYTES) {
            /* No frame boundary to trust: start the FIFO afresh. */
            WR(SE_MACRCTL, SE_RCTL_RXEN | SE_RCTL_BADCRC | SE_RCTL_RSTFIFO);
            s_stats.rx_errors++;
            s_stats.rx_discarded++;
            continue;
        }
        if (len < SE_RX_LEN_EXTRA + SE_ETH_HDR || len - SE_RX_LEN_EXTRA > HAL_ETH_MAX_FRAME) {
            s_stats.rx_discarded++;
            rx_skip(rx_words(len) - 1u);
            continue;
        }
        s_rx_first = first;
        s_rx_len = len - SE_RX_LEN_EXTRA;
        if (s_rx_len + RX_PAD > s_stats.rx_fifo_peak) {
            s_stats.rx_fifo_peak = s_rx_len + RX_PAD;
        }
        return (int)s_rx_len;
    }
}

size_t hal_eth_rx_size(size_t len)
{
    return RX_PAD + len;
}

int hal_eth_rx_read(void *buf, size_t cap)
{
    uint32_t frame = s_rx_len;
    if (frame == 0u) {
        return APP_ERR_STATE;
    }
    uint32_t want = RX_PAD + frame; /* bytes the caller gets */
    uint32_t total = rx_words(frame + SE_RX_LEN_EXTRA);
    if (buf == NULL || cap < want || ((uintptr_t)buf & 3u) != 0u) {
        hal_eth_rx_discard();
        return APP_ERR_OVERFLOW;
    }
    uint32_t *wp = buf;
    uint32_t whole = want / 4u; /* >= 4: a frame has at least its header */
    wp[0] = s_rx_first;         /* its length bytes are the pad */
    for (uint32_t i = 1; i < whole; i++) {
        wp[i] = RD(SE_MACDATA);
    }
    uint32_t used = whole;
    if ((want & 3u) != 0u) {
        uint32_t w = RD(SE_MACDATA);
        memcpy(&wp[whole], &w, want & 3u); /* nothing past the frame */
        used++;
    }
    rx_skip(total - used); /* the rest of the FCS */
    s_rx_len = 0;
    s_stats.rx_frames++;
    s_stats.rx_bytes += frame;
    return (int)frame;
}

void hal_eth_rx_discard(void)
{
    if (s_rx_len != 0u) {
        rx_skip(rx_words(s_rx_len + SE_RX_LEN_EXTRA) - 1u);
        s_rx_len = 0;
        s_stats.rx_discarded++;
    }
}

bool hal_eth_event(void)
{
    bool ev = s_event != 0u;
    s_event = 0;
    return ev;
}

void hal_eth_stats_get(struct hal_eth_stats *out)
{
    *out = s_stats;
}

void stellaris_enet_isr(void)
{
    /* Masked until hal_eth_rx_next() has drained the FIFO: the level
     * interrupt would otherwise keep the core in here. */
    WR(SE_MACIM, 0);
    WR(SE_MACRIS, SE_INT_RX);
    s_event = 1;
    s_stats.irqs++;
}
