/**
 * The load generator of part 4, run as its own process so it does not share the server's
 * event loop: reads a job (JSON) from argv[2]'s file, drives it with autocannon, and prints one
 * JSON line with requests per second, latency percentiles and failures.
 *
 * A job either repeats requests (`bodies` absent: each connection cycles through `headers`) or
 * sends each of `bodies` exactly once (tickets are single use).
 */
import { readFileSync } from 'node:fs';
import autocannon, { type Request } from 'autocannon';

export interface LoadJob {
  url: string;
  method: 'GET' | 'POST';
  connections: number;
  /** Seconds; ignored when bodies are given (then the run ends when each body was sent once). */
  duration: number;
  /** One set of headers per simulated caller, used in turn. */
  headers: Array<Record<string, string>>;
  bodies?: string[];
}

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadJob;
  let next = 0;
  const bodies = job.bodies;
  const result = await autocannon({
    url: job.url,
    connections: job.connections,
    ...(bodies ? { amount: bodies.length } : { duration: job.duration }),
    requests: [
      {
        method: job.method,
        setupRequest: (request: Request): Request => {
          const i = next++;
          const headers = { ...job.headers[i % job.headers.length], ...(bodies ? { 'content-type': 'application/json' } : {}) };
          return { ...request, headers, ...(bodies ? { body: bodies[i % bodies.length]! } : {}) };
        },
      },
    ],
  });
  const out: LoadResult = {
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / (result.duration || 1),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

void main();
