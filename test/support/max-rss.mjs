// Preloaded into a child process (NODE_OPTIONS=--import=...): writes its peak resident set size,
// in KiB, to $RSS_REPORT_FILE as it exits, so a test can hold a command to a memory budget.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env.RSS_REPORT_FILE;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS));
});
