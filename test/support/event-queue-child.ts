// A process that records events into the durable queue as fast as it can and prints
// "ack <id>" only after each enqueue resolved (the event is on disk). The parent kills it with
// SIGKILL at a random moment; every printed id must survive.
import { writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { DurableQueue } from '../../core/events/durable-queue.js';

const [path, compactAt] = process.argv.slice(2) as [string, string];
// A small compaction threshold makes kills land inside compactions too.
const queue = await DurableQueue.open(path, { compactAtBytes: Number(compactAt), maxEvents: 1_000_000 });
writeSync(1, 'ready\n');
let n = 0;
for (;;) {
  // A few writers at once, so group commits are in flight when the kill lands.
  const batch = Array.from({ length: 4 }, () => {
    const id = randomUUID();
    n += 1;
    return queue
      .enqueue({
        id,
        type: 'impression',
        at: new Date().toISOString(),
        campaignId: 'crash-test',
        variantId: 'a',
        messageId: `crash-test@${1 + (n % 3)}`,
      })
      .then(() => writeSync(1, `ack ${id}\n`));
  });
  await Promise.all(batch);
}
