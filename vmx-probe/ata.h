/*
 * ata.h -- PIO reads from the primary ATA master (the batch disk under Bochs).
 */
#ifndef VMXP_ATA_H
#define VMXP_ATA_H

#include <stdbool.h>
#include <stdint.h>

/* Whether a drive answers on the primary channel. */
bool ata_present(void);
/* Reads count 512-byte sectors from lba into dst. */
bool ata_read(uint32_t lba, uint32_t count, void *dst);

#endif /* VMXP_ATA_H */
