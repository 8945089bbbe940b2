// Builds the engine's native addon: the GEMM over Debian's OpenBLAS and the element-wise kernels (gcc against Node's headers; ~1 s).
// Without gcc, the headers or libopenblas-dev it warns and the engine uses its pure-TS GEMM.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { isFresh } from './fresh.mjs';

const out = 'dist/native/gemm.node';
const sources = ['src/zoo/engine/native/gemm.c', 'src/zoo/engine/native/kernels.c', 'src/zoo/engine/native/pool.c'];
// Nothing to do when the addon is newer than its sources and this script.
if (isFresh(out, [...sources, 'scripts/build-native.mjs', 'scripts/fresh.mjs'])) process.exit(0);
mkdirSync(dirname(out), { recursive: true });
const include = ['/usr/include/node', '/usr/local/include/node', `${dirname(dirname(process.execPath))}/include/node`].find((d) => existsSync(`${d}/node_api.h`));
try {
  if (!include) throw new Error("Node's headers (node_api.h) not found");
  // -O3 vectorises the element-wise loops; -fno-trapping-math lets it turn the clamps into selects (no FP
  // exception is ever observed here). No -ffast-math: NaN and infinity behave as in the TS fallback.
  execFileSync('gcc', ['-O3', '-fno-trapping-math', '-shared', '-fPIC', `-I${include}`, '-DNODE_GYP_MODULE_NAME=gemm', ...sources, '-o', out, '-lopenblas', '-lm', '-lpthread'], { stdio: 'pipe' });
} catch (e) {
  const msg = (e.stderr?.toString() || e.message).split('\n')[0];
  console.warn(`build-native: the OpenBLAS GEMM addon was not built (${msg}); the engine will use its pure-TS GEMM, ~25x slower. On Debian: bash scripts/install-deps.sh`);
}
