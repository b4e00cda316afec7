// Loaded with `node --import` into the process under measurement: counts timer callbacks and the
// shortest delay asked for, and reports them (with the V8 heap in use) to the parent over IPC when asked.
const counts = { fired: 0, scheduled: 0, shortestMs: Number.POSITIVE_INFINITY };
const wrap = (original) =>
  function (callback, delay, ...args) {
    counts.scheduled += 1;
    const ms = Number(delay) || 0;
    // Zero-delay timers are deferrals, not wake-ups of an idle process; count them but not as "fastest".
    if (ms > 0) counts.shortestMs = Math.min(counts.shortestMs, ms);
    return original.call(
      this,
      (...inner) => {
        counts.fired += 1;
        return callback(...inner);
      },
      delay,
      ...args,
    );
  };
globalThis.setTimeout = wrap(globalThis.setTimeout);
globalThis.setInterval = wrap(globalThis.setInterval);
process.on('message', (message) => {
  if (message === 'timer-counts') process.send?.({ ...counts, heapUsedMb: process.memoryUsage().heapUsed / 1048576 });
  if (message === 'timer-reset') Object.assign(counts, { fired: 0, scheduled: 0, shortestMs: Number.POSITIVE_INFINITY });
});
