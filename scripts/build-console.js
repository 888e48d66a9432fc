#!/usr/bin/env node
// Builds the operator console into dist/console: one HTML page and content-hashed assets,
// bundled by esbuild from apps/console/src (Preact, and the domain's own rendering code).
// Type-checks it first with its own tsconfig (browser lib, JSX), which the apps' tsc does not cover.
'use strict';
const { execFileSync } = require('node:child_process');
const { mkdirSync, rmSync, writeFileSync } = require('node:fs');
const { basename, join } = require('node:path');
const esbuild = require('esbuild');

const root = join(__dirname, '..');

async function buildConsole({ outdir = join(root, 'dist', 'console'), typecheck = true } = {}) {
  if (typecheck) execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'apps/console/tsconfig.json')], { stdio: 'inherit' });
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(join(outdir, 'assets'), { recursive: true });
  const result = await esbuild.build({
    entryPoints: { console: join(root, 'apps/console/src/main.tsx') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110', 'firefox115', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    outdir: join(outdir, 'assets'),
    metafile: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
  const script = outputs.find((f) => /^console-.*\.js$/.test(f));
  const style = outputs.find((f) => /^console-.*\.css$/.test(f));
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>BIN Alert</title>
<link rel="icon" href="data:,">
${style ? `<link rel="stylesheet" href="/assets/${style}">\n` : ''}<script type="module" src="/assets/${script}"></script>
</head>
<body>
<div id="app"></div>
<noscript><p lang="nl">BIN Alert werkt enkel met JavaScript.</p><p lang="fr">BIN Alert nécessite JavaScript.</p><p lang="de">BIN Alert benötigt JavaScript.</p><p>BIN Alert needs JavaScript.</p></noscript>
</body>
</html>
`;
  writeFileSync(join(outdir, 'index.html'), html);
  return { outdir, assets: outputs };
}

module.exports = { buildConsole };

if (require.main === module) {
  buildConsole().then(
    ({ outdir, assets }) => console.log(`[console] built ${assets.length} assets into ${outdir}`),
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
