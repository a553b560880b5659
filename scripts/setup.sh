#!/usr/bin/env bash
# Installs what nmscript needs on a fresh Debian 12 machine, and nothing else:
#   - C toolchain and the Linux tools the tests drive as real peers (apt);
#   - the pinned Deno, from npm, into ./node_modules (never system-wide).
# Idempotent and quiet when everything is present. Needs root for apt.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v cc >/dev/null || need+=(gcc libc6-dev)
command -v make >/dev/null || need+=(make)
command -v ip >/dev/null || need+=(iproute2)
command -v ping >/dev/null || need+=(iputils-ping)
command -v tshark >/dev/null || need+=(tshark)
command -v bc >/dev/null || need+=(bc)
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing ${need[*]}; run as root or install them: apt-get install ${need[*]}" >&2
    exit 1
  fi
  echo "setup: apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

want=$(node -e 'console.log(require("./package.json").dependencies.deno)')
have=$(./node_modules/.bin/deno --version 2>/dev/null | awk 'NR==1{print $2}' || true)
if [ "$have" != "$want" ]; then
  echo "setup: installing deno $want from npm into ./node_modules"
  # npm ci refuses this lockfile (it lists only the linux-x64 optional binary); install keeps it as is
  npm install --no-audit --no-fund --loglevel=error >/dev/null
  ./node_modules/.bin/deno --version | head -n 1
fi
