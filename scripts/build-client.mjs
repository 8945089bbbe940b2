// Bundles the report's browser code (with Observable Plot) into one script that the HTML report inlines.
// Skipped when the bundle is newer than every file that went into it (esbuild's metafile lists them).
import { readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { isFresh } from './fresh.mjs';

const outfile = 'dist/report-client.js';
const metaFile = 'dist/report-client.inputs.json';
let inputs = null;
try {
  inputs = JSON.parse(readFileSync(metaFile, 'utf8'));
} catch {
  /* first build */
}
if (!(inputs && isFresh(outfile, [...inputs, 'scripts/build-client.mjs', 'package-lock.json']))) {
  const r = await build({
    entryPoints: ['src/report/client/main.ts'],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome110', 'firefox110', 'safari16'],
    outfile,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  writeFileSync(metaFile, JSON.stringify(Object.keys(r.metafile.inputs)));
}
