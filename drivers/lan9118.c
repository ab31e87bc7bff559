/* SMSC LAN9118 driver (datasheet rev 1.5). Polled RX/TX through the PIO
 * FIFOs; the interrupt only wakes the superloop. */
#include "lan9118.h"

#include <string.h>

#include "app_err.h"
#include "hal_eth.h"
#include "lan9118_regs.h"

static uintptr_t s_base;
static void (*s_irq_enable)(void);
static uint8_t s_rx_pad;
static uint32_t s_rx_len;        /* pending frame incl. FCS, 0 if none */
static uint16_t s_tx_tag;
static volatile uint8_t s_event;
static uint8_t s_mac[HAL_ETH_ADDR_LEN];
static struct hal_eth_stats s_stats;

#define RD(off) LAN9118_RD(s_base, (off))
#define WR(off, v) LAN9118_WR(s_base, (off), (v))

void lan9118_attach(uintptr_t base, void (*irq_enable)(void))
{
    s_base = base;
    s_irq_enable = irq_enable;
}

static int wait_clear(uint32_t off, uint32_t mask)
{
    for (uint32_t i = 0; i < LAN9118_POLL_LIMIT; i++) {
        if ((RD(off) & mask) == 0u) {
            return APP_OK;
        }
    }
    return APP_ERR_TIMEOUT;
}

static int wait_set(uint32_t off, uint32_t mask)
{
    for (uint32_t i = 0; i < LAN9118_POLL_LIMIT; i++) {
        if ((RD(off) & mask) != 0u) {
            return APP_OK;
        }
    }
    return APP_ERR_TIMEOUT;
}

/* MAC CSRs are reached indirectly through MAC_CSR_CMD/DATA (5.3.19). */
static int mac_read(uint32_t reg, uint32_t *val)
{
    int err = wait_clear(LAN9118_MAC_CSR_CMD, LAN9118_MAC_CSR_BUSY);
    if (err == APP_OK) {
        WR(LAN9118_MAC_CSR_CMD, LAN9118_MAC_CSR_BUSY | LAN9118_MAC_CSR_READ | reg);
        err = wait_clear(LAN9118_MAC_CSR_CMD, LAN9118_MAC_CSR_BUSY);
    }
    if (err == APP_OK) {
        *val = RD(LAN9118_MAC_CSR_DATA);
    }
    return err;
}

static int mac_write(uint32_t reg, uint32_t val)
{
    int err = wait_clear(LAN9118_MAC_CSR_CMD, LAN9118_MAC_CSR_BUSY);
    if (err == APP_OK) {
        WR(LAN9118_MAC_CSR_DATA, val);
        WR(LAN9118_MAC_CSR_CMD, LAN9118_MAC_CSR_BUSY | reg);
        err = wait_clear(LAN9118_MAC_CSR_CMD, LAN9118_MAC_CSR_BUSY);
    }
    return err;
}

static int phy_read(uint32_t reg, uint32_t *val)
{
    uint32_t acc = 0;
    int err = APP_OK;
    /* MII_ACC busy clears when the serial management frame is done (5.4.6). */
    for (uint32_t i = 0; i < LAN9118_POLL_LIMIT; i++) {
        err = mac_read(LAN9118_MAC_MII_ACC, &acc);
        if (err != APP_OK || (acc & LAN9118_MII_BUSY) == 0u) {
            break;
        }
    }
    if (err != APP_OK || (acc & LAN9118_MII_BUSY) != 0u) {
        return APP_ERR_TIMEOUT;
    }
    err = mac_write(LAN9118_MAC_MII_ACC, LAN9118_MII_PHY(LAN9118_PHY_ADDR) |
                                             LAN9118_MII_REG(reg) | LAN9118_MII_BUSY);
    for (uint32_t i = 0; err == APP_OK && i < LAN9118_POLL_LIMIT; i++) {
        err = mac_read(LAN9118_MAC_MII_ACC, &acc);
        if (err == APP_OK && (acc & LAN9118_MII_BUSY) == 0u) {
            return mac_read(LAN9118_MAC_MII_DATA, val);
        }
    }
    return err != APP_OK ? err : APP_ERR_TIMEOUT;
}

int hal_eth_init(const struct hal_eth_cfg *cfg)
{
    uint32_t hi = 0;
    uint32_t lo = 0;
    int err;

    if (cfg == NULL || cfg->rx_pad > 3u || s_base == 0u) {
        return APP_ERR_INVAL;
    }
    /* BYTE_TEST reads back its fixed pattern once the chip is out of
     * power-on reset (3.11); anything else means no chip or a bad bus. */
    err = wait_set(LAN9118_PMT_CTRL, LAN9118_PMT_CTRL_READY);
    if (err != APP_OK) {
        return err;
    }
    if (RD(LAN9118_BYTE_TEST) != LAN9118_BYTE_TEST_VALUE) {
        return APP_ERR_NODEV;
    }
    WR(LAN9118_HW_CFG, LAN9118_HW_CFG_SRST);
    err = wait_clear(LAN9118_HW_CFG, LAN9118_HW_CFG_SRST);
    if (err == APP_OK) {
        err = wait_set(LAN9118_PMT_CTRL, LAN9118_PMT_CTRL_READY);
    }
    if (err != APP_OK) {
        return err;
    }
    /* 5 KB TX FIFO, the rest (about 10.5 KB) for RX; bit 20 must be one. */
    WR(LAN9118_HW_CFG, LAN9118_HW_CFG_TX_FIF_SZ(5) | LAN9118_HW_CFG_MBO);

    WR(LAN9118_INT_EN, 0);
    WR(LAN9118_INT_STS, 0xFFFFFFFFu);
    WR(LAN9118_IRQ_CFG, LAN9118_IRQ_CFG_IRQ_EN | LAN9118_IRQ_CFG_IRQ_POL |
                            LAN9118_IRQ_CFG_IRQ_TYPE);
    /* RX status level 0: interrupt as soon as one frame is in (5.3.6). */
    WR(LAN9118_FIFO_INT, 0x48000000u);

    if (cfg->mac != NULL) {
        lo = (uint32_t)cfg->mac[0] | ((uint32_t)cfg->mac[1] << 8) |
             ((uint32_t)cfg->mac[2] << 16) | ((uint32_t)cfg->mac[3] << 24);
        hi = (uint32_t)cfg->mac[4] | ((uint32_t)cfg->mac[5] << 8);
        err = mac_write(LAN9118_MAC_ADDRL, lo);
        if (err == APP_OK) {
            err = mac_write(LAN9118_MAC_ADDRH, hi);
        }
        if (err != APP_OK) {
            return err;
        }
    }
    /* After reset ADDRH/ADDRL hold the address loaded from the EEPROM. */
    err = mac_read(LAN9118_MAC_ADDRL, &lo);
    if (err == APP_OK) {
        err = mac_read(LAN9118_MAC_ADDRH, &hi);
    }
    if (err != APP_OK) {
        return err;
    }
    for (unsigned i = 0; i < 4u; i++) {
        s_mac[i] = (uint8_t)(lo >> (8u * i));
    }
    s_mac[4] = (uint8_t)hi;
    s_mac[5] = (uint8_t)(hi >> 8);

    s_rx_pad = cfg->rx_pad;
    s_rx_len = 0;
    memset(&s_stats, 0, sizeof(s_stats));
    WR(LAN9118_RX_CFG, (uint32_t)s_rx_pad << LAN9118_RX_CFG_RXDOFF_SHIFT);
    WR(LAN9118_TX_CFG, LAN9118_TX_CFG_TX_ON | LAN9118_TX_CFG_TXSAO);
    /* MAC_CR resets to promiscuous (5.4.1): write it whole, filtering on
     * our address plus broadcast, full duplex. */
    err = mac_write(LAN9118_MAC_CR, LAN9118_MAC_CR_RXEN | LAN9118_MAC_CR_TXEN |
                                        LAN9118_MAC_CR_FDPX);
    if (err != APP_OK) {
        return err;
    }
    WR(LAN9118_INT_EN, LAN9118_INT_RSFL);
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
    uint32_t bsr = 0;
    return phy_read(LAN9118_PHY_BSR, &bsr) == APP_OK && (bsr & LAN9118_PHY_BSR_LINK) != 0u;
}

/* Write len bytes starting at p to the TX data FIFO as whole words,
 * starting from the word that holds p (command A carries the start
 * offset, 3.12.2). Partial head and tail words are assembled byte-wise so
 * nothing outside the segment is read. */
static void tx_copy(const uint8_t *p, size_t len)
{
    uintptr_t off = (uintptr_t)p & 3u;
    uint32_t w;

    if (off != 0u) {
        size_t n = 4u - off < len ? 4u - off : len;
        w = 0;
        memcpy((uint8_t *)&w + off, p, n);
        WR(LAN9118_TX_DATA_FIFO, w);
        p += n;
        len -= n;
    }
    const uint32_t *wp = (const uint32_t *)(const void *)p;
    while (len >= 4u) {
        WR(LAN9118_TX_DATA_FIFO, *wp++);
        len -= 4u;
    }
    if (len != 0u) {
        w = 0;
        memcpy(&w, wp, len);
        WR(LAN9118_TX_DATA_FIFO, w);
    }
}

int hal_eth_send(const struct hal_eth_seg *segs, size_t count)
{
    size_t total = 0;
    size_t words = 0;

    if (segs == NULL || count == 0u || count > LAN9118_MAX_SEGS) {
        s_stats.tx_errors++;
        return APP_ERR_INVAL;
    }
    for (size_t i = 0; i < count; i++) {
        uintptr_t off = (uintptr_t)segs[i].data & 3u;
        total += segs[i].len;
        words += 2u + (off + segs[i].len + 3u) / 4u;
    }
    if (total == 0u || total > HAL_ETH_MAX_FRAME) {
        s_stats.tx_errors++;
        return APP_ERR_INVAL;
    }
    /* The frame goes in whole or not at all: TDFREE is in bytes (5.3.12). */
    if (LAN9118_TX_FIFO_INF_TDFREE(RD(LAN9118_TX_FIFO_INF)) < words * 4u) {
        s_stats.tx_busy++;
        return APP_ERR_BUSY;
    }
    s_tx_tag++;
    for (size_t i = 0; i < count; i++) {
        const uint8_t *p = segs[i].data;
        uint32_t a = LAN9118_TXA_LEN(segs[i].len) | LAN9118_TXA_OFFSET((uintptr_t)p & 3u);
        if (i == 0u) {
            a |= LAN9118_TXA_FIRST;
        }
        if (i + 1u == count) {
            a |= LAN9118_TXA_LAST;
        }
        /* Command B repeats for every buffer of the packet (3.12.2.2). */
        WR(LAN9118_TX_DATA_FIFO, a);
        WR(LAN9118_TX_DATA_FIFO, LAN9118_TXB_TAG(s_tx_tag) | LAN9118_TXB_LEN(total));
        tx_copy(p, segs[i].len);
    }
    s_stats.tx_frames++;
    s_stats.tx_bytes += (uint32_t)total;
    return APP_OK;
}

/* Words the pending frame occupies in the RX data FIFO: the RXDOFF pad,
 * the frame and its FCS, rounded up (3.13.1). */
static uint32_t rx_words(uint32_t len_fcs)
{
    return (s_rx_pad + len_fcs + 3u) / 4u;
}

/* Discard by reading the frame's words: RX_DP_CTRL fast-forward is not
 * used because QEMU's model advances it by a single word. */
static void rx_skip(uint32_t words)
{
    while (words-- != 0u) {
        (void)RD(LAN9118_RX_DATA_FIFO);
    }
}

int hal_eth_rx_next(void)
{
    if (s_rx_len != 0u) {
        return (int)(s_rx_len - 4u);
    }
    for (;;) {
        uint32_t inf = RD(LAN9118_RX_FIFO_INF);
        uint32_t frames = LAN9118_RX_FIFO_INF_RXSUSED(inf);
        uint32_t bytes = LAN9118_RX_FIFO_INF_RXDUSED(inf);
        if (bytes > s_stats.rx_fifo_peak) {
            s_stats.rx_fifo_peak = bytes;
        }
        if (frames > s_stats.rx_status_peak) {
            s_stats.rx_status_peak = frames;
        }
        if (frames == 0u) {
            /* Drained: count the chip's drops, then re-arm the interrupt
             * masked by lan9118_isr(), re-checking so that a frame that
             * arrived in between still wakes the loop. */
            s_stats.rx_hw_dropped += RD(LAN9118_RX_DROP);
            WR(LAN9118_INT_STS, LAN9118_INT_RSFL);
            WR(LAN9118_INT_EN, LAN9118_INT_RSFL);
            if (LAN9118_RX_FIFO_INF_RXSUSED(RD(LAN9118_RX_FIFO_INF)) != 0u) {
                s_event = 1;
            }
            return 0;
        }
        uint32_t st = RD(LAN9118_RX_STATUS_FIFO);
        uint32_t len = LAN9118_RXS_LEN(st);
        if ((st & LAN9118_RXS_ES) != 0u || len < 14u + 4u || len > HAL_ETH_MAX_FRAME + 4u) {
            if ((st & LAN9118_RXS_ES) != 0u) {
                s_stats.rx_errors++;
            }
            s_stats.rx_discarded++;
            rx_skip(rx_words(len));
            continue;
        }
        s_rx_len = len;
        return (int)(len - 4u);
    }
}

size_t hal_eth_rx_size(size_t len)
{
    return s_rx_pad + len;
}

int hal_eth_rx_read(void *buf, size_t cap)
{
    uint32_t len_fcs = s_rx_len;
    if (len_fcs == 0u) {
        return APP_ERR_STATE;
    }
    uint32_t frame = len_fcs - 4u;
    uint32_t want = s_rx_pad + frame;   /* bytes the caller gets */
    uint32_t total = rx_words(len_fcs);
    if (buf == NULL || cap < want || ((uintptr_t)buf & 3u) != 0u) {
        hal_eth_rx_discard();
        return APP_ERR_OVERFLOW;
    }
    uint32_t *wp = buf;
    uint32_t whole = want / 4u;
    for (uint32_t i = 0; i < whole; i++) {
        wp[i] = RD(LAN9118_RX_DATA_FIFO);
    }
    uint32_t used = whole;
    if ((want & 3u) != 0u) {
        uint32_t w = RD(LAN9118_RX_DATA_FIFO);
        memcpy(&wp[whole], &w, want & 3u);
        used++;
    }
    rx_skip(total - used);  /* the FCS */
    s_rx_len = 0;
    s_stats.rx_frames++;
    s_stats.rx_bytes += frame;
    return (int)frame;
}

void hal_eth_rx_discard(void)
{
    if (s_rx_len != 0u) {
        rx_skip(rx_words(s_rx_len));
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

void lan9118_isr(void)
{
    /* Mask the chip until hal_eth_rx_next() has drained the FIFO; its
     * level-triggered line would otherwise keep the core in here. */
    WR(LAN9118_INT_EN, 0);
    WR(LAN9118_INT_STS, LAN9118_INT_RSFL);
    s_event = 1;
    s_stats.irqs++;
}
