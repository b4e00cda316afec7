// One cold read of the log files in a fresh process, for bench/diagnostics-capture.ts: a capture
// runs once in a process, so the cost that counts includes the first use of zod or of the hand
// check. `zod` checks each line with LogLineSchema (what the capture did before parseLogLine),
// `fast` is readRecentLogs. Prints {"lines":N,"cpuMs":M}.
import { readFileSync } from 'node:fs';
import { listLogFiles, readRecentLogs } from '../core/logging/app-logger.js';
import { LogLineSchema } from '../core/logging/log-line.js';

const [method, dir] = process.argv.slice(2);
if ((method !== 'zod' && method !== 'fast') || dir === undefined) {
  console.error('usage: read-logs-cold.ts zod|fast <log folder>');
  process.exit(2);
}
const files = await listLogFiles(dir);
const start = process.cpuUsage();
let lines = 0;
if (method === 'fast') lines = (await readRecentLogs(dir, Number.MAX_SAFE_INTEGER)).entries.length;
else
  for (const path of files)
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line.length === 0) continue;
      try {
        if (LogLineSchema.safeParse(JSON.parse(line)).success) lines++;
      } catch {
        // not a log line: the real reader counts it as unreadable
      }
    }
const used = process.cpuUsage(start);
console.log(JSON.stringify({ lines, cpuMs: (used.user + used.system) / 1000 }));
