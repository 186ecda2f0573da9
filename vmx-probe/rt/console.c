/*
 * console.c -- output on port 0xE9 and/or COM1, and the exit path.
 */
#include "rt.h"

#define COM1 0x3f8

static unsigned con_channels;

void con_init(unsigned channels)
{
	con_channels = channels;
	if (channels & CON_SERIAL) {
		outb(COM1 + 1, 0x00); /* no interrupts */
		outb(COM1 + 3, 0x80); /* DLAB */
		outb(COM1 + 0, 0x01); /* 115200 baud */
		outb(COM1 + 1, 0x00);
		outb(COM1 + 3, 0x03); /* 8N1 */
		outb(COM1 + 2, 0xc7); /* FIFO on, cleared */
		outb(COM1 + 4, 0x03); /* DTR, RTS */
	}
}

static void serial_putc(char c)
{
	for (unsigned spin = 0; spin < 100000 && !(inb(COM1 + 5) & 0x20); spin++)
		;
	outb(COM1, (uint8_t)c);
}

void con_putc(char c)
{
	if (con_channels & CON_E9)
		outb(0xe9, (uint8_t)c);
	if (con_channels & CON_SERIAL) {
		if (c == '\n')
			serial_putc('\r');
		serial_putc(c);
	}
}

void con_write(const char *s, size_t n)
{
	if (con_channels == CON_E9) {
		/* rep outsb: one emulated instruction per line under Bochs */
		__asm__ volatile("rep outsb" : "+S"(s), "+c"(n) : "d"(0xe9) : "memory");
		return;
	}
	for (size_t i = 0; i < n; i++)
		con_putc(s[i]);
}

void rt_exit(int code)
{
	static const char bochs_shutdown[] = "Shutdown";

	outl(0xf4, (uint32_t)code); /* QEMU isa-debug-exit: status (code << 1) | 1 */
	for (const char *p = bochs_shutdown; *p; p++)
		outb(0x8900, (uint8_t)*p); /* Bochs: ends the emulator */
	for (;;)
		__asm__ volatile("cli; hlt");
}
