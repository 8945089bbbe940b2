/**
 * The layer direction of DESIGN.md, enforced:
 *   cli → experiments → harness/zoo/importers/report/tasks → providers/store → core
 * and the CLI holds no experiment logic: it sees an experiment through registry, options and present only.
 * core imports no other layer and no node:* module (tests beside the code may read fixtures).
 */
const layer = (name) => `^src/${name}/`;
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'core is pure computation: it imports nothing from other layers',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/(?!core/)' },
    },
    {
      name: 'core-no-node',
      comment: 'core does no I/O: no node:* builtins outside its tests',
      severity: 'error',
      from: { path: '^src/core/', pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'nothing-imports-cli',
      comment: 'src/index.ts is the package entry, above every layer, and re-exports runCli',
      severity: 'error',
      from: { pathNot: '^src/(cli/|index\\.ts$)' },
      to: { path: layer('cli') },
    },
    {
      name: 'cli-holds-no-experiment-logic',
      comment: 'the CLI parses options and prints: it reaches experiments only through their registry, options and presentation',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^src/experiments/(?!(registry|options|present)\\.ts$)' },
    },
    {
      name: 'only-cli-imports-experiments',
      comment: 'sweeps sit between cli and experiments: they reuse the member identity and provenance',
      severity: 'error',
      from: { pathNot: '^src/(cli|experiments|sweeps)/' },
      to: { path: layer('experiments') },
    },
    {
      name: 'only-cli-imports-sweeps',
      severity: 'error',
      from: { pathNot: '^src/(cli|sweeps)/' },
      to: { path: layer('sweeps') },
    },
    {
      name: 'adapters-only-need-core',
      comment: 'providers, store and tokenizers implement core types; they do not reach up',
      severity: 'error',
      from: { path: '^src/(providers|store|tokenizers)/' },
      to: { path: '^src/(?!core/|providers/|store/|tokenizers/)' },
    },
    {
      name: 'middle-layers-do-not-reach-up',
      severity: 'error',
      from: { path: '^src/(harness|zoo|importers|report|tasks)/' },
      to: { path: '^src/(cli|experiments)/' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: require('node:path').join(__dirname, 'tsconfig.json') },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
