#!/usr/bin/env node
import { runCli } from './run.js';
import { installInterruptCleanup } from './interrupt.js';

// The only place that reads the process: argv, env, streams, exit code, signals.
installInterruptCleanup(process.stderr);
const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
});
process.exitCode = code;
