# One image for every BIN Alert app; the command chooses which one runs (deploy/docker/app-entrypoint.sh):
#
#   docker build -t bin-alert .                                   # base image from Docker Hub
#   docker build -t bin-alert --build-arg BASE_IMAGE=local/node:20.20.2-bookworm .   # a base of your own
#                                                                 # (deploy/docker/base-images.sh builds one
#                                                                 #  from a Debian mirror and the npm registry)
#   docker run --network host bin-alert intake                    # or dispatcher-sms, dispatcher-email,
#                                                                 # dispatcher-voice, tracker, provider-sim,
#                                                                 # migrate, seed-demo, bootstrap-admin, token
#
# Kubernetes passes the app's name as the arguments (deploy/kubernetes), so every way of running the
# image starts an app with its node options (deploy/node-options.sh, ADR 0048). The base must be a
# Debian (glibc) image with node and npm on PATH.
ARG BASE_IMAGE=node:20-bookworm-slim

# Compiles the apps and the operator console (needs the dev dependencies: TypeScript, esbuild), then
# drops the dev dependencies. argon2 is compiled from its sources: its prebuilt binary crashed on
# load on the machines this was built on (node-gyp needs python3, make and g++).
FROM ${BASE_IMAGE} AS build
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 make g++ >/dev/null \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --build-from-source --no-audit --no-fund --loglevel=error
COPY tsconfig.base.json tsconfig.build.json ./
COPY scripts/build-console.js scripts/
COPY libs libs
COPY apps apps
COPY bench bench
RUN npm run -s build \
 && npm prune --omit=dev --no-audit --no-fund --loglevel=error \
 && node -e "require('argon2')"

FROM ${BASE_IMAGE}
# The numeric user of the Kubernetes manifests (runAsUser 10001): nothing in /app is writable by it.
RUN echo 'bin-alert:x:10001:10001:BIN Alert:/app:/usr/sbin/nologin' >>/etc/passwd \
 && echo 'bin-alert:x:10001:' >>/etc/group
ENV NODE_ENV=production \
    HOST=0.0.0.0
WORKDIR /app
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/dist dist
# package.json marks the project root: intake finds dist/console from it.
COPY package.json ./
COPY deploy/node-options.sh deploy/
COPY deploy/docker/app-entrypoint.sh deploy/docker/healthcheck.js deploy/docker/
USER 10001:10001
ENTRYPOINT ["/bin/sh", "/app/deploy/docker/app-entrypoint.sh"]
# /health/ready of whichever port the app listens on (port 0 and OPS_PORT included).
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["node", "/app/deploy/docker/healthcheck.js"]
