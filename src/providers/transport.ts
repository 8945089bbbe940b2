import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * One HTTP POST: what HttpPool needs from the network. The default is node:http with keep-alive
 * agents: far less CPU per request than fetch (no web streams, no per-request AbortSignal
 * composition), which matters at thousands of requests per second.
 */
export interface TransportResponse {
  readonly status: number;
  header(name: string): string | null;
  readonly text: string;
}
export type Transport = (url: string, body: string, headers: Readonly<Record<string, string>>, timeoutMs: number, signal?: AbortSignal) => Promise<TransportResponse>;

export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

export function nodeTransport(maxSockets: number): Transport {
  const http = new HttpAgent({ keepAlive: true, maxSockets });
  const https = new HttpsAgent({ keepAlive: true, maxSockets });
  return (url, body, headers, timeoutMs, signal) =>
    new Promise<TransportResponse>((resolve, reject) => {
      const u = new URL(url);
      const secure = u.protocol === 'https:';
      const req = (secure ? httpsRequest : httpRequest)(
        u,
        { method: 'POST', agent: secure ? https : http, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            clearTimeout(timer);
            // One run-long signal serves every request: a finished one must not keep its listener.
            signal?.removeEventListener('abort', onAbort);
            const h = res.headers;
            resolve({ status: res.statusCode ?? 0, header: (n) => { const v = h[n.toLowerCase()]; return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v; }, text: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', (e) => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            reject(e);
          });
        },
      );
      const timer = setTimeout(() => req.destroy(new TimeoutError(`timeout after ${timeoutMs} ms`)), timeoutMs);
      const onAbort = (): void => {
        req.destroy(signal!.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(e);
      });
      req.end(body);
    });
}
