/* Ports through which test guests talk to the test's host side. */
#define PORT_CONSOLE	0xe9	/* one character per OUT */
#define PORT_REPORT	0x10	/* a 32-bit value */
#define PORT_IN		0x20	/* IN of any size; the host answers a pattern */
#define PORT_INS	0x21	/* INS data */
#define PORT_VECTOR	0x12	/* an exception handler reports its vector */
#define PORT_ERRCODE	0x13	/* ... and its error code */
#define PORT_DONE	0xf4	/* isa-debug-exit: the guest is done, value = status */
#define MMIO_BASE	0xd0000000
