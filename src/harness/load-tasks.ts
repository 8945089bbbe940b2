import { dirname, isAbsolute, resolve } from 'node:path';
import type { Task } from '../core/types.js';
import { arithmeticTask } from '../tasks/arithmetic.js';
import { loadTaskFile } from '../tasks/load-task.js';
import type { EvalConfig, TaskConfig } from './config.js';

/** A config's task, generated (arithmetic) or read from its file (relative to the config's file). */
export function loadTask(t: TaskConfig, configFile: string): Task {
  if (t.source.kind === 'arithmetic') {
    const s = t.source;
    return arithmeticTask(t.name, { digits: s.digits, operation: s.operation, count: s.count, seed: s.seed, padAnswer: s.padAnswer });
  }
  return loadTaskFile(isAbsolute(t.source.path) ? t.source.path : resolve(dirname(configFile), t.source.path), t.name);
}

export function loadTasks(cfg: EvalConfig): Task[] {
  return cfg.tasks.map((t) => loadTask(t, cfg.file));
}
