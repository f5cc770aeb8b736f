/* The cold-start benchmark TA: UUID and commands, shared with `edgetee bench`. */
#ifndef BENCH_COLD_TA_H
#define BENCH_COLD_TA_H

#define BENCH_COLD_TA_UUID                                                               \
	{                                                                                \
		0x0d6b9e26, 0x22be, 0x49bb,                                              \
		{                                                                        \
			0xb7, 0x5d, 0x01, 0x3c, 0xa9, 0xe4, 0x21, 0x39                   \
		}                                                                        \
	}
#define BENCH_COLD_TA_UUID_STR "0d6b9e26-22be-49bb-b75d-013ca9e42139"

/* VALUE_OUTPUT: a = sessions this process has opened so far. The benchmark
 * checks it is 1, i.e. that every OpenSession really started a process. */
#define BENCH_COLD_CMD_OPENS 0

#endif
