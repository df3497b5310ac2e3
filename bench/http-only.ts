/** `npm run bench:http`: part 4 alone (the HTTP API under load), for a quick look. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatHttpBench, runHttpBench } from './http-bench.js';
import { envInt } from './stats.js';

const directory = mkdtempSync(join(process.env.BENCH_DIR || tmpdir(), 'tessera-http-bench-'));
try {
  const result = await runHttpBench({ directory, connections: 64, seconds: envInt('BENCH_HTTP_SECONDS', 5), tickets: envInt('BENCH_HTTP_TICKETS', 20_000) });
  console.log(formatHttpBench(result));
  console.log(`BENCH_JSON ${JSON.stringify({ http: result })}`);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
