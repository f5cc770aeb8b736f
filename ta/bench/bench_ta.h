/* Commands of the benchmark TA, shared by the TA and `edgetee bench`. */
#ifndef BENCH_TA_H
#define BENCH_TA_H

#define BENCH_TA_UUID                                                                    \
	{                                                                                \
		0x6e0e1f51, 0x5d3c, 0x4a8e,                                              \
		{                                                                        \
			0x9b, 0x1e, 0x3f, 0x21, 0x70, 0x0c, 0xbe, 0x01                   \
		}                                                                        \
	}
#define BENCH_TA_UUID_STR "6e0e1f51-5d3c-4a8e-9b1e-3f21700cbe01"

#define BENCH_CMD_NULL	 0 /* no parameters, no work */
#define BENCH_CMD_VALUE	 1 /* VALUE_INOUT: a += 1 */
#define BENCH_CMD_MEMREF 2 /* MEMREF_INOUT: touch first and last byte */

#endif
