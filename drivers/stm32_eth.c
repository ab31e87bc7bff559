/* STM32F4 Ethernet MAC and DMA driver (RM0090 section 33): normal
 * descriptors in ring mode, polled from the superloop; the interrupt only
 * wakes it. A received frame may span several RX descriptors (FS on the
 * first, LS and the length on the last); the driver strips the FCS the MAC
 * leaves in the buffer. A frame to send is copied into as many TX buffers
 * as it needs, and handed to the DMA first descriptor last, so that the
 * DMA never starts a frame whose rest is not ready. */
#include "stm32_eth.h"

#include <string.h>

#include "app_err.h"
#include "hal_eth.h"
#include "stm32_eth_regs.h"

#define RD(off) ETH_RD(s_b.base, (off))
#define WR(off, v) ETH_WR(s_b.base, (off), (v))

_Static_assert(STM32_ETH_RX_BUF % 4u == 0u && STM32_ETH_TX_BUF % 4u == 0u, "RM0090 33.6.8: buffer sizes in words");
_Static_assert(STM32_ETH_RX_DESCS >= 4u && STM32_ETH_TX_DESCS * STM32_ETH_TX_BUF >= HAL_ETH_MAX_FRAME,
               "a full-size frame must fit each ring");
_Static_assert(sizeof(struct stm32_eth_desc) == 16u, "normal descriptors, DSL 0");

/* Rings and buffers: plain SRAM the DMA reads and writes (the board's
 * linker script keeps .pool.* out of CCM). */
static struct {
    struct stm32_eth_desc rx[STM32_ETH_RX_DESCS];
    struct stm32_eth_desc tx[STM32_ETH_TX_DESCS];
    uint32_t rx_buf[STM32_ETH_RX_DESCS][STM32_ETH_RX_BUF / 4u];
    uint32_t tx_buf[STM32_ETH_TX_DESCS][STM32_ETH_TX_BUF / 4u];
} s_ring __attribute__((aligned(4), section(".pool.eth.rings")));

static struct stm32_eth_board s_b;
static uint32_t s_mii_cr;    /* MDC clock range for the AHB clock */
static unsigned s_rx_next;   /* the next RX descriptor the CPU looks at */
static unsigned s_rx_count;  /* descriptors of the pending frame (0: none) */
static uint32_t s_rx_len;    /* the pending frame, without the FCS */
static unsigned s_tx_next;   /* the next TX descriptor to fill */
static uint8_t s_rx_pad;
static uint32_t s_maccr;     /* speed and duplex last programmed */
static bool s_link;
static volatile uint8_t s_event;
static uint8_t s_mac[HAL_ETH_ADDR_LEN];
static struct hal_eth_stats s_stats;

void stm32_eth_attach(const struct stm32_eth_board *b)
{
    s_b = *b;
    /* MDC = HCLK / divider at most 2.5 MHz (IEEE 802.3 22.2.2.11): the
     * MACMIIAR.CR ranges of RM0090 33.8.1. */
    uint32_t mhz = b->hclk_hz / 1000000u;
    s_mii_cr = mhz >= 150u ? 4u : mhz >= 100u ? 1u : mhz >= 60u ? 0u : mhz >= 35u ? 3u : 2u;
}

/* ST errata ES0206 2.17.5: a write to MACCR, MACFFR, MACFCR, the address
 * registers, DMABMR or DMAOMR within 4 TX_CLK/RX_CLK cycles (160 ns at
 * 25 MHz) of the previous one to the same register can be lost while the
 * register reads back the new value. Each such write is made, followed by
 * reads that outlast that (about 30 cycles at 180 MHz), and made again. */
#define ETH_SETTLE_READS 8u

static void wr_settled(uint32_t off, uint32_t val)
{
    WR(off, val);
    for (uint32_t i = 0; i < ETH_SETTLE_READS; i++) {
        (void)RD(off);
    }
    WR(off, val);
}

static int wait_clear(uint32_t off, uint32_t bit)
{
    for (uint32_t i = 0; i < STM32_ETH_POLL_LIMIT; i++) {
        if ((RD(off) & bit) == 0u) {
            return APP_OK;
        }
    }
    return APP_ERR_TIMEOUT;
}

static int phy_read(uint32_t reg, uint32_t *val)
{
    WR(ETH_MACMIIAR, ETH_MII_PA(s_b.phy_addr) | ETH_MII_MR(reg) | ETH_MII_CR(s_mii_cr) | ETH_MII_MB);
    int rc = wait_clear(ETH_MACMIIAR, ETH_MII_MB);
    if (rc == APP_OK) {
        *val = RD(ETH_MACMIIDR) & 0xFFFFu;
    }
    return rc;
}

static int phy_write(uint32_t reg, uint32_t val)
{
    WR(ETH_MACMIIDR, val & 0xFFFFu);
    WR(ETH_MACMIIAR,
       ETH_MII_PA(s_b.phy_addr) | ETH_MII_MR(reg) | ETH_MII_CR(s_mii_cr) | ETH_MII_MW | ETH_MII_MB);
    return wait_clear(ETH_MACMIIAR, ETH_MII_MB);
}

/* Every RX descriptor to the DMA, every TX descriptor to the CPU. */
static void rings_init(void)
{
    for (unsigned i = 0; i < STM32_ETH_RX_DESCS; i++) {
        struct stm32_eth_desc *d = &s_ring.rx[i];
        d->des1 = ETH_RDES1_RBS1(STM32_ETH_RX_BUF) | (i == STM32_ETH_RX_DESCS - 1u ? ETH_RDES1_RER : 0u);
        d->des2 = ETH_DMA_ADDR(s_ring.rx_buf[i]);
        d->des3 = 0;
        d->des0 = ETH_DES0_OWN;
    }
    for (unsigned i = 0; i < STM32_ETH_TX_DESCS; i++) {
        struct stm32_eth_desc *d = &s_ring.tx[i];
        d->des0 = i == STM32_ETH_TX_DESCS - 1u ? ETH_TDES0_TER : 0u;
        d->des1 = 0;
        d->des2 = ETH_DMA_ADDR(s_ring.tx_buf[i]);
        d->des3 = 0;
    }
    s_rx_next = 0;
    s_rx_count = 0;
    s_rx_len = 0;
    s_tx_next = 0;
    ETH_DMB();
}

int hal_eth_init(const struct hal_eth_cfg *cfg)
{
    if (cfg == NULL || cfg->rx_pad > 3u || s_b.base == 0u) {
        return APP_ERR_INVAL;
    }
    s_rx_pad = cfg->rx_pad;
    /* The DMA's software reset resets the whole MAC; it completes only
     * with the PHY's reference clock on REF_CLK (RM0090 33.8.3, SR). */
    WR(ETH_DMABMR, ETH_DMABMR_SR);
    if (wait_clear(ETH_DMABMR, ETH_DMABMR_SR) != APP_OK) {
        return APP_ERR_TIMEOUT;
    }
    /* A PHY answers its ID-independent status register with its ability
     * bits set; nothing on the bus reads all ones (MDIO idles high). */
    uint32_t bmsr = 0xFFFFu;
    if (phy_read(ETH_PHY_BMSR, &bmsr) != APP_OK) {
        return APP_ERR_TIMEOUT;
    }
    if (bmsr == 0xFFFFu || bmsr == 0u) {
        return APP_ERR_NODEV;
    }
    uint32_t bmcr = 0;
    if (phy_write(ETH_PHY_BMCR, ETH_BMCR_RESET) != APP_OK) {
        return APP_ERR_TIMEOUT;
    }
    for (uint32_t i = 0; i < STM32_ETH_POLL_LIMIT; i++) {
        if (phy_read(ETH_PHY_BMCR, &bmcr) != APP_OK) {
            return APP_ERR_TIMEOUT;
        }
        if ((bmcr & ETH_BMCR_RESET) == 0u) {
            break;
        }
    }
    if ((bmcr & ETH_BMCR_RESET) != 0u ||
        phy_write(ETH_PHY_BMCR, ETH_BMCR_ANEN | ETH_BMCR_ANRESTART) != APP_OK) {
        return APP_ERR_TIMEOUT;
    }
    /* No address in the chip (no EEPROM): the configuration's, else the
     * board's. */
    memcpy(s_mac, cfg->mac != NULL ? cfg->mac : s_b.mac, HAL_ETH_ADDR_LEN);
    wr_settled(ETH_MACA0HR, (uint32_t)s_mac[4] | (uint32_t)s_mac[5] << 8);
    wr_settled(ETH_MACA0LR, (uint32_t)s_mac[0] | (uint32_t)s_mac[1] << 8 | (uint32_t)s_mac[2] << 16 |
                        (uint32_t)s_mac[3] << 24);
    /* Own unicast and broadcast only (MACFFR reset value: perfect
     * filtering, broadcast passed); no pause frames; the MMC counters'
     * interrupts masked (they would fire unacknowledged, RM0090 33.8.2). */
    wr_settled(ETH_MACFFR, 0);
    wr_settled(ETH_MACFCR, 0);
    WR(ETH_MMCRIMR, ETH_MMCRIMR_ALL);
    WR(ETH_MMCTIMR, ETH_MMCTIMR_ALL);
    rings_init();
    wr_settled(ETH_DMABMR, ETH_DMABMR_AAB | ETH_DMABMR_USP | ETH_DMABMR_RDP(32) | ETH_DMABMR_FB |
                       ETH_DMABMR_PBL(32));
    WR(ETH_DMARDLAR, ETH_DMA_ADDR(s_ring.rx));
    WR(ETH_DMATDLAR, ETH_DMA_ADDR(s_ring.tx));
    WR(ETH_DMASR, ETH_DMASR_CLEAR);
    WR(ETH_DMAIER, ETH_DMAIER_NISE | ETH_DMAIER_RIE | ETH_DMAIER_AISE | ETH_DMAIER_RBUIE | ETH_DMAIER_FBEIE);
    (void)RD(ETH_DMAMFBOCR); /* clears the missed-frame counters */
    /* 100 Mbit/s full duplex until the PHY says otherwise
     * (hal_eth_link_up()); store and forward both ways, so that the MAC
     * hands over only whole frames and never underruns on TX. RM0090
     * 33.6.10: MAC transmitter, flush the TX FIFO, receiver, then the DMA. */
    s_maccr = ETH_MACCR_FES | ETH_MACCR_DM;
    s_link = false;
    /* Read-modify-write: MACCR's reserved bits keep their reset values. */
    uint32_t maccr = RD(ETH_MACCR) & ~(ETH_MACCR_FES | ETH_MACCR_DM | ETH_MACCR_TE | ETH_MACCR_RE);
    wr_settled(ETH_MACCR, maccr | s_maccr | ETH_MACCR_TE);
    wr_settled(ETH_DMAOMR, ETH_DMAOMR_TSF | ETH_DMAOMR_RSF | ETH_DMAOMR_FTF);
    if (wait_clear(ETH_DMAOMR, ETH_DMAOMR_FTF) != APP_OK) {
        return APP_ERR_TIMEOUT;
    }
    wr_settled(ETH_MACCR, maccr | s_maccr | ETH_MACCR_TE | ETH_MACCR_RE);
    wr_settled(ETH_DMAOMR, ETH_DMAOMR_TSF | ETH_DMAOMR_RSF | ETH_DMAOMR_ST | ETH_DMAOMR_SR);
    if (s_b.irq_enable != NULL) {
        s_b.irq_enable();
    }
    return APP_OK;
}

void hal_eth_mac_get(uint8_t mac[HAL_ETH_ADDR_LEN])
{
    memcpy(mac, s_mac, HAL_ETH_ADDR_LEN);
}

/* Speed and duplex from autonegotiation: the best mode both ends
 * advertise (IEEE 802.3 28B.3 priority), into MACCR. */
static void link_mode(void)
{
    uint32_t an = 0;
    uint32_t lp = 0;
    if (phy_read(ETH_PHY_ANAR, &an) != APP_OK || phy_read(ETH_PHY_ANLPAR, &lp) != APP_OK) {
        return;
    }
    uint32_t both = an & lp;
    uint32_t cr = both & ETH_AN_100FD   ? ETH_MACCR_FES | ETH_MACCR_DM
                  : both & ETH_AN_100HD ? ETH_MACCR_FES
                  : both & ETH_AN_10FD  ? ETH_MACCR_DM
                                        : 0u;
    if (cr != s_maccr) {
        s_maccr = cr;
        wr_settled(ETH_MACCR, (RD(ETH_MACCR) & ~(ETH_MACCR_FES | ETH_MACCR_DM)) | cr);
    }
}

bool hal_eth_link_up(void)
{
    uint32_t bmsr = 0;
    /* The link bit latches low (IEEE 802.3 22.2.4.2.13): read again for
     * the current state. */
    if (phy_read(ETH_PHY_BMSR, &bmsr) != APP_OK ||
        ((bmsr & ETH_BMSR_LINK) == 0u && phy_read(ETH_PHY_BMSR, &bmsr) != APP_OK)) {
        return false;
    }
    bool up = (bmsr & ETH_BMSR_LINK) != 0u && (bmsr & ETH_BMSR_ANDONE) != 0u;
    if (up && !s_link) {
        link_mode();
    }
    s_link = up;
    return up;
}

static unsigned ring_next(unsigned i, unsigned n)
{
    return i + 1u == n ? 0u : i + 1u;
}

/* Descriptors [s_rx_next, +n) back to the DMA, the CPU done with their
 * buffers; then a receive poll demand, which resumes the DMA if it ran out
 * of descriptors (RBUS) and does nothing otherwise (RM0090 33.8.3). */
static void rx_give_back(unsigned n)
{
    ETH_DMB(); /* the buffer reads complete before the DMA may refill them */
    for (unsigned k = 0; k < n; k++) {
        s_ring.rx[s_rx_next].des0 = ETH_DES0_OWN;
        s_rx_next = ring_next(s_rx_next, STM32_ETH_RX_DESCS);
    }
    ETH_DSB();
    WR(ETH_DMARPDR, 0);
}

int hal_eth_rx_next(void)
{
    if (s_rx_count != 0u) {
        return (int)s_rx_len;
    }
    for (;;) {
        /* Walk the CPU-owned descriptors of the next frame to its last. */
        unsigned i = s_rx_next;
        unsigned n = 0;
        uint32_t last = 0;
        for (;;) {
            uint32_t d0 = s_ring.rx[i].des0;
            if ((d0 & ETH_DES0_OWN) != 0u) {
                return 0; /* nothing, or the frame is still arriving */
            }
            ETH_DMB(); /* the rest of the descriptor and its buffer after OWN */
            n++;
            if (n == 1u && (d0 & ETH_RDES0_FS) == 0u) {
                break; /* not a frame start: give this one back alone */
            }
            if ((d0 & ETH_RDES0_LS) != 0u) {
                last = d0;
                break;
            }
            if (n == STM32_ETH_RX_DESCS) {
                break; /* no end in the whole ring: cannot happen, recover */
            }
            i = ring_next(i, STM32_ETH_RX_DESCS);
        }
        uint32_t fl = ETH_RDES0_FL(last);
        if (last == 0u || (last & ETH_RDES0_ES) != 0u || fl < ETH_HDR_LEN + ETH_FCS_LEN ||
            fl - ETH_FCS_LEN > HAL_ETH_MAX_FRAME || fl > n * STM32_ETH_RX_BUF) {
            if (last != 0u && (last & ETH_RDES0_ES) != 0u) {
                s_stats.rx_errors++;
            }
            s_stats.rx_discarded++;
            rx_give_back(n);
            continue;
        }
        s_rx_count = n;
        s_rx_len = fl - ETH_FCS_LEN;
        if (n > s_stats.rx_status_peak) {
            s_stats.rx_status_peak = n;
        }
        if (s_rx_len + s_rx_pad > s_stats.rx_fifo_peak) {
            s_stats.rx_fifo_peak = s_rx_len + s_rx_pad;
        }
        return (int)s_rx_len;
    }
}

size_t hal_eth_rx_size(size_t len)
{
    return s_rx_pad + len;
}

int hal_eth_rx_read(void *buf, size_t cap)
{
    uint32_t frame = s_rx_len;
    if (s_rx_count == 0u) {
        return APP_ERR_STATE;
    }
    if (buf == NULL || cap < s_rx_pad + frame || ((uintptr_t)buf & 3u) != 0u) {
        hal_eth_rx_discard();
        return APP_ERR_OVERFLOW;
    }
    uint8_t *out = buf;
    memset(out, 0, s_rx_pad);
    out += s_rx_pad;
    uint32_t left = frame;
    unsigned i = s_rx_next;
    while (left > 0u) {
        uint32_t k = left < STM32_ETH_RX_BUF ? left : STM32_ETH_RX_BUF;
        memcpy(out, s_ring.rx_buf[i], k);
        out += k;
        left -= k;
        i = ring_next(i, STM32_ETH_RX_DESCS);
    }
    rx_give_back(s_rx_count);
    s_rx_count = 0;
    s_stats.rx_frames++;
    s_stats.rx_bytes += frame;
    return (int)frame;
}

void hal_eth_rx_discard(void)
{
    if (s_rx_count != 0u) {
        rx_give_back(s_rx_count);
        s_rx_count = 0;
        s_stats.rx_discarded++;
    }
}

/* Copy n bytes at p into the TX buffers from descriptor *d, offset *off. */
static void tx_copy(unsigned *d, uint32_t *off, const uint8_t *p, size_t n)
{
    while (n > 0u) {
        if (*off == STM32_ETH_TX_BUF) {
            *d = ring_next(*d, STM32_ETH_TX_DESCS);
            *off = 0;
        }
        size_t k = STM32_ETH_TX_BUF - *off;
        k = k < n ? k : n;
        memcpy((uint8_t *)s_ring.tx_buf[*d] + *off, p, k);
        *off += (uint32_t)k;
        p += k;
        n -= k;
    }
}

int hal_eth_send(const struct hal_eth_seg *segs, size_t count)
{
    size_t total = 0;
    if (segs == NULL || count == 0u || count > STM32_ETH_MAX_SEGS) {
        s_stats.tx_errors++;
        return APP_ERR_INVAL;
    }
    for (size_t i = 0; i < count; i++) {
        total += segs[i].len;
    }
    if (total < ETH_HDR_LEN || total > HAL_ETH_MAX_FRAME) {
        s_stats.tx_errors++;
        return APP_ERR_INVAL;
    }
    unsigned need = (unsigned)((total + STM32_ETH_TX_BUF - 1u) / STM32_ETH_TX_BUF);
    /* Descriptors are handed out in order: the next `need` must all be
     * back from the DMA. */
    unsigned d = s_tx_next;
    for (unsigned k = 0; k < need; k++) {
        if ((s_ring.tx[d].des0 & ETH_DES0_OWN) != 0u) {
            s_stats.tx_busy++;
            return APP_ERR_BUSY;
        }
        d = ring_next(d, STM32_ETH_TX_DESCS);
    }
    ETH_DMB(); /* the DMA is done with those buffers before they are written */
    d = s_tx_next;
    uint32_t off = 0;
    for (size_t i = 0; i < count; i++) {
        tx_copy(&d, &off, segs[i].data, segs[i].len);
    }
    /* Sizes and flags, the frame's last descriptor first, each handed to
     * the DMA as it is written and the first one last: the DMA never
     * starts a frame whose rest is not ready. */
    for (unsigned k = need; k-- > 0u;) {
        unsigned i = (s_tx_next + k) % STM32_ETH_TX_DESCS;
        uint32_t len = k == need - 1u ? (uint32_t)total - k * STM32_ETH_TX_BUF : STM32_ETH_TX_BUF;
        s_ring.tx[i].des1 = ETH_TDES1_TBS1(len);
        ETH_DMB(); /* the buffer and the size before the OWN that hands them over */
        s_ring.tx[i].des0 = ETH_DES0_OWN | (i == STM32_ETH_TX_DESCS - 1u ? ETH_TDES0_TER : 0u) |
                            (k == 0u ? ETH_TDES0_FS : 0u) | (k == need - 1u ? ETH_TDES0_LS | ETH_TDES0_IC : 0u);
    }
    s_tx_next = (s_tx_next + need) % STM32_ETH_TX_DESCS;
    ETH_DSB(); /* OWN is in SRAM before the DMA is told to look */
    WR(ETH_DMATPDR, 0); /* resumes a TX DMA suspended on the ring's end */
    s_stats.tx_frames++;
    s_stats.tx_bytes += (uint32_t)total;
    return APP_OK;
}

bool hal_eth_event(void)
{
    bool ev = s_event != 0u;
    s_event = 0;
    return ev;
}

void hal_eth_stats_get(struct hal_eth_stats *out)
{
    uint32_t mf = RD(ETH_DMAMFBOCR); /* clears on read: accumulate */
    s_stats.rx_hw_dropped += ETH_MFBOCR_MFC(mf) + ETH_MFBOCR_MFA(mf);
    *out = s_stats;
}

void stm32_eth_isr(void)
{
    /* Acknowledge what was seen (write 1 to clear): the superloop drains
     * the ring, and its poll demand resumes a receiver that ran out of
     * descriptors. */
    WR(ETH_DMASR, RD(ETH_DMASR) & ETH_DMASR_CLEAR);
    s_event = 1;
    s_stats.irqs++;
}
