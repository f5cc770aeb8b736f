#!/usr/bin/env bash
# OP-TEE source compatibility test: builds every tree under examples/ the
# way an OP-TEE user would (plain make with TA_DEV_KIT_DIR and TEEC_EXPORT
# pointing at build/export), checks `make clean`, starts a private edgetee
# instance and runs every example's client application against it. Also
# builds the hello_world client with CMake (find_package(teec)) and with
# pkg-config. Ends with "N passed, M failed"; exit status 0 only if M is 0.
#
# usage: run_examples.sh [BIN_DIR BUILD_DIR SOURCE_DIR]
#   (defaults: $EDGETEE_BIN_DIR, $EDGETEE_BUILD_DIR, $EDGETEE_SOURCE_DIR)
set -euo pipefail

BIN=${1:-${EDGETEE_BIN_DIR:?set EDGETEE_BIN_DIR or pass BIN_DIR}}
BUILD=${2:-${EDGETEE_BUILD_DIR:?set EDGETEE_BUILD_DIR or pass BUILD_DIR}}
SRC=${3:-${EDGETEE_SOURCE_DIR:?set EDGETEE_SOURCE_DIR or pass SOURCE_DIR}}
TADK=$BUILD/export/ta_dev_kit
TEEC_EXPORT=$BUILD/export/client

# Build as a user at a shell would: nothing inherited from an outer make.
unset MAKEFLAGS MFLAGS MAKELEVEL O

passed=0
failed=0
pass() {
	passed=$((passed + 1))
	echo "PASS: $*"
}
fail() {
	failed=$((failed + 1))
	echo "FAIL: $*"
}
# check DESCRIPTION COMMAND...: one test case, passes if COMMAND succeeds.
check() {
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}
finish() {
	echo "$passed passed, $failed failed"
	if [ "$failed" -eq 0 ]; then exit 0; fi
	exit 1
}

for f in "$TADK/mk/ta_dev_kit.mk" "$TADK/lib/libutee.a" "$TEEC_EXPORT/lib/libteec.so" \
	"$BIN/edgetee"; do
	if [ ! -e "$f" ]; then
		fail "missing $f (build the 'export' target first)"
		finish
	fi
done

# Short path: the instance's socket lives under it (sun_path is 108 bytes).
tmp=$(mktemp -d /tmp/et-optee.XXXXXX)
inst=$tmp/inst
up=0
cleanup() {
	if [ "$up" = 1 ]; then
		"$BIN/edgetee" down --dir "$inst" >/dev/null 2>&1 || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# Work on a copy: the source tree stays clean.
cp -r "$SRC/examples" "$tmp/examples"
ex_root=$tmp/examples
examples=()
for d in "$ex_root"/*/; do
	[ -f "$d/ta/Makefile" ] && examples+=("$(basename "$d")")
done
echo "examples: ${examples[*]}"

ta_uuid() {
	sed -n 's/^[[:space:]]*BINARY[[:space:]]*=[[:space:]]*\([0-9a-fA-F-]*\).*/\1/p' \
		"$ex_root/$1/ta/Makefile"
}
# quietly COMMAND...: run COMMAND with its output thrown away.
quietly() {
	"$@" >/dev/null 2>&1
}
no_warnings() {
	if grep -i 'warning' "$1"; then return 1; fi
	return 0
}

# TEE_GenerateRandom comes with the crypto implementation; until libutee
# has it, the random example is built but not run.
have_random=1
utee_syms=$(nm "$TADK/lib/libutee.a" 2>/dev/null || true)
if ! grep -q ' T TEE_GenerateRandom$' <<<"$utee_syms"; then
	have_random=0
	echo "NOTE: libutee.a has no TEE_GenerateRandom yet; the random example is not run"
fi
# Likewise GP Trusted Storage for the secure_storage example: its TA links
# (a TA's undefined symbols are resolved when it loads), but cannot load.
have_storage=1
if ! grep -q ' T TEE_CreatePersistentObject$' <<<"$utee_syms"; then
	have_storage=0
	echo "NOTE: libutee.a has no TEE_CreatePersistentObject (GP Trusted Storage) yet;" \
		"the secure_storage example is built but not run"
fi

# ---- headers: OP-TEE names, compile cleanly, tolerate re-definitions ----
cat >"$tmp/headers.c" <<'EOF_C'
#include <tee_internal_api.h>
#include <tee_internal_api_extensions.h>
#include <tee_api_defines_extensions.h>
#include <tee_api.h>
#include <trace.h>
#include <utee_defines.h>
#include <util.h>
/* As OP-TEE's headers and TAs spell them: identical redefinitions. */
#define TEE_STORAGE_PRIVATE_REE	 0x80000000
#define TEE_STORAGE_PRIVATE_RPMB 0x80000100
#define TEE_ALG_HKDF_SHA256_DERIVE_KEY  0x800040C0
#define TEE_ATTR_PBKDF2_DKM_LENGTH          0xF00004C2
#define TEE_MEMORY_ACCESS_SECURE             0x20000000
#define TEE_LOGIN_REE_KERNEL		0x80000000
#define TEE_ALG_SHA256                          0x50000004
#define TEE_ERROR_SHORT_BUFFER            0xFFFF0010
#define TEE_MAIN_ALGO_AES        0x10
#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))
_Static_assert(TEE_SHA512_HASH_SIZE == 64 && TEE_MAX_HASH_SIZE == 64, "hash sizes");
_Static_assert(TEE_AES_BLOCK_SIZE == 16 && GENMASK_32(7, 4) == 0xF0, "sizes, masks");
int f(uint32_t algo, int __unused u, int __maybe_unused m);
int f(uint32_t algo, int __unused u, int __maybe_unused m)
{
	uint32_t a[3] = {0};
	size_t r;
	EMSG("%u", algo); IMSG("i"); DMSG("d"); FMSG("f"); MSG("m");
	return (int)(ARRAY_SIZE(a) + MAX(algo, 1u) + ROUNDUP(algo, 8u) +
		     TEE_ALG_GET_MAIN_ALG(algo) + TEE_ALG_GET_DIGEST_SIZE(algo) +
		     (uint32_t)ADD_OVERFLOW(algo, 1u, &r) + (uint32_t)TEE_CacheFlush(NULL, 0));
}
EOF_C
check "headers: all OP-TEE TA headers compile with -Wall -Wextra -Werror" \
	cc -std=c17 -Wall -Wextra -Werror -I"$TADK/include" -c "$tmp/headers.c" -o "$tmp/headers.o"
check "headers: same in GP 1.1 mode" \
	cc -std=c17 -Wall -Wextra -Werror -I"$TADK/include" -D__OPTEE_CORE_API_COMPAT_1_1=1 \
	-c "$tmp/headers.c" -o "$tmp/headers.o"

# ---- build: exactly the commands of the README -------------------------
for ex in "${examples[@]}"; do
	d=$ex_root/$ex
	uuid=$(ta_uuid "$ex")
	log=$tmp/$ex-ta.log
	if make -C "$d/ta" TA_DEV_KIT_DIR="$TADK" >"$log" 2>&1 && [ -f "$d/ta/$uuid.ta" ]; then
		pass "$ex: TA builds to $uuid.ta"
	else
		cat "$log"
		fail "$ex: TA build"
		continue
	fi
	check "$ex: TA builds without warnings" no_warnings "$log"
	hlog=$tmp/$ex-host.log
	if make -C "$d/host" TEEC_EXPORT="$TEEC_EXPORT" CROSS_COMPILE= >"$hlog" 2>&1 &&
		[ -x "$d/host/optee_example_$ex" ]; then
		pass "$ex: host builds to optee_example_$ex"
	else
		cat "$hlog"
		fail "$ex: host build"
	fi
	check "$ex: host builds without warnings" no_warnings "$hlog"
done

# ---- the GP 1.1 TA -------------------------------------------------------
# Warning-free even with -Wextra -Werror, and the compat switch is what
# makes it build: without it the TA's #error (and the 1.3 prototypes) bite.
g=$ex_root/gp11_api/ta
if [ -f "$g/Makefile" ]; then
	quietly make -C "$g" TA_DEV_KIT_DIR="$TADK" clean || true
	check "gp11_api: TA builds with CFLAGS='-Wextra -Werror'" \
		quietly make -C "$g" TA_DEV_KIT_DIR="$TADK" CFLAGS="-Wextra -Werror"
	quietly make -C "$g" TA_DEV_KIT_DIR="$TADK" clean || true
	if make -s -C "$g" TA_DEV_KIT_DIR="$TADK" CFG_TA_OPTEE_CORE_API_COMPAT_1_1=n \
		>"$tmp/gp11-off.log" 2>&1; then
		fail "gp11_api: builds without CFG_TA_OPTEE_CORE_API_COMPAT_1_1 (it must not)"
	else
		pass "gp11_api: refuses to build without CFG_TA_OPTEE_CORE_API_COMPAT_1_1"
	fi
	quietly make -C "$g" TA_DEV_KIT_DIR="$TADK" clean || true
	check "gp11_api: TA builds again with the 1.1 API" \
		quietly make -C "$g" TA_DEV_KIT_DIR="$TADK"
fi

# ---- make clean, and a rebuild from clean ------------------------------
for ex in "${examples[@]}"; do
	d=$ex_root/$ex/ta
	uuid=$(ta_uuid "$ex")
	[ -f "$d/$uuid.ta" ] || continue
	if make -C "$d" TA_DEV_KIT_DIR="$TADK" clean >"$tmp/$ex-clean.log" 2>&1 &&
		[ ! -e "$d/$uuid.ta" ] && [ ! -e "$d/$uuid.so" ] && [ ! -e "$d/.obj" ]; then
		pass "$ex: make clean removes $uuid.ta, .so and objects"
	else
		cat "$tmp/$ex-clean.log"
		fail "$ex: make clean"
	fi
	check "$ex: TA rebuilds after clean" quietly make -C "$d" TA_DEV_KIT_DIR="$TADK"
done
# Without a dev kit, the OP-TEE fallback clean stanza still lets clean run.
check "hello_world: make clean without TA_DEV_KIT_DIR" \
	quietly make -C "$ex_root/hello_world/ta" clean

# ---- CMake and pkg-config clients ---------------------------------------
hw=$ex_root/hello_world
if cmake -S "$hw/host" -B "$tmp/cmake-hello" -Dteec_DIR="$TEEC_EXPORT/lib/cmake/teec" \
	>"$tmp/cmake.log" 2>&1 && cmake --build "$tmp/cmake-hello" >>"$tmp/cmake.log" 2>&1 &&
	[ -x "$tmp/cmake-hello/optee_example_hello_world" ]; then
	pass "hello_world: host builds with CMake find_package(teec)"
else
	cat "$tmp/cmake.log"
	fail "hello_world: CMake host build"
fi
if cmake -S "$hw/host" -B "$tmp/cmake-prefix" -DCMAKE_PREFIX_PATH="$TEEC_EXPORT" \
	>"$tmp/cmake2.log" 2>&1 && cmake --build "$tmp/cmake-prefix" >>"$tmp/cmake2.log" 2>&1; then
	pass "hello_world: CMake finds teec through CMAKE_PREFIX_PATH"
else
	cat "$tmp/cmake2.log"
	fail "hello_world: CMake with CMAKE_PREFIX_PATH"
fi
pc_flags=$(PKG_CONFIG_PATH=$TEEC_EXPORT/lib/pkgconfig pkg-config --cflags --libs teec) || pc_flags=
if [ -n "$pc_flags" ] &&
	cc -Wall -Wextra -I"$hw/ta/include" "$hw/host/main.c" $pc_flags \
		-o "$tmp/hello-pkgconfig" >"$tmp/pc.log" 2>&1; then
	pass "hello_world: host builds with pkg-config teec ($pc_flags)"
else
	cat "$tmp/pc.log" 2>/dev/null || true
	fail "hello_world: pkg-config host build"
fi

# ---- a private instance -------------------------------------------------
# hello_world is found through EDGETEE_TA_PATH, the others are installed
# into the instance's ta/ directory.
mkdir -p "$inst/ta"
for ex in "${examples[@]}"; do
	[ "$ex" = hello_world ] && continue
	uuid=$(ta_uuid "$ex")
	[ -f "$ex_root/$ex/ta/$uuid.ta" ] && cp "$ex_root/$ex/ta/$uuid.ta" "$inst/ta/"
done
if EDGETEE_TA_PATH=$hw/ta "$BIN/edgetee" up --dir "$inst" >"$tmp/up.log" 2>&1; then
	up=1
	pass "edgetee up --dir (private instance)"
else
	cat "$tmp/up.log"
	fail "edgetee up"
	finish
fi
export EDGETEE_SOCKET=$inst/edgeteed.sock

# run DESCRIPTION DIR PROGRAM LD_LIBRARY_PATH NAME [ARG...]: exit 0 and
# "<name>: OK".
run_host() {
	local what=$1 dir=$2 prog=$3 libpath=${4-$TEEC_EXPORT/lib} name=$5
	shift 5
	local out=$tmp/run-$name-$RANDOM.log
	if (cd "$dir" && LD_LIBRARY_PATH=$libpath "$prog" "$@") >"$out" 2>&1 &&
		grep -q "^$name: OK\$" "$out"; then
		pass "$what"
	else
		cat "$out"
		fail "$what"
	fi
}

for ex in "${examples[@]}"; do
	if [ "$ex" = random ] && [ "$have_random" = 0 ]; then
		echo "SKIP: random: needs TEE_GenerateRandom in libutee"
		continue
	fi
	if [ "$ex" = secure_storage ] && [ "$have_storage" = 0 ]; then
		echo "SKIP: secure_storage: needs GP Trusted Storage" \
			"(TEE_CreatePersistentObject) in libutee"
		continue
	fi
	h=$ex_root/$ex/host
	[ -x "$h/optee_example_$ex" ] || continue
	run_host "$ex: client application against the instance" "$h" \
		"./optee_example_$ex" "$TEEC_EXPORT/lib" "$ex"
done
if [ -x "$tmp/cmake-hello/optee_example_hello_world" ]; then
	run_host "hello_world: CMake-built client runs" "$tmp" \
		"$tmp/cmake-hello/optee_example_hello_world" "$TEEC_EXPORT/lib" hello_world
fi
if [ -x "$tmp/hello-pkgconfig" ]; then
	# teec.pc carries an rpath: no LD_LIBRARY_PATH needed.
	run_host "hello_world: pkg-config-built client runs (rpath)" "$tmp" \
		"$tmp/hello-pkgconfig" "" hello_world
fi

# ---- secure_storage: encrypted at rest, persistent across a restart -----
# The client's first run left the object persistent#1 holding MARKER of
# examples/secure_storage/host/main.c over and over; ss_marker is a piece
# of it.
ss=$ex_root/secure_storage/host
ss_marker='secure_storage example: plaintext that must not reach the disk'
if [ "$have_storage" = 1 ] && [ -x "$ss/optee_example_secure_storage" ]; then
	store=$inst/storage
	if [ -d "$store" ] && [ -n "$(find "$store" -type f -size +0 2>/dev/null)" ]; then
		pass "secure_storage: objects are files under <instance>/storage/"
	else
		fail "secure_storage: no object files under $store"
	fi
	if grep -rqF -- "$ss_marker" "$store" 2>/dev/null; then
		grep -rlF -- "$ss_marker" "$store" || true
		fail "secure_storage: the object's plaintext is in a file under storage/"
	else
		pass "secure_storage: the object's plaintext is in no file under storage/"
	fi
	if "$BIN/edgetee" down --dir "$inst" >"$tmp/down.log" 2>&1; then
		up=0
		if EDGETEE_TA_PATH=$hw/ta "$BIN/edgetee" up --dir "$inst" >"$tmp/up2.log" 2>&1; then
			up=1
			pass "secure_storage: edgetee down, edgetee up (same --dir)"
			run_host "secure_storage: the object persists across the restart" "$ss" \
				./optee_example_secure_storage "$TEEC_EXPORT/lib" secure_storage \
				--after-restart
		else
			cat "$tmp/up2.log"
			fail "secure_storage: edgetee up after down"
		fi
	else
		cat "$tmp/down.log"
		fail "secure_storage: edgetee down"
	fi
fi

finish
