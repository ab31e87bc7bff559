/* STM32F4 Ethernet MAC and DMA (Synopsys MAC 10/100) register map and DMA
 * descriptor layout. Offsets and bits from RM0090 rev 19, section 33.8
 * "Ethernet register descriptions" (MAC at the base, DMA at base + 0x1000)
 * and 33.6.7 / 33.6.8 (normal TX and RX descriptors, 16 bytes each). */
#ifndef STM32_ETH_REGS_H
#define STM32_ETH_REGS_H

#include <stdint.h>

/* Register access and the address the DMA sees for a RAM pointer. The
 * firmware reads and writes the registers and hands the DMA CPU
 * addresses; the host unit test defines STM32_ETH_FAKE_REGS and provides
 * the functions below, which model the MAC and its DMA engine (a 64-bit
 * host pointer does not fit a descriptor's 32-bit address field, so the
 * model hands out handles). */
#ifdef STM32_ETH_FAKE_REGS
uint32_t stm32_eth_fake_read(uintptr_t base, uint32_t off);
void stm32_eth_fake_write(uintptr_t base, uint32_t off, uint32_t val);
uint32_t stm32_eth_fake_dma_addr(const void *p);
void stm32_eth_fake_barrier(void); /* where a running DMA may look at the rings */
#define ETH_RD(base, off) stm32_eth_fake_read((base), (off))
#define ETH_WR(base, off, v) stm32_eth_fake_write((base), (off), (v))
#define ETH_DMA_ADDR(p) stm32_eth_fake_dma_addr(p)
#define ETH_DMB() stm32_eth_fake_barrier()
#define ETH_DSB() stm32_eth_fake_barrier()
#else
#define ETH_RD(base, off) (*(volatile uint32_t *)((base) + (off)))
#define ETH_WR(base, off, v) (*(volatile uint32_t *)((base) + (off)) = (v))
#define ETH_DMA_ADDR(p) ((uint32_t)(uintptr_t)(p))
/* The descriptor writes must be visible to the DMA before the OWN bit that
 * hands them over, and OWN before the poll demand that wakes the DMA
 * (ARMv7-M ARM A3.7.3; RM0090 33.6.7: the CPU sets OWN once the
 * descriptor is complete). */
#define ETH_DMB() __asm volatile("dmb" ::: "memory")
#define ETH_DSB() __asm volatile("dsb" ::: "memory")
#endif

/* MAC (RM0090 33.8.1). */
#define ETH_MACCR 0x0000u    /* configuration */
#define ETH_MACFFR 0x0004u   /* frame filter */
#define ETH_MACMIIAR 0x0010u /* MII address (MDIO command) */
#define ETH_MACMIIDR 0x0014u /* MII data */
#define ETH_MACFCR 0x0018u   /* flow control */
#define ETH_MACA0HR 0x0040u  /* MAC address 0, bytes 4..5 */
#define ETH_MACA0LR 0x0044u  /* MAC address 0, bytes 0..3 */
#define ETH_MMCRIMR 0x010Cu  /* MMC receive interrupt mask */
#define ETH_MMCTIMR 0x0110u  /* MMC transmit interrupt mask */
/* Every counter interrupt the MMC has (RM0090 33.8.2): RX CRC error,
 * alignment error, good unicast (RFCEM, RFAEM, RGUFM); TX good after one
 * and after several collisions, good (TGFSCM, TGFMSCM, TGFM). */
#define ETH_MMCRIMR_ALL ((1u << 5) | (1u << 6) | (1u << 17))
#define ETH_MMCTIMR_ALL ((1u << 14) | (1u << 15) | (1u << 21))

/* DMA (RM0090 33.8.3). */
#define ETH_DMABMR 0x1000u   /* bus mode */
#define ETH_DMATPDR 0x1004u  /* transmit poll demand */
#define ETH_DMARPDR 0x1008u  /* receive poll demand */
#define ETH_DMARDLAR 0x100Cu /* receive descriptor list address */
#define ETH_DMATDLAR 0x1010u /* transmit descriptor list address */
#define ETH_DMASR 0x1014u    /* status (write 1 to clear) */
#define ETH_DMAOMR 0x1018u   /* operation mode */
#define ETH_DMAIER 0x101Cu   /* interrupt enable */
#define ETH_DMAMFBOCR 0x1020u /* missed frame and buffer overflow counter (clears on read) */

/* MACCR bits. */
#define ETH_MACCR_RE (1u << 2)   /* receiver enable */
#define ETH_MACCR_TE (1u << 3)   /* transmitter enable */
#define ETH_MACCR_DM (1u << 11)  /* full duplex */
#define ETH_MACCR_FES (1u << 14) /* 100 Mbit/s */

/* MACMIIAR: PHY address 15:11, register 10:6, clock range 4:2, MW, MB. */
#define ETH_MII_PA(a) (((uint32_t)(a) & 0x1Fu) << 11)
#define ETH_MII_MR(r) (((uint32_t)(r) & 0x1Fu) << 6)
#define ETH_MII_CR(c) (((uint32_t)(c) & 0x7u) << 2)
#define ETH_MII_MW (1u << 1) /* write */
#define ETH_MII_MB (1u << 0) /* busy: set to start, cleared when done */

/* DMABMR bits. */
#define ETH_DMABMR_SR (1u << 0)            /* software reset; clears when done */
#define ETH_DMABMR_PBL(n) ((uint32_t)(n) << 8)
#define ETH_DMABMR_FB (1u << 16)           /* fixed burst */
#define ETH_DMABMR_RDP(n) ((uint32_t)(n) << 17)
#define ETH_DMABMR_USP (1u << 23)          /* RDP for RX, PBL for TX */
#define ETH_DMABMR_AAB (1u << 25)          /* address-aligned beats */

/* DMASR bits (write 1 to clear). */
#define ETH_DMASR_TS (1u << 0)    /* a frame was sent */
#define ETH_DMASR_TBUS (1u << 2)  /* TX buffer unavailable: TX suspended */
#define ETH_DMASR_ROS (1u << 4)   /* RX FIFO overflow */
#define ETH_DMASR_RS (1u << 6)    /* a frame was received */
#define ETH_DMASR_RBUS (1u << 7)  /* RX buffer unavailable: RX suspended */
#define ETH_DMASR_FBES (1u << 13) /* fatal bus error */
#define ETH_DMASR_AIS (1u << 15)  /* abnormal summary */
#define ETH_DMASR_NIS (1u << 16)  /* normal summary */
#define ETH_DMASR_CLEAR 0x0001E7FFu /* every write-1-to-clear bit */

/* DMAOMR bits. */
#define ETH_DMAOMR_SR (1u << 1)   /* start RX */
#define ETH_DMAOMR_ST (1u << 13)  /* start TX */
#define ETH_DMAOMR_FTF (1u << 20) /* flush the TX FIFO; clears when done */
#define ETH_DMAOMR_TSF (1u << 21) /* TX store and forward */
#define ETH_DMAOMR_RSF (1u << 25) /* RX store and forward */

/* DMAIER bits (same positions as DMASR). */
#define ETH_DMAIER_RIE (1u << 6)
#define ETH_DMAIER_RBUIE (1u << 7)
#define ETH_DMAIER_FBEIE (1u << 13)
#define ETH_DMAIER_AISE (1u << 15)
#define ETH_DMAIER_NISE (1u << 16)

/* DMAMFBOCR: frames missed by the controller (no descriptor) 15:0, and by
 * the application (FIFO overflow) 27:17. */
#define ETH_MFBOCR_MFC(v) ((v) & 0xFFFFu)
#define ETH_MFBOCR_MFA(v) (((v) >> 17) & 0x7FFu)

/* A normal DMA descriptor (RM0090 33.6.7, 33.6.8). Ring mode: the next
 * descriptor follows this one (DMABMR.DSL 0); the last has TER/RER. */
struct stm32_eth_desc {
    volatile uint32_t des0; /* OWN and status / control */
    volatile uint32_t des1; /* buffer sizes (and RX control) */
    volatile uint32_t des2; /* buffer 1 address */
    volatile uint32_t des3; /* buffer 2 address (unused in ring mode) */
};

#define ETH_DES0_OWN (1u << 31) /* the DMA owns the descriptor */

/* TDES0. */
#define ETH_TDES0_IC (1u << 30)  /* interrupt on completion */
#define ETH_TDES0_LS (1u << 29)  /* last segment of the frame */
#define ETH_TDES0_FS (1u << 28)  /* first segment of the frame */
#define ETH_TDES0_TER (1u << 21) /* transmit end of ring */
#define ETH_TDES0_ES (1u << 15)  /* error summary (written back) */
/* TDES1: buffer 1 size in 12:0. */
#define ETH_TDES1_TBS1(n) ((uint32_t)(n) & 0x1FFFu)

/* RDES0 (written back by the DMA). */
#define ETH_RDES0_FL(v) (((v) >> 16) & 0x3FFFu) /* frame length with the FCS, in the last descriptor */
#define ETH_RDES0_ES (1u << 15)  /* error summary: CRC, receive, watchdog, late collision, overflow, truncation */
#define ETH_RDES0_DE (1u << 14)  /* descriptor error: truncated, no next descriptor */
#define ETH_RDES0_FS (1u << 9)   /* first descriptor of the frame */
#define ETH_RDES0_LS (1u << 8)   /* last descriptor of the frame */
/* RDES1: RER, buffer 1 size in 12:0. */
#define ETH_RDES1_RER (1u << 15) /* receive end of ring */
#define ETH_RDES1_RBS1(n) ((uint32_t)(n) & 0x1FFFu)

/* IEEE 802.3 clause 22 PHY registers (22.2.4). */
#define ETH_PHY_BMCR 0u
#define ETH_PHY_BMSR 1u
#define ETH_PHY_ANAR 4u
#define ETH_PHY_ANLPAR 5u
#define ETH_BMCR_RESET (1u << 15)
#define ETH_BMCR_ANEN (1u << 12)
#define ETH_BMCR_ANRESTART (1u << 9)
#define ETH_BMSR_ANDONE (1u << 5)
#define ETH_BMSR_LINK (1u << 2)
#define ETH_AN_100FD (1u << 8)
#define ETH_AN_100HD (1u << 7)
#define ETH_AN_10FD (1u << 6)

#define ETH_FCS_LEN 4u
#define ETH_HDR_LEN 14u

#endif
