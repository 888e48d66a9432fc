'use strict';
// The image's HEALTHCHECK: healthy when one of the ports the app listens on answers 200 on
// /health/ready (HEALTHCHECK_PATH). The ports are read from /proc rather than from the settings,
// because a scaled dispatcher listens on port 0 (any free one) and OPS_PORT moves the health
// endpoints to a port of their own; nothing here has to be told which app runs.
const { readdirSync, readlinkSync, readFileSync } = require('node:fs');
const http = require('node:http');

const PATH = process.env.HEALTHCHECK_PATH || '/health/ready';
const TIMEOUT_MS = 3000;

/** Inodes of the sockets every other process in the container holds open. */
function socketInodes() {
  const inodes = new Set();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)) {
    let fds = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match) inodes.add(match[1]);
      } catch {
        // closed meanwhile
      }
    }
  }
  return inodes;
}

/** The addresses to call for each listening TCP socket among those inodes. */
function listeningAddresses(inodes) {
  const found = [];
  for (const [file, loopback] of [
    ['/proc/net/tcp', '127.0.0.1'],
    ['/proc/net/tcp6', '::1'],
  ]) {
    let lines = [];
    try {
      lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      const [local, state, inode] = [fields[1], fields[3], fields[9]];
      if (state !== '0A' || !inodes.has(inode)) continue; // 0A: LISTEN
      const [hexAddress, hexPort] = local.split(':');
      const port = parseInt(hexPort, 16);
      found.push({ host: hostOf(hexAddress, loopback), port });
    }
  }
  return found;
}

/** A bound address in /proc/net is hex in host byte order; any-address means loopback will do. */
function hostOf(hex, loopback) {
  if (/^0+$/.test(hex)) return loopback;
  if (hex.length === 8)
    return hex
      .match(/../g)
      .reverse()
      .map((b) => parseInt(b, 16))
      .join('.');
  // IPv6: four 32-bit words, each in host byte order. ::ffff:a.b.c.d is called as IPv4.
  const words = hex.match(/.{8}/g).map((w) => w.match(/../g).reverse().join(''));
  if (words[0] === '00000000' && words[1] === '00000000' && words[2] === '0000ffff') {
    return words[3]
      .match(/../g)
      .map((b) => parseInt(b, 16))
      .join('.');
  }
  return words.join('').match(/.{4}/g).join(':');
}

function answers200({ host, port }) {
  return new Promise((resolve) => {
    const request = http.get({ host, port, path: PATH, timeout: TIMEOUT_MS }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

async function main() {
  const addresses = listeningAddresses(socketInodes());
  if (addresses.length === 0) {
    console.log('not listening yet');
    return 1;
  }
  for (const address of addresses) {
    if (await answers200(address)) {
      console.log(`${PATH} 200 on port ${address.port}`);
      return 0;
    }
  }
  console.log(`${PATH} not 200 on ports ${addresses.map((a) => a.port).join(', ')}`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.log(String(error));
    process.exit(1);
  },
);
