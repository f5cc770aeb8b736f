/*
 * Fault-containment test TAs (tests/ta/fault_ta, tests/ta/fault_ta_si) and
 * the commands tests/faults/test_faults.c and test_security.c send them.
 * fault_ta misbehaves on request (crashes, forbidden syscalls, runaway
 * loops, heap exhaustion) so the tests can check that the damage stays
 * inside its own TA process; fault_ta_si is a well-behaved single-instance
 * bystander that counts how often TA_CloseSessionEntryPoint ran.
 */
#ifndef FAULT_TA_H
#define FAULT_TA_H

/* clang-format off */
/* Multi-instance: every session is its own TA process. */
#define FAULT_TA_UUID \
	{ 0x14c08e15, 0x340b, 0x41c4, { 0x96, 0x85, 0xff, 0x84, 0x74, 0x42, 0xc6, 0x1f } }
#define FAULT_TA_UUID_STR "14c08e15-340b-41c4-9685-ff847442c61f"
#define FAULT_TA_DATA_SIZE (256 * 1024)

/* Single instance, multi session, keep alive. */
#define FAULT_TA_SI_UUID \
	{ 0xced67c31, 0x0b9d, 0x4b0d, { 0x82, 0x33, 0x7e, 0xca, 0x50, 0x9d, 0x9e, 0x25 } }
#define FAULT_TA_SI_UUID_STR "ced67c31-0b9d-4b0d-8233-7eca509d9e25"

/* Both TAs. */
#define FAULT_CMD_PING              0  /* VALUE_INOUT: a += 1 */

/* fault_ta only. */
#define FAULT_CMD_SEGFAULT          1  /* store through a NULL pointer */
#define FAULT_CMD_ABORT             2  /* abort() */
#define FAULT_CMD_PANIC             3  /* TEE_Panic(0xBAD) */
#define FAULT_CMD_HEAP_EXHAUST      4  /* VALUE_OUTPUT a = 64 KiB blocks allocated */
#define FAULT_CMD_HEAP_OVER         5  /* TEE_Malloc(TA_DATA_SIZE + 1): OOM if NULL */
#define FAULT_CMD_FORBIDDEN_SYSCALL 6  /* open("/etc/passwd") */
#define FAULT_CMD_FORBIDDEN_SOCKET  7  /* socket(AF_INET, SOCK_STREAM, 0) */
#define FAULT_CMD_FORBIDDEN_EXEC    8  /* execve("/bin/true") */
#define FAULT_CMD_LOOP_FOREVER      9  /* spins, never looks at cancellation */
#define FAULT_CMD_WAIT_CANCELLABLE  10 /* unmask, TEE_Wait(infinite) */
#define FAULT_CMD_CHECK_PARAMS      11 /* BAD_PARAMETERS unless VALUE_INPUT only */
#define FAULT_CMD_SLEEP_MS          12 /* VALUE_INPUT: TEE_Wait(a) */

/* fault_ta_si only. */
#define FAULT_SI_CMD_CLOSE_COUNT    20 /* VALUE_OUTPUT a = close entry point calls */
/* clang-format on */

#endif
