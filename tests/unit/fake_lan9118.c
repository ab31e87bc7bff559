/* LAN9118 register model for the driver's host test. Follows the SMSC
 * LAN9118 datasheet rev 1.5: FIFO layout 3.12 (TX) and 3.13 (RX), system
 * registers 5.3, MAC CSRs 5.4, PHY registers 5.5. Only what the driver
 * uses is modelled; an access outside that fails the test, so the model
 * cannot silently return something the chip would not. */
#include "fake_lan9118.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lan9118.h"
#include "lan9118_regs.h"

#define FAKE_RX_WORDS 32768u  /* model FIFO storage, far above the chip's */
#define FAKE_RX_FRAMES 512u
#define FAKE_TX_PKTS 8u
#define FAKE_BUSY_READS 2u    /* polls a CSR/MII/reset operation stays busy */
#define FAKE_READY_READS 3u   /* PMT_CTRL polls until READY after reset */
/* More reads than this without one write is a driver stuck in a loop:
 * every bounded wait in the driver gives up after LAN9118_POLL_LIMIT. */
#define FAKE_HANG_READS (4ul * LAN9118_POLL_LIMIT)

#define MAC_CR_RESET 0x00040000u  /* 5.4.1: PRMS set after reset */
#define TXA_ALIGN_MASK (3u << 24) /* buffer end alignment, 3.12.2.1 */
#define INT_RXDF (1u << 6)        /* RX dropped frame (RX_DROP counted) */

struct rx_frame {
    uint32_t status;
    uint32_t first;   /* index of its first word in s_rx_words */
    uint32_t words;
};

enum tx_state { TX_IDLE, TX_WANT_B, TX_DATA, TX_WANT_A };

static struct {
    /* options */
    uint8_t eeprom_mac[6];
    uint32_t byte_test;
    bool srst_stuck;
    bool never_ready;
    bool csr_stuck;
    bool link;
    uint32_t tdfree;

    /* plain registers */
    uint32_t irq_cfg;
    uint32_t int_sts;
    uint32_t int_en;
    uint32_t fifo_int;
    uint32_t rx_cfg;
    uint32_t tx_cfg;
    uint32_t hw_cfg;
    uint32_t rx_drop;
    unsigned srst_reads;   /* HW_CFG reads left with SRST set */
    unsigned ready_reads;  /* PMT_CTRL reads left before READY */

    /* MAC CSRs (index 0..15) and their indirect access */
    uint32_t csr[16];
    unsigned csr_writes[16];
    uint32_t csr_cmd;
    uint32_t csr_data;
    unsigned csr_busy;     /* MAC_CSR_CMD reads left with BUSY set */
    unsigned mii_busy;     /* MII_ACC reads left with MIIBZY set */

    /* RX FIFOs */
    uint32_t rx_words[FAKE_RX_WORDS];
    uint32_t rx_word_tail;          /* next free word */
    struct rx_frame rx_frames[FAKE_RX_FRAMES];
    uint32_t rx_frame_count;        /* frames that arrived */
    uint32_t rx_status_head;        /* next status entry to pop */
    uint32_t rx_data_frame;         /* frame whose data is read next */
    uint32_t rx_data_pos;           /* word within that frame */
    uint8_t rearm_frame[1514];
    size_t rearm_len;
    bool rearm_armed;

    /* TX FIFO */
    enum tx_state tx_state;
    uint32_t tx_cmd_a;
    uint32_t tx_buf_len;      /* bytes of the current buffer */
    uint32_t tx_buf_off;      /* data start offset of the current buffer */
    uint32_t tx_buf_words;    /* data words left in the current buffer */
    uint32_t tx_buf_taken;    /* bytes of the current buffer taken */
    uint32_t tx_buf_index;    /* word index within the current buffer */
    uint32_t tx_pkt_len;      /* command B length */
    uint16_t tx_pkt_tag;
    uint32_t tx_fifo_bytes;   /* bytes of the packet being written */
    struct fake_lan9118_tx_pkt tx_cur;
    struct fake_lan9118_tx_pkt tx_done[FAKE_TX_PKTS];
    size_t tx_done_count;
    uint32_t tx_writes;

    unsigned long reads;
    unsigned long reads_since_write;
} s_chip;

static void chip_soft_reset(void)
{
    /* 3.11 / 5.3.9: a soft reset returns every register and both FIFOs to
     * their defaults and reloads the MAC address from the EEPROM. */
    s_chip.irq_cfg = 0;
    s_chip.int_sts = 0;
    s_chip.int_en = 0;
    s_chip.fifo_int = 0x48000000u;
    s_chip.rx_cfg = 0;
    s_chip.tx_cfg = 0;
    s_chip.hw_cfg = LAN9118_HW_CFG_TX_FIF_SZ(5) | LAN9118_HW_CFG_MBO;
    memset(s_chip.csr, 0, sizeof(s_chip.csr));
    s_chip.csr[LAN9118_MAC_CR] = MAC_CR_RESET;
    s_chip.csr[LAN9118_MAC_ADDRL] = (uint32_t)s_chip.eeprom_mac[0] |
                                    ((uint32_t)s_chip.eeprom_mac[1] << 8) |
                                    ((uint32_t)s_chip.eeprom_mac[2] << 16) |
                                    ((uint32_t)s_chip.eeprom_mac[3] << 24);
    s_chip.csr[LAN9118_MAC_ADDRH] =
        (uint32_t)s_chip.eeprom_mac[4] | ((uint32_t)s_chip.eeprom_mac[5] << 8);
    s_chip.csr_cmd = 0;
    s_chip.csr_data = 0;
    s_chip.csr_busy = 0;
    s_chip.mii_busy = 0;
    s_chip.rx_word_tail = 0;
    s_chip.rx_frame_count = 0;
    s_chip.rx_status_head = 0;
    s_chip.rx_data_frame = 0;
    s_chip.rx_data_pos = 0;
    s_chip.tx_state = TX_IDLE;
    s_chip.tx_fifo_bytes = 0;
    s_chip.ready_reads = FAKE_READY_READS;
}

void fake_lan9118_reset(void)
{
    static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    memset(&s_chip, 0, sizeof(s_chip));
    memcpy(s_chip.eeprom_mac, mac, sizeof(mac));
    s_chip.byte_test = LAN9118_BYTE_TEST_VALUE;
    s_chip.link = true;
    s_chip.tdfree = 4608u;  /* 5 KB TX FIFO less the 512-byte status FIFO */
    chip_soft_reset();
}

void fake_lan9118_set_eeprom_mac(const uint8_t mac[6])
{
    memcpy(s_chip.eeprom_mac, mac, 6);
    chip_soft_reset();
}

void fake_lan9118_set_byte_test(uint32_t value) { s_chip.byte_test = value; }
void fake_lan9118_set_srst_stuck(bool stuck) { s_chip.srst_stuck = stuck; }
void fake_lan9118_set_never_ready(bool never) { s_chip.never_ready = never; }
void fake_lan9118_set_csr_stuck(bool stuck) { s_chip.csr_stuck = stuck; }
void fake_lan9118_set_link(bool up) { s_chip.link = up; }
void fake_lan9118_set_tdfree(uint32_t bytes) { s_chip.tdfree = bytes; }

void fake_lan9118_add_rx_drop(uint32_t frames)
{
    s_chip.rx_drop += frames;
    s_chip.int_sts |= INT_RXDF;
}

/* ---- RX ---------------------------------------------------------------- */

uint8_t fake_lan9118_pad_byte(unsigned i) { return (uint8_t)(0xD0u + i); }
uint8_t fake_lan9118_fcs_byte(unsigned i) { return (uint8_t)(0xF0u + i); }

static uint32_t rx_status_used(void)
{
    return s_chip.rx_frame_count - s_chip.rx_status_head;
}

static uint32_t rx_data_words_used(void)
{
    uint32_t words = 0;
    for (uint32_t i = s_chip.rx_data_frame; i < s_chip.rx_frame_count; i++) {
        words += s_chip.rx_frames[i].words;
    }
    return words - s_chip.rx_data_pos;
}

/* RSFL (5.3.3): set while the RX status FIFO holds more entries than
 * FIFO_INT's RX status level; writing one to it only clears it when the
 * level is no longer exceeded. */
static void rx_update_rsfl(void)
{
    if (rx_status_used() > (s_chip.fifo_int & 0xFFu)) {
        s_chip.int_sts |= LAN9118_INT_RSFL;
    }
}

static void rx_compact(void)
{
    /* Everything consumed: start the storage over. */
    if (s_chip.rx_data_frame == s_chip.rx_frame_count &&
        s_chip.rx_status_head == s_chip.rx_frame_count) {
        s_chip.rx_frame_count = 0;
        s_chip.rx_status_head = 0;
        s_chip.rx_data_frame = 0;
        s_chip.rx_data_pos = 0;
        s_chip.rx_word_tail = 0;
    }
}

/* Lay out one received frame: RXDOFF pad bytes, then bytes (len_fcs of
 * them, FCS included), as little-endian words (3.13.1, 5.3.7). */
static bool rx_arrive(const uint8_t *bytes, uint32_t len_fcs, bool error)
{
    if ((s_chip.csr[LAN9118_MAC_CR] & LAN9118_MAC_CR_RXEN) == 0u) {
        s_chip.rx_drop++;
        return false;
    }
    rx_compact();
    uint32_t pad = (s_chip.rx_cfg >> LAN9118_RX_CFG_RXDOFF_SHIFT) & 0x1Fu;
    uint32_t words = (pad + len_fcs + 3u) / 4u;
    if (s_chip.rx_frame_count == FAKE_RX_FRAMES ||
        s_chip.rx_word_tail + words > FAKE_RX_WORDS) {
        fail_msg("lan9118 fake: test pushed more than the model holds");
    }
    struct rx_frame *f = &s_chip.rx_frames[s_chip.rx_frame_count++];
    f->status = (len_fcs << 16) | (error ? LAN9118_RXS_ES : 0u);
    f->first = s_chip.rx_word_tail;
    f->words = words;
    uint8_t *dst = (uint8_t *)&s_chip.rx_words[f->first];
    memset(dst, 0, words * 4u);
    for (uint32_t i = 0; i < pad; i++) {
        dst[i] = fake_lan9118_pad_byte(i);
    }
    memcpy(dst + pad, bytes, len_fcs);
    s_chip.rx_word_tail += words;
    rx_update_rsfl();
    return true;
}

bool fake_lan9118_rx_push(const uint8_t *frame, size_t len, bool error)
{
    uint8_t buf[4096];
    if (len + 4u > sizeof(buf)) {
        fail_msg("lan9118 fake: frame too long for the model");
    }
    memcpy(buf, frame, len);
    for (unsigned i = 0; i < 4u; i++) {
        buf[len + i] = fake_lan9118_fcs_byte(i);
    }
    return rx_arrive(buf, (uint32_t)len + 4u, error);
}

bool fake_lan9118_rx_push_len(uint32_t len_fcs, bool error)
{
    uint8_t buf[0x3FFF];
    if (len_fcs > sizeof(buf)) {
        fail_msg("lan9118 fake: status length has 14 bits");
    }
    for (uint32_t i = 0; i < len_fcs; i++) {
        buf[i] = (uint8_t)(i * 7u + 1u);
    }
    return rx_arrive(buf, len_fcs, error);
}

void fake_lan9118_rx_arrive_on_rearm(const uint8_t *frame, size_t len)
{
    memcpy(s_chip.rearm_frame, frame, len);
    s_chip.rearm_len = len;
    s_chip.rearm_armed = true;
}

size_t fake_lan9118_rx_status_used(void) { return rx_status_used(); }
size_t fake_lan9118_rx_data_used(void) { return (size_t)rx_data_words_used() * 4u; }

static uint32_t rx_status_pop(void)
{
    if (rx_status_used() == 0u) {
        fail_msg("lan9118 fake: RX status FIFO read while empty (underflow)");
    }
    return s_chip.rx_frames[s_chip.rx_status_head++].status;
}

static uint32_t rx_data_pop(void)
{
    if (s_chip.rx_data_frame == s_chip.rx_frame_count) {
        fail_msg("lan9118 fake: RX data FIFO read while empty (underflow)");
    }
    if (s_chip.rx_data_frame >= s_chip.rx_status_head) {
        /* The driver reads words of a frame whose status it has not
         * popped: it ran past the end of the previous frame, or reads
         * data before status. The FIFOs are out of sync. */
        fail_msg("lan9118 fake: RX data read beyond the frame's words "
                 "(frame %u, status not read)", (unsigned)s_chip.rx_data_frame);
    }
    const struct rx_frame *f = &s_chip.rx_frames[s_chip.rx_data_frame];
    uint32_t w = s_chip.rx_words[f->first + s_chip.rx_data_pos];
    if (++s_chip.rx_data_pos == f->words) {
        s_chip.rx_data_frame++;
        s_chip.rx_data_pos = 0;
    }
    return w;
}

/* ---- TX ---------------------------------------------------------------- */

size_t fake_lan9118_tx_count(void) { return s_chip.tx_done_count; }

const struct fake_lan9118_tx_pkt *fake_lan9118_tx_get(size_t i)
{
    assert_true(i < s_chip.tx_done_count);
    return &s_chip.tx_done[i];
}

void fake_lan9118_tx_clear(void)
{
    s_chip.tx_done_count = 0;
    s_chip.tx_writes = 0;
}

uint32_t fake_lan9118_tx_writes(void) { return s_chip.tx_writes; }

static void tx_buffer_end(void)
{
    if ((s_chip.tx_cmd_a & LAN9118_TXA_LAST) == 0u) {
        s_chip.tx_state = TX_WANT_A;
        return;
    }
    if (s_chip.tx_cur.len != s_chip.tx_pkt_len) {
        fail_msg("lan9118 fake: TX buffers hold %u bytes, command B says %u",
                 (unsigned)s_chip.tx_cur.len, (unsigned)s_chip.tx_pkt_len);
    }
    if ((s_chip.tx_cfg & LAN9118_TX_CFG_TX_ON) == 0u ||
        (s_chip.csr[LAN9118_MAC_CR] & LAN9118_MAC_CR_TXEN) == 0u) {
        fail_msg("lan9118 fake: packet queued with the transmitter off");
    }
    if (s_chip.tx_done_count == FAKE_TX_PKTS) {
        fail_msg("lan9118 fake: more TX packets than the model records");
    }
    /* Sent on the wire at once: the FIFO space comes back. */
    s_chip.tx_done[s_chip.tx_done_count++] = s_chip.tx_cur;
    s_chip.tx_fifo_bytes = 0;
    s_chip.tx_state = TX_IDLE;
}

static void tx_write(uint32_t v)
{
    s_chip.tx_writes++;
    s_chip.tx_fifo_bytes += 4u;
    if (s_chip.tx_fifo_bytes > s_chip.tdfree) {
        fail_msg("lan9118 fake: TX data FIFO overrun (%u bytes free)", (unsigned)s_chip.tdfree);
    }
    switch (s_chip.tx_state) {
    case TX_IDLE:
    case TX_WANT_A: {
        bool first = (v & LAN9118_TXA_FIRST) != 0u;
        if (first != (s_chip.tx_state == TX_IDLE)) {
            fail_msg("lan9118 fake: command A FIRST bit %s", first ? "in mid-packet" : "missing");
        }
        if ((v & TXA_ALIGN_MASK) != 0u) {
            fail_msg("lan9118 fake: only 4-byte buffer end alignment is modelled");
        }
        if (first) {
            memset(&s_chip.tx_cur, 0, sizeof(s_chip.tx_cur));
        }
        s_chip.tx_cmd_a = v;
        s_chip.tx_buf_len = v & 0x7FFu;
        s_chip.tx_buf_off = (v >> 16) & 0x1Fu;
        s_chip.tx_state = TX_WANT_B;
        break;
    }
    case TX_WANT_B: {
        uint16_t tag = (uint16_t)(v >> 16);
        uint32_t len = v & 0x7FFu;
        if ((v & 0x0000F800u) != 0u) {
            fail_msg("lan9118 fake: command B sets bits the driver should not (0x%08x)", v);
        }
        if ((s_chip.tx_cmd_a & LAN9118_TXA_FIRST) != 0u) {
            s_chip.tx_pkt_tag = tag;
            s_chip.tx_pkt_len = len;
            s_chip.tx_cur.tag = tag;
        } else if (tag != s_chip.tx_pkt_tag || len != s_chip.tx_pkt_len) {
            /* 3.12.2.2: command B is the same for every buffer of a packet. */
            fail_msg("lan9118 fake: command B differs between buffers of one packet");
        }
        s_chip.tx_cur.bufs++;
        s_chip.tx_buf_words = (s_chip.tx_buf_off + s_chip.tx_buf_len + 3u) / 4u;
        s_chip.tx_buf_taken = 0;
        s_chip.tx_buf_index = 0;
        if (s_chip.tx_cur.len + s_chip.tx_buf_len > FAKE_LAN9118_TX_MAX) {
            fail_msg("lan9118 fake: TX packet too long");
        }
        s_chip.tx_state = TX_DATA;
        if (s_chip.tx_buf_words == 0u) {
            tx_buffer_end();
        }
        break;
    }
    case TX_DATA: {
        /* Little-endian byte lanes; the first word starts at the offset. */
        uint32_t start = s_chip.tx_buf_index == 0u ? s_chip.tx_buf_off : 0u;
        for (uint32_t b = start; b < 4u && s_chip.tx_buf_taken < s_chip.tx_buf_len; b++) {
            s_chip.tx_cur.data[s_chip.tx_cur.len++] = (uint8_t)(v >> (8u * b));
            s_chip.tx_buf_taken++;
        }
        s_chip.tx_buf_index++;
        if (--s_chip.tx_buf_words == 0u) {
            tx_buffer_end();
        }
        break;
    }
    }
}

/* ---- MAC CSRs and PHY --------------------------------------------------- */

static uint32_t phy_read(uint32_t phy, uint32_t reg)
{
    if (phy != LAN9118_PHY_ADDR) {
        return 0xFFFFu;  /* nobody drives MDIO */
    }
    switch (reg) {
    case 0: return 0x3000u;  /* BCR: auto-negotiation enabled */
    case LAN9118_PHY_BSR: return 0x7809u | (s_chip.link ? LAN9118_PHY_BSR_LINK : 0u);
    case 2: return 0x0007u;
    case 3: return 0xC0C3u;
    default: return 0;
    }
}

static uint32_t csr_read(uint32_t idx)
{
    switch (idx) {
    case LAN9118_MAC_CR:
    case LAN9118_MAC_ADDRH:
    case LAN9118_MAC_ADDRL:
    case LAN9118_MAC_MII_DATA:
        if (idx == LAN9118_MAC_MII_DATA && s_chip.mii_busy != 0u) {
            fail_msg("lan9118 fake: MII_DATA read while MII busy");
        }
        return s_chip.csr[idx];
    case LAN9118_MAC_MII_ACC: {
        uint32_t v = s_chip.csr[idx] & ~LAN9118_MII_BUSY;
        if (s_chip.mii_busy != 0u) {
            s_chip.mii_busy--;
            v |= LAN9118_MII_BUSY;
        }
        return v;
    }
    default:
        fail_msg("lan9118 fake: MAC CSR %u not modelled", (unsigned)idx);
        return 0;
    }
}

static void csr_write(uint32_t idx, uint32_t v)
{
    switch (idx) {
    case LAN9118_MAC_CR:
    case LAN9118_MAC_ADDRH:
    case LAN9118_MAC_ADDRL:
        s_chip.csr[idx] = v;
        break;
    case LAN9118_MAC_MII_DATA:
        if (s_chip.mii_busy != 0u) {
            fail_msg("lan9118 fake: MII_DATA written while MII busy");
        }
        s_chip.csr[idx] = v & 0xFFFFu;
        break;
    case LAN9118_MAC_MII_ACC:
        if (s_chip.mii_busy != 0u) {
            fail_msg("lan9118 fake: MII_ACC written while MII busy");
        }
        s_chip.csr[idx] = v & ~LAN9118_MII_BUSY;
        if ((v & LAN9118_MII_BUSY) != 0u) {
            uint32_t phy = (v >> 11) & 0x1Fu;
            uint32_t reg = (v >> 6) & 0x1Fu;
            if ((v & LAN9118_MII_WRITE) == 0u) {
                s_chip.csr[LAN9118_MAC_MII_DATA] = phy_read(phy, reg);
            }
            s_chip.mii_busy = FAKE_BUSY_READS;
        }
        break;
    default:
        fail_msg("lan9118 fake: MAC CSR %u not modelled", (unsigned)idx);
    }
    s_chip.csr_writes[idx]++;
}

uint32_t fake_lan9118_mac_csr(uint32_t idx)
{
    assert_true(idx < 16u);
    return s_chip.csr[idx];
}

unsigned fake_lan9118_mac_csr_writes(uint32_t idx)
{
    assert_true(idx < 16u);
    return s_chip.csr_writes[idx];
}

static void csr_cmd_write(uint32_t v)
{
    if (s_chip.csr_busy != 0u) {
        fail_msg("lan9118 fake: MAC_CSR_CMD written while busy");
    }
    if ((v & LAN9118_MAC_CSR_BUSY) == 0u) {
        fail_msg("lan9118 fake: MAC_CSR_CMD written without CSR busy (starts nothing)");
    }
    uint32_t idx = v & 0xFFu;
    if ((v & LAN9118_MAC_CSR_READ) != 0u) {
        s_chip.csr_data = csr_read(idx);
    } else {
        csr_write(idx, s_chip.csr_data);
    }
    s_chip.csr_cmd = v & ~LAN9118_MAC_CSR_BUSY;
    s_chip.csr_busy = FAKE_BUSY_READS;
}

static uint32_t csr_cmd_read(void)
{
    uint32_t v = s_chip.csr_cmd;
    if (s_chip.csr_stuck) {
        return v | LAN9118_MAC_CSR_BUSY;
    }
    if (s_chip.csr_busy != 0u) {
        s_chip.csr_busy--;
        v |= LAN9118_MAC_CSR_BUSY;
    }
    return v;
}

/* ---- Register file ------------------------------------------------------ */

uint32_t fake_lan9118_reg(uint32_t off)
{
    switch (off) {
    case LAN9118_IRQ_CFG: return s_chip.irq_cfg;
    case LAN9118_INT_STS: return s_chip.int_sts;
    case LAN9118_INT_EN: return s_chip.int_en;
    case LAN9118_FIFO_INT: return s_chip.fifo_int;
    case LAN9118_RX_CFG: return s_chip.rx_cfg;
    case LAN9118_TX_CFG: return s_chip.tx_cfg;
    case LAN9118_HW_CFG: return s_chip.hw_cfg;
    default:
        fail_msg("lan9118 fake: no plain register at 0x%02x", (unsigned)off);
        return 0;
    }
}

bool fake_lan9118_irq_line(void)
{
    return (s_chip.irq_cfg & LAN9118_IRQ_CFG_IRQ_EN) != 0u &&
           (s_chip.int_sts & s_chip.int_en) != 0u;
}

unsigned long fake_lan9118_reads(void) { return s_chip.reads; }

static bool chip_ready(void)
{
    return !s_chip.never_ready && s_chip.srst_reads == 0u && s_chip.ready_reads == 0u;
}

/* Before READY the host may only read BYTE_TEST and PMT_CTRL (3.11), and
 * HW_CFG to see a soft reset complete (Linux smsc911x polls it too). */
static void check_ready(uint32_t off, bool write)
{
    if (chip_ready()) {
        return;
    }
    bool ok = !write && (off == LAN9118_BYTE_TEST || off == LAN9118_PMT_CTRL ||
                         off == LAN9118_HW_CFG);
    if (!ok) {
        fail_msg("lan9118 fake: register 0x%02x %s before PMT_CTRL.READY", (unsigned)off,
                 write ? "written" : "read");
    }
}

uint32_t lan9118_fake_read(uintptr_t base, uint32_t off)
{
    if (base != FAKE_LAN9118_BASE) {
        fail_msg("lan9118 fake: read at base 0x%lx", (unsigned long)base);
    }
    s_chip.reads++;
    if (++s_chip.reads_since_write > FAKE_HANG_READS) {
        fail_msg("lan9118 fake: %lu reads without a write: unbounded poll",
                 s_chip.reads_since_write);
    }
    check_ready(off, false);
    switch (off) {
    case LAN9118_RX_DATA_FIFO:
        return rx_data_pop();
    case LAN9118_RX_STATUS_FIFO:
        return rx_status_pop();
    case LAN9118_BYTE_TEST:
        return s_chip.byte_test;
    case LAN9118_IRQ_CFG:
    case LAN9118_INT_STS:
    case LAN9118_INT_EN:
    case LAN9118_FIFO_INT:
    case LAN9118_RX_CFG:
    case LAN9118_TX_CFG:
        return fake_lan9118_reg(off);
    case LAN9118_HW_CFG:
        if (s_chip.srst_stuck) {
            return s_chip.hw_cfg | LAN9118_HW_CFG_SRST;
        }
        if (s_chip.srst_reads != 0u) {
            s_chip.srst_reads--;
            return s_chip.hw_cfg | LAN9118_HW_CFG_SRST;
        }
        return s_chip.hw_cfg;
    case LAN9118_PMT_CTRL:
        if (s_chip.never_ready || s_chip.srst_stuck || s_chip.srst_reads != 0u) {
            return 0;
        }
        if (s_chip.ready_reads != 0u) {
            s_chip.ready_reads--;
            return 0;
        }
        return LAN9118_PMT_CTRL_READY;
    case LAN9118_RX_FIFO_INF:
        return (rx_status_used() << 16) | (rx_data_words_used() * 4u);
    case LAN9118_TX_FIFO_INF:
        return (s_chip.tdfree - s_chip.tx_fifo_bytes) & 0xFFFFu;
    case LAN9118_RX_DROP: {
        uint32_t v = s_chip.rx_drop;  /* clear on read (5.3.17) */
        s_chip.rx_drop = 0;
        return v;
    }
    case LAN9118_MAC_CSR_CMD:
        return csr_cmd_read();
    case LAN9118_MAC_CSR_DATA:
        if (s_chip.csr_busy != 0u || s_chip.csr_stuck) {
            fail_msg("lan9118 fake: MAC_CSR_DATA read while CSR busy");
        }
        return s_chip.csr_data;
    default:
        fail_msg("lan9118 fake: read of unmodelled register 0x%02x", (unsigned)off);
        return 0;
    }
}

void lan9118_fake_write(uintptr_t base, uint32_t off, uint32_t val)
{
    if (base != FAKE_LAN9118_BASE) {
        fail_msg("lan9118 fake: write at base 0x%lx", (unsigned long)base);
    }
    s_chip.reads_since_write = 0;
    check_ready(off, true);
    switch (off) {
    case LAN9118_TX_DATA_FIFO:
        tx_write(val);
        break;
    case LAN9118_IRQ_CFG:
        s_chip.irq_cfg = val;
        break;
    case LAN9118_INT_STS:
        s_chip.int_sts &= ~val;  /* write one to clear */
        rx_update_rsfl();
        break;
    case LAN9118_INT_EN:
        s_chip.int_en = val;
        if (val != 0u && s_chip.rearm_armed) {
            s_chip.rearm_armed = false;
            (void)fake_lan9118_rx_push(s_chip.rearm_frame, s_chip.rearm_len, false);
        }
        break;
    case LAN9118_FIFO_INT:
        s_chip.fifo_int = val;
        break;
    case LAN9118_RX_CFG:
        s_chip.rx_cfg = val;
        break;
    case LAN9118_TX_CFG:
        s_chip.tx_cfg = val;
        break;
    case LAN9118_HW_CFG:
        if ((val & LAN9118_HW_CFG_SRST) != 0u) {
            chip_soft_reset();
            s_chip.srst_reads = FAKE_BUSY_READS;
        } else if ((val & LAN9118_HW_CFG_MBO) == 0u) {
            fail_msg("lan9118 fake: HW_CFG written with bit 20 (must be one) clear");
        } else {
            s_chip.hw_cfg = val;
        }
        break;
    case LAN9118_MAC_CSR_CMD:
        csr_cmd_write(val);
        break;
    case LAN9118_MAC_CSR_DATA:
        if (s_chip.csr_busy != 0u || s_chip.csr_stuck) {
            fail_msg("lan9118 fake: MAC_CSR_DATA written while CSR busy");
        }
        s_chip.csr_data = val;
        break;
    default:
        fail_msg("lan9118 fake: write of unmodelled register 0x%02x", (unsigned)off);
    }
}
