#!/usr/bin/env bash
# Install the Debian packages edgetee needs (as root), or say which are
# missing (as anyone else). Idempotent: installs only what is absent.
set -euo pipefail

PKGS=(build-essential cmake pkg-config libssl-dev libseccomp-dev libcjson-dev
      libcmocka-dev gnuplot-nox iperf3 python3-cryptography-vectors clang-format)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
# TA processes of a root-run instance drop to this user.
ensure_user() {
	if [ "$(id -u)" -eq 0 ] && ! getent passwd edgetee >/dev/null; then
		useradd --system --no-create-home --shell /usr/sbin/nologin edgetee 2>/dev/null || true
	fi
}
if [ ${#missing[@]} -eq 0 ]; then
	ensure_user
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "edgetee: missing Debian packages: ${missing[*]}" >&2
	echo "edgetee: run 'sudo $0' (or apt-get install them) and retry" >&2
	exit 1
fi
echo "edgetee: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends "${missing[@]}" >/tmp/edgetee-apt.log 2>&1; then
	apt-get update >>/tmp/edgetee-apt.log 2>&1
	apt-get install -y --no-install-recommends "${missing[@]}" >>/tmp/edgetee-apt.log 2>&1 || {
		echo "edgetee: apt-get failed, see /tmp/edgetee-apt.log" >&2
		exit 1
	}
fi
ensure_user
