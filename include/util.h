/*
 * edgetee: the small utility macros OP-TEE TAs get from <util.h> (array
 * size, min/max, rounding and alignment, bit masks, container_of, checked
 * arithmetic), under OP-TEE's names and with OP-TEE's semantics, so TAs
 * that include it build unchanged. GCC/Clang extensions (typeof, statement
 * expressions, __builtin_*_overflow) are used as in OP-TEE.
 *
 * Each macro is only defined if the name is still free, so a TA that
 * defines its own ARRAY_SIZE (say) before including this keeps it.
 */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Integer constants with a suffix (OP-TEE shares these with assembly) */
#ifndef U
#define U(v) v##U
#endif
#ifndef UL
#define UL(v) v##UL
#endif
#ifndef ULL
#define ULL(v) v##ULL
#endif

#ifndef SIZE_4K
#define SIZE_4K UINTPTR_C(0x1000)
#endif
#ifndef SIZE_1M
#define SIZE_1M UINTPTR_C(0x100000)
#endif
#ifndef SIZE_2M
#define SIZE_2M UINTPTR_C(0x200000)
#endif
#ifndef SIZE_4M
#define SIZE_4M UINTPTR_C(0x400000)
#endif
#ifndef SIZE_8M
#define SIZE_8M UINTPTR_C(0x800000)
#endif
#ifndef SIZE_2G
#define SIZE_2G UINTPTR_C(0x80000000)
#endif

/* Number of elements of an array (not of a pointer) */
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))
#endif

/* Larger / smaller of two values, each argument evaluated once */
#ifndef MAX
#define MAX(a, b)                                                                        \
	(__extension__({                                                                 \
		__typeof__(a) __util_max_a = (a);                                        \
		__typeof__(b) __util_max_b = (b);                                        \
		__util_max_a > __util_max_b ? __util_max_a : __util_max_b;               \
	}))
#endif
#ifndef MIN
#define MIN(a, b)                                                                        \
	(__extension__({                                                                 \
		__typeof__(a) __util_min_a = (a);                                        \
		__typeof__(b) __util_min_b = (b);                                        \
		__util_min_a < __util_min_b ? __util_min_a : __util_min_b;               \
	}))
#endif
/* Forms usable in constant expressions (arguments may be evaluated twice) */
#ifndef MAX_UNSAFE
#define MAX_UNSAFE(a, b) (((a) > (b)) ? (a) : (b))
#endif
#ifndef MIN_UNSAFE
#define MIN_UNSAFE(a, b) (((a) < (b)) ? (a) : (b))
#endif

/*
 * Rounding to a multiple of size, which must be a power of two (as in
 * OP-TEE); DIV_ROUND_UP takes any non-zero divisor.
 */
#ifndef ROUNDUP
#define ROUNDUP(v, size) (((v) + ((__typeof__(v))(size) - 1)) & ~((__typeof__(v))(size) - 1))
#endif
#ifndef ROUNDDOWN
#define ROUNDDOWN(v, size) ((v) & ~((__typeof__(v))(size) - 1))
#endif
/* Round v up into *res; true (and *res unspecified) if that overflows */
#ifndef ROUNDUP_OVERFLOW
#define ROUNDUP_OVERFLOW(v, size, res)                                                   \
	(__extension__({                                                                 \
		__typeof__(*(res)) __util_ru_tmp = 0;                                    \
		__typeof__(*(res)) __util_ru_mask = (__typeof__(*(res)))(size) - 1;      \
		ADD_OVERFLOW((v), __util_ru_mask, &__util_ru_tmp)                        \
			? 1                                                              \
			: ((void)(*(res) = __util_ru_tmp & ~__util_ru_mask), 0);         \
	}))
#endif
#ifndef DIV_ROUND_UP
#define DIV_ROUND_UP(x, y) (((x) + (y) - 1) / (y))
#endif

/* Alignment tests; a must be a power of two */
#ifndef IS_ALIGNED
#define IS_ALIGNED(x, a) (((x) & ((a) - 1)) == 0)
#endif
#ifndef IS_ALIGNED_WITH_TYPE
#define IS_ALIGNED_WITH_TYPE(x, type) IS_ALIGNED((uintptr_t)(x), __alignof__(type))
#endif

/* True for 1, 2, 4, 8, ... (and, as in OP-TEE, false for 0) */
#ifndef IS_POWER_OF_TWO
#define IS_POWER_OF_TWO(x) (((x) != 0) && (((x) & (~(x) + 1)) == (x)))
#endif

/* Single bits and contiguous masks */
#ifndef BIT32
#define BIT32(nr) (UINT32_C(1) << (nr))
#endif
#ifndef BIT64
#define BIT64(nr) (UINT64_C(1) << (nr))
#endif
#ifndef BIT
#define BIT(nr) BIT32(nr)
#endif
#ifndef SHIFT_U32
#define SHIFT_U32(v, shift) ((uint32_t)(v) << (shift))
#endif
#ifndef SHIFT_U64
#define SHIFT_U64(v, shift) ((uint64_t)(v) << (shift))
#endif
/* Bits h..l set (h >= l), e.g. GENMASK_32(7, 4) == 0xF0 */
#ifndef GENMASK_32
#define GENMASK_32(h, l) ((UINT32_C(0xffffffff) << (l)) & (UINT32_C(0xffffffff) >> (31 - (h))))
#endif
#ifndef GENMASK_64
#define GENMASK_64(h, l)                                                                 \
	((UINT64_C(0xffffffffffffffff) << (l)) & (UINT64_C(0xffffffffffffffff) >> (63 - (h))))
#endif

/* Structure that contains member, from a pointer to that member */
#ifndef container_of
#define container_of(ptr, type, member)                                                  \
	(__extension__({                                                                 \
		const __typeof__(((type *)0)->member) *__util_co_ptr = (ptr);            \
		(type *)(void *)((char *)__util_co_ptr - offsetof(type, member));        \
	}))
#endif

/*
 * Checked arithmetic: *res = a op b, and the result is true if the exact
 * value does not fit in *res (which then holds the wrapped value).
 */
#ifndef ADD_OVERFLOW
#define ADD_OVERFLOW(a, b, res) __builtin_add_overflow((a), (b), (res))
#endif
#ifndef SUB_OVERFLOW
#define SUB_OVERFLOW(a, b, res) __builtin_sub_overflow((a), (b), (res))
#endif
#ifndef MUL_OVERFLOW
#define MUL_OVERFLOW(a, b, res) __builtin_mul_overflow((a), (b), (res))
#endif

/* Stringify after macro expansion; paste two tokens after expansion */
#ifndef TO_STR
#define __TO_STR(x) #x
#define TO_STR(x)   __TO_STR(x)
#endif
#ifndef CONCAT
#define __CONCAT_TOKENS(a, b) a##b
#define CONCAT(a, b)          __CONCAT_TOKENS(a, b)
#endif

/* Split a 64-bit value into two 32-bit register halves and back */
static inline uint64_t reg_pair_to_64(uint32_t reg0, uint32_t reg1)
{
	return (uint64_t)reg0 << 32 | reg1;
}

static inline void reg_pair_from_64(uint64_t val, uint32_t *reg0, uint32_t *reg1)
{
	*reg0 = (uint32_t)(val >> 32);
	*reg1 = (uint32_t)val;
}

#endif /* UTIL_H */
