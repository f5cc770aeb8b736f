#!/usr/bin/env bash
# libteec.so.1 is linked by applications built for OP-TEE's libteec: it
# must export the GP Client API and none of edgetee's internal helpers
# (an application defining a function of the same name would take it over).
set -u
lib=${1:?usage: check_exports.sh LIBTEEC.so}
syms=$(nm -D --defined-only "$lib" | awk '{print $3}')
fail=0
for want in TEEC_InitializeContext TEEC_FinalizeContext TEEC_OpenSession \
	TEEC_CloseSession TEEC_InvokeCommand TEEC_RegisterSharedMemory \
	TEEC_AllocateSharedMemory TEEC_ReleaseSharedMemory TEEC_RequestCancellation; do
	grep -qx "$want" <<<"$syms" || { echo "FAIL missing export $want"; fail=1; }
done
extra=$(grep -v '^TEEC_' <<<"$syms")
if [ -n "$extra" ]; then
	echo "FAIL exports beyond the GP API: $(echo $extra)"
	fail=1
fi
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
