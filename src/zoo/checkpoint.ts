import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { DataError } from '../core/errors.js';
import { autoencoderShapes, type AutoencoderConfig } from './autoencoder.js';
import { exemplarShapes, type ExemplarConfig } from './exemplar-transformer.js';
import { paramShapes, type GptConfig } from './gpt.js';
import { iclShapes, type IclConfig } from './icl-transformer.js';
import { lenetShapes, type LenetConfig } from './lenet.js';

/**
 * Checkpoints in the safetensors format (huggingface/safetensors): an 8-byte little-endian header
 * length, a JSON header naming every tensor's dtype, shape and byte range, then the raw float32 data.
 * The model config and training state ride in the header's __metadata__ (string values, as the
 * format requires). Written to *.tmp then renamed, so a crash never leaves half a checkpoint.
 */
export type CheckpointMeta =
  | { readonly arch?: 'gpt'; readonly config: GptConfig; readonly step: number; readonly [k: string]: unknown }
  | { readonly arch: 'lenet'; readonly config: LenetConfig; readonly step: number; readonly [k: string]: unknown }
  | { readonly arch: 'autoencoder'; readonly config: AutoencoderConfig; readonly step: number; readonly [k: string]: unknown }
  | { readonly arch: 'icl'; readonly config: IclConfig; readonly step: number; readonly [k: string]: unknown }
  | { readonly arch: 'bursty'; readonly config: ExemplarConfig; readonly step: number; readonly [k: string]: unknown };

/** The tensors a checkpoint's architecture lays out; a file without `arch` is a GPT (the first format). */
function shapesOf(meta: CheckpointMeta): [string, number[]][] {
  switch (meta.arch) {
    case undefined:
    case 'gpt': return paramShapes(meta.config);
    case 'lenet': return lenetShapes(meta.config);
    case 'autoencoder': return autoencoderShapes(meta.config);
    case 'icl': return iclShapes(meta.config);
    case 'bursty': return exemplarShapes(meta.config);
    default: throw new RangeError(`unknown architecture ${JSON.stringify((meta as { arch: unknown }).arch)}`);
  }
}

export function saveCheckpoint(file: string, params: Float32Array, meta: CheckpointMeta, extra: Record<string, Float32Array> = {}): void {
  const header: Record<string, unknown> = { __metadata__: { format: 'emergence-lab', meta: JSON.stringify(meta) } };
  const chunks: Float32Array[] = [];
  let offset = 0;
  let p = 0;
  const add = (name: string, shape: number[], data: Float32Array): void => {
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + data.length * 4] };
    offset += data.length * 4;
    chunks.push(data);
  };
  for (const [name, shape] of shapesOf(meta)) {
    const n = shape.reduce((a, b) => a * b, 1);
    add(name, shape, params.subarray(p, p + n));
    p += n;
  }
  for (const [name, data] of Object.entries(extra)) add(name, [data.length], data);
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // keep the data 8-byte aligned
  const head = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + head.length + offset);
  out.writeBigUInt64LE(BigInt(head.length), 0);
  head.copy(out, 8);
  let o = 8 + head.length;
  for (const c of chunks) {
    Buffer.from(c.buffer, c.byteOffset, c.byteLength).copy(out, o);
    o += c.byteLength;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, out);
  renameSync(tmp, file);
}

export function loadCheckpoint(file: string): { params: Float32Array; meta: CheckpointMeta; extra: Record<string, Float32Array> } {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    throw new DataError('cannot read checkpoint', { code: 'CHECKPOINT_READ', file });
  }
  const bad = (why: string): DataError => new DataError(`not a valid checkpoint: ${why}`, { code: 'CHECKPOINT_CORRUPT', file });
  if (buf.length < 8) throw bad('shorter than its 8-byte header length');
  const hlen = Number(buf.readBigUInt64LE(0));
  if (hlen <= 0 || 8 + hlen > buf.length) throw bad(`header length ${hlen} does not fit in ${buf.length} bytes`);
  let header: Record<string, { dtype?: string; shape?: number[]; data_offsets?: [number, number] } & Record<string, unknown>>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + hlen).toString('utf8')) as typeof header;
  } catch {
    throw bad('its JSON header does not parse');
  }
  const metaRaw = (header.__metadata__ as { meta?: string } | undefined)?.meta;
  if (typeof metaRaw !== 'string') throw bad('no emergence-lab metadata');
  let meta: CheckpointMeta;
  let shapes: [string, number[]][];
  try {
    meta = JSON.parse(metaRaw) as CheckpointMeta;
    shapes = shapesOf(meta);
  } catch (e) {
    throw bad(`its metadata does not describe a model (${(e as Error).message})`);
  }
  const data = buf.subarray(8 + hlen);
  const tensor = (name: string): Float32Array => {
    const t = header[name];
    if (!t || t.dtype !== 'F32' || !t.data_offsets) throw bad(`tensor ${name} is missing or not F32`);
    const [a, b] = t.data_offsets;
    if (b > data.length || a > b || (b - a) % 4 !== 0) throw bad(`tensor ${name}'s bytes ${a}..${b} run past the end (${data.length}): truncated?`);
    const out = new Float32Array((b - a) / 4);
    Buffer.from(out.buffer).set(data.subarray(a, b));
    return out;
  };
  const total = shapes.reduce((s, [, sh]) => s + sh.reduce((x, y) => x * y, 1), 0);
  const params = new Float32Array(total);
  let p = 0;
  for (const [name, shape] of shapes) {
    const t = tensor(name);
    const n = shape.reduce((x, y) => x * y, 1);
    if (t.length !== n) throw bad(`tensor ${name} has ${t.length} values, the config says ${n}`);
    params.set(t, p);
    p += n;
  }
  const extra: Record<string, Float32Array> = {};
  for (const name of Object.keys(header)) if (name !== '__metadata__' && !shapes.some(([s]) => s === name)) extra[name] = tensor(name);
  return { params, meta, extra };
}
