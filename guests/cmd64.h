/* The command list of guests/cmd64.S, shared with its tests (C and assembler). */
#define CMD64_BASE	0x60000		/* the list: 32 bytes per command */
#define CMD64_DATA	0x61000		/* data the commands load and store */
#define CMD64_MAX	120

#define CMD_END		0
#define CMD_CPUID	1	/* a = leaf, b = subleaf: reports EAX, EBX, ECX, EDX */
#define CMD_RDMSR	2	/* a = MSR: reports EAX, EDX */
#define CMD_WRMSR	3	/* a = MSR, b = value */
#define CMD_XSETBV	4	/* a = XCR, b = value */
#define CMD_XGETBV	5	/* a = XCR: reports EAX, EDX */
#define CMD_CR4_OR	6	/* b = CR4 bits to set */
#define CMD_LOAD_XMM	7	/* XMM0-7 from guest-physical b */
#define CMD_STORE_XMM	8	/* XMM0-7 to b */
#define CMD_LOAD_YMM0	9	/* YMM0 from b */
#define CMD_STORE_YMM0	10	/* YMM0 to b */
#define CMD_FLDPI	11	/* x87 push pi */
#define CMD_HLT		12	/* HLT, then the next command */
#define CMD_RDTSC	13	/* reports EAX, EDX of RDTSC */
