import { readFileSync } from 'node:fs';

/**
 * What a V8 heap snapshot (.heapsnapshot, e.g. sim-cost --heap-snapshot) holds, summed by holder:
 * each object's own size, and each array, string or internal part counted for the nearest object
 * (or closure) that retains it, following first retainers (not weak ones) up to a few steps. Not
 * V8's retained size (no dominator tree), but it names who keeps what at once, in one pass, for
 * snapshots too big for a devtools session on this machine.
 *
 *   node --max-old-space-size=4096 dist/bench/src/heap-summary.js .local/sim-cost/Heap.…heapsnapshot [top]
 *
 * The file is read as bytes and its numbers parsed by hand: a snapshot of a few hundred MB is
 * beyond JSON.parse's longest string.
 */

const OWNER_TYPES = new Set(['object', 'closure', 'regexp']);
const STEPS = 4;

function main(): void {
  const [file, topText] = process.argv.slice(2);
  if (file === undefined) throw new Error('usage: heap-summary.js FILE.heapsnapshot [top]');
  const top = Number(topText ?? 30);
  const bytes = readFileSync(file);
  const meta = JSON.parse(bytes.subarray(0, bytes.indexOf('"nodes":')).toString('utf8').replace(/,\s*$/, '}')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  };
  const { node_fields: nodeFields, node_types: nodeTypes, edge_fields: edgeFields, edge_types: edgeTypes } = meta.snapshot.meta;
  const nodes = numbers(bytes, '"nodes":[');
  const edges = numbers(bytes, '"edges":[');
  const stringsAt = bytes.indexOf('"strings":[');
  const strings = JSON.parse(bytes.subarray(stringsAt + 10, bytes.lastIndexOf(']') + 1).toString('utf8')) as string[];

  const nf = nodeFields.length;
  const ef = edgeFields.length;
  const [typeF, nameF, selfF, edgeCountF] = ['type', 'name', 'self_size', 'edge_count'].map((f) => nodeFields.indexOf(f));
  const [edgeTypeF, edgeToF] = ['type', 'to_node'].map((f) => edgeFields.indexOf(f));
  const types = nodeTypes[0];
  const weak = edgeTypes[0].indexOf('weak');
  const shortcut = edgeTypes[0].indexOf('shortcut');
  const count = nodes.length / nf;

  // First strong retainer of every node.
  const owner = new Int32Array(count).fill(-1);
  let e = 0;
  for (let n = 0; n < count; n += 1) {
    const edgeCount = nodes[n * nf + edgeCountF];
    for (let k = 0; k < edgeCount; k += 1, e += ef) {
      const type = edges[e + edgeTypeF];
      if (type === weak || type === shortcut) continue;
      const to = edges[e + edgeToF] / nf;
      if (owner[to] < 0 && to !== n) owner[to] = n;
    }
  }

  const typeOf = (n: number): string => types[nodes[n * nf + typeF]];
  const label = (n: number): string => {
    const type = typeOf(n);
    return OWNER_TYPES.has(type) ? `${type === 'closure' ? 'closure ' : ''}${strings[nodes[n * nf + nameF]]}` : `(${type})`;
  };
  const objectOf = (n: number): number => {
    let at = n;
    for (let step = 0; step < STEPS && at >= 0; step += 1) {
      if (OWNER_TYPES.has(typeOf(at))) return at;
      at = owner[at];
    }
    return -1;
  };
  // A plain Array or Object is named by what holds it in turn: "Array in SmsLifecycle".
  const holderOf = (n: number): string => {
    const at = objectOf(n);
    if (at < 0) return '(unowned)';
    const name = label(at);
    if (name !== 'Array' && name !== 'Object') return name;
    const outer = owner[at] < 0 ? -1 : objectOf(owner[at]);
    return outer < 0 ? name : `${name} in ${label(outer)}`;
  };

  const byHolder = new Map<string, { self: number; own: number; parts: Map<string, number> }>();
  let total = 0;
  for (let n = 0; n < count; n += 1) {
    const size = nodes[n * nf + selfF];
    if (size === 0) continue;
    total += size;
    const holder = holderOf(n);
    let entry = byHolder.get(holder);
    if (entry === undefined) {
      entry = { self: 0, own: 0, parts: new Map() };
      byHolder.set(holder, entry);
    }
    entry.self += size;
    if (OWNER_TYPES.has(typeOf(n))) entry.own += 1;
    else entry.parts.set(label(n), (entry.parts.get(label(n)) ?? 0) + size);
  }
  const mb = (b: number): string => (b / 1024 / 1024).toFixed(1).padStart(7);
  console.log(`${count} nodes, ${mb(total)} MB self size in all`);
  console.log('   MB  objects  holder (and what it holds besides itself)');
  for (const [holder, { self, own, parts }] of [...byHolder].sort((a, b) => b[1].self - a[1].self).slice(0, top)) {
    const held = [...parts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([part, size]) => `${part} ${mb(size).trim()}`)
      .join(', ');
    console.log(`${mb(self)} ${String(own).padStart(8)}  ${holder}${held ? `  [${held}]` : ''}`);
  }
}

/** The integers of the array that follows `key` in `bytes`. */
function numbers(bytes: Buffer, key: string): Uint32Array | Float64Array {
  let at = bytes.indexOf(key) + key.length;
  const out: number[] = [];
  let value = 0;
  let inNumber = false;
  for (; at < bytes.length; at += 1) {
    const c = bytes[at];
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      inNumber = true;
    } else {
      if (inNumber) out.push(value);
      value = 0;
      inNumber = false;
      if (c === 93 /* ] */) break;
    }
  }
  return Float64Array.from(out);
}

main();
