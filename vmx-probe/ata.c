/*
 * ata.c -- reading the case batch from the primary ATA master with PIO (LBA28): how the batch
 * reaches the image under Bochs, where an optramimage holds at most 128 KiB.
 */
#include "ata.h"

#include "rt/rt.h"

#define ATA_DATA    0x1f0
#define ATA_COUNT   0x1f2
#define ATA_LBA0    0x1f3
#define ATA_LBA1    0x1f4
#define ATA_LBA2    0x1f5
#define ATA_DRIVE   0x1f6
#define ATA_STATUS  0x1f7
#define ATA_CONTROL 0x3f6

#define ST_ERR 0x01
#define ST_DRQ 0x08
#define ST_DF  0x20
#define ST_BSY 0x80

/* Waits until BSY clears (and DRQ sets when drq); false on error, fault or timeout. */
static bool ata_wait(bool drq)
{
	for (unsigned spin = 0; spin < 10000000; spin++) {
		uint8_t st = inb(ATA_STATUS);

		if (st == 0xff)
			return false;
		if (st & ST_BSY)
			continue;
		if (st & (ST_ERR | ST_DF))
			return false;
		if (!drq || (st & ST_DRQ))
			return true;
	}
	return false;
}

bool ata_present(void)
{
	uint8_t st;

	outb(ATA_CONTROL, 0x02); /* nIEN: no interrupts */
	outb(ATA_DRIVE, 0xe0);
	st = inb(ATA_STATUS);
	return st != 0x00 && st != 0xff && ata_wait(false);
}

bool ata_read(uint32_t lba, uint32_t count, void *dst)
{
	uint16_t *p = dst;

	while (count) {
		uint32_t n = count > 256 ? 256 : count;

		if (!ata_wait(false))
			return false;
		outb(ATA_DRIVE, (uint8_t)(0xe0 | ((lba >> 24) & 0x0f)));
		outb(ATA_COUNT, (uint8_t)(n & 0xff)); /* 0 = 256 */
		outb(ATA_LBA0, (uint8_t)lba);
		outb(ATA_LBA1, (uint8_t)(lba >> 8));
		outb(ATA_LBA2, (uint8_t)(lba >> 16));
		outb(ATA_STATUS, 0x20); /* READ SECTORS */
		for (uint32_t s = 0; s < n; s++) {
			size_t words = 256;

			if (!ata_wait(true))
				return false;
			__asm__ volatile("rep insw"
			                 : "+D"(p), "+c"(words)
			                 : "d"(ATA_DATA)
			                 : "memory");
		}
		lba += n;
		count -= n;
	}
	return true;
}
