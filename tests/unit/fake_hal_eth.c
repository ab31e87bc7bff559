/* hal_eth.h implemented over queues in RAM, for tests of its callers. */
#include "fake_hal_eth.h"

#include <setjmp.h>
#include <stdarg.h>
#include <string.h>

#include <cmocka.h>

#include "app_err.h"

struct rx_frame {
    uint8_t data[HAL_ETH_MAX_FRAME];
    size_t len;
};

static struct {
    uint8_t mac[HAL_ETH_ADDR_LEN];
    int init_err;
    unsigned init_calls;
    struct hal_eth_cfg cfg;
    bool up;
    bool link;
    unsigned send_busy;
    int send_err;
    int rx_read_err;
    struct rx_frame rx[FAKE_HAL_ETH_RX_MAX];
    size_t rx_head;
    size_t rx_count;
    bool rx_pending;      /* hal_eth_rx_next() reported the head frame */
    unsigned rx_repeats;  /* rx_next() calls reporting the same pending frame */
    unsigned rx_discards;
    unsigned send_calls;
    struct fake_hal_eth_tx tx[FAKE_HAL_ETH_TX_MAX];
    size_t tx_count;
    bool event;
    struct hal_eth_stats stats;
} s_eth;

void fake_hal_eth_reset(void)
{
    static const uint8_t mac[HAL_ETH_ADDR_LEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    memset(&s_eth, 0, sizeof(s_eth));
    memcpy(s_eth.mac, mac, sizeof(mac));
}

void fake_hal_eth_set_mac(const uint8_t mac[HAL_ETH_ADDR_LEN])
{
    memcpy(s_eth.mac, mac, HAL_ETH_ADDR_LEN);
}

void fake_hal_eth_set_init_err(int err) { s_eth.init_err = err; }
void fake_hal_eth_set_link(bool up) { s_eth.link = up; }
void fake_hal_eth_set_send_busy(unsigned n) { s_eth.send_busy = n; }
void fake_hal_eth_set_send_err(int err) { s_eth.send_err = err; }
void fake_hal_eth_set_rx_read_err(int err) { s_eth.rx_read_err = err; }

void fake_hal_eth_rx_push(const uint8_t *frame, size_t len)
{
    if (s_eth.rx_count == FAKE_HAL_ETH_RX_MAX || len > HAL_ETH_MAX_FRAME || len < 14u) {
        fail_msg("fake_hal_eth: bad push (queue full or length %zu)", len);
    }
    struct rx_frame *f = &s_eth.rx[(s_eth.rx_head + s_eth.rx_count) % FAKE_HAL_ETH_RX_MAX];
    memcpy(f->data, frame, len);
    f->len = len;
    s_eth.rx_count++;
    s_eth.event = true;
}

size_t fake_hal_eth_rx_pending(void) { return s_eth.rx_count; }
unsigned fake_hal_eth_rx_discards(void) { return s_eth.rx_discards; }
unsigned fake_hal_eth_init_calls(void) { return s_eth.init_calls; }
struct hal_eth_cfg fake_hal_eth_last_cfg(void) { return s_eth.cfg; }
unsigned fake_hal_eth_send_calls(void) { return s_eth.send_calls; }
size_t fake_hal_eth_tx_count(void) { return s_eth.tx_count; }

const struct fake_hal_eth_tx *fake_hal_eth_tx_get(size_t i)
{
    assert_true(i < s_eth.tx_count);
    return &s_eth.tx[i];
}

void fake_hal_eth_tx_clear(void)
{
    s_eth.tx_count = 0;
    s_eth.send_calls = 0;
}

/* ---- hal_eth.h ---------------------------------------------------------- */

int hal_eth_init(const struct hal_eth_cfg *cfg)
{
    s_eth.init_calls++;
    if (cfg == NULL) {
        fail_msg("fake_hal_eth: hal_eth_init(NULL)");
    }
    s_eth.cfg = *cfg;
    if (s_eth.init_err != APP_OK) {
        return s_eth.init_err;
    }
    if (cfg->rx_pad > 3u) {
        return APP_ERR_INVAL;
    }
    if (cfg->mac != NULL) {
        memcpy(s_eth.mac, cfg->mac, HAL_ETH_ADDR_LEN);
        s_eth.cfg.mac = NULL;  /* the caller's buffer may not outlive the call */
    }
    s_eth.up = true;
    return APP_OK;
}

static void require_up(const char *fn)
{
    if (!s_eth.up) {
        fail_msg("fake_hal_eth: %s() before a successful hal_eth_init()", fn);
    }
}

void hal_eth_mac_get(uint8_t mac[HAL_ETH_ADDR_LEN])
{
    require_up("hal_eth_mac_get");
    memcpy(mac, s_eth.mac, HAL_ETH_ADDR_LEN);
}

bool hal_eth_link_up(void)
{
    require_up("hal_eth_link_up");
    return s_eth.link;
}

int hal_eth_send(const struct hal_eth_seg *segs, size_t count)
{
    size_t total = 0;

    require_up("hal_eth_send");
    s_eth.send_calls++;
    if (segs == NULL || count == 0u || count > FAKE_HAL_ETH_SEGS_MAX) {
        s_eth.stats.tx_errors++;
        return APP_ERR_INVAL;
    }
    for (size_t i = 0; i < count; i++) {
        if (segs[i].data == NULL && segs[i].len != 0u) {
            fail_msg("fake_hal_eth: segment %zu has no data", i);
        }
        total += segs[i].len;
    }
    if (total == 0u || total > HAL_ETH_MAX_FRAME) {
        s_eth.stats.tx_errors++;
        return APP_ERR_INVAL;
    }
    if (s_eth.send_err != APP_OK) {
        return s_eth.send_err;
    }
    if (s_eth.send_busy != 0u) {
        s_eth.send_busy--;
        s_eth.stats.tx_busy++;
        return APP_ERR_BUSY;
    }
    if (s_eth.tx_count == FAKE_HAL_ETH_TX_MAX) {
        fail_msg("fake_hal_eth: more sent frames than the fake records");
    }
    struct fake_hal_eth_tx *t = &s_eth.tx[s_eth.tx_count++];
    t->len = 0;
    t->nsegs = count;
    for (size_t i = 0; i < count; i++) {
        memcpy(t->data + t->len, segs[i].data, segs[i].len);
        t->len += segs[i].len;
        t->seg_len[i] = segs[i].len;
        t->seg_addr[i] = (uintptr_t)segs[i].data;
    }
    s_eth.stats.tx_frames++;
    s_eth.stats.tx_bytes += (uint32_t)total;
    return APP_OK;
}

int hal_eth_rx_next(void)
{
    require_up("hal_eth_rx_next");
    if (s_eth.rx_count == 0u) {
        return 0;
    }
    /* A caller that neither reads nor discards would spin here forever. */
    if (s_eth.rx_pending && ++s_eth.rx_repeats > 100u) {
        fail_msg("fake_hal_eth: rx_next() keeps returning one frame nobody reads or discards");
    }
    s_eth.rx_pending = true;
    return (int)s_eth.rx[s_eth.rx_head].len;
}

static void rx_drop_head(void)
{
    s_eth.rx_head = (s_eth.rx_head + 1u) % FAKE_HAL_ETH_RX_MAX;
    s_eth.rx_count--;
    s_eth.rx_pending = false;
    s_eth.rx_repeats = 0;
}

size_t hal_eth_rx_size(size_t len)
{
    return s_eth.cfg.rx_pad + len;
}

int hal_eth_rx_read(void *buf, size_t cap)
{
    require_up("hal_eth_rx_read");
    if (!s_eth.rx_pending) {
        return APP_ERR_STATE;
    }
    if (buf == NULL || ((uintptr_t)buf & 3u) != 0u) {
        fail_msg("fake_hal_eth: rx_read buffer %p not 4-byte aligned", buf);
    }
    const struct rx_frame *f = &s_eth.rx[s_eth.rx_head];
    if (s_eth.rx_read_err != APP_OK) {
        int err = s_eth.rx_read_err;
        s_eth.rx_read_err = APP_OK;
        rx_drop_head();
        s_eth.stats.rx_discarded++;
        return err;
    }
    if (cap < hal_eth_rx_size(f->len)) {
        rx_drop_head();
        s_eth.stats.rx_discarded++;
        return APP_ERR_OVERFLOW;
    }
    uint8_t *p = buf;
    memset(p, FAKE_HAL_ETH_PAD_BYTE, s_eth.cfg.rx_pad);
    memcpy(p + s_eth.cfg.rx_pad, f->data, f->len);
    int len = (int)f->len;
    rx_drop_head();
    s_eth.stats.rx_frames++;
    s_eth.stats.rx_bytes += (uint32_t)len;
    return len;
}

void hal_eth_rx_discard(void)
{
    require_up("hal_eth_rx_discard");
    if (s_eth.rx_pending) {
        rx_drop_head();
        s_eth.rx_discards++;
        s_eth.stats.rx_discarded++;
    }
}

bool hal_eth_event(void)
{
    bool ev = s_eth.event;
    s_eth.event = false;
    return ev;
}

void hal_eth_stats_get(struct hal_eth_stats *out)
{
    *out = s_eth.stats;
}
