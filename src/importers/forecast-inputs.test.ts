import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadObservations, splitCheckpoints } from './forecast-inputs.js';

const dir = mkdtempSync(join(tmpdir(), 'forecast-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('reads a file where a model appears at several steps as checkpoints, the others as finals', () => {
  const finals = join(dir, 'finals.csv');
  const ck = join(dir, 'ck.csv');
  writeFileSync(finals, 'family,model,params,task,metric,value,step,tokens\nF,a,1e8,t,loss,0.9,100,2e9\nF,b,2e8,t,loss,0.8,100,4e9\n');
  writeFileSync(ck, 'family,model,params,task,metric,value,step,tokens\nF,a,1e8,t,loss,1.5,10,2e8\nF,a,1e8,t,loss,0.9,100,2e9\n');
  const { observations } = loadObservations([finals, ck]);
  const s = splitCheckpoints(observations);
  expect(s.finals.map((o) => o.model)).toEqual(['a', 'b']);
  expect(s.checkpoints.map((o) => o.step)).toEqual([10, 100]);
});
