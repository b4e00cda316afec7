import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogLineSchema, parseLogLine } from './log-line.js';

/** What the contract says of a line: zod's output, or undefined where it rejects. */
function bySchema(line: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = LogLineSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

// Numbers as JSON text, so values JSON.stringify cannot write (1e999, -0, 2^53) reach the parser too.
const numberText = fc.oneof(
  fc.constantFrom(
    '0',
    '-0',
    '1',
    '-1',
    '1.5',
    '1e3',
    '1e999',
    '-1e999',
    '9007199254740991',
    '9007199254740992',
    '1700000000000',
    '"1"',
    'null',
  ),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
);
const levelText = fc.oneof(
  fc.constantFrom('trace', 'debug', 'info', 'warn', 'error', 'fatal', 'INFO', 'warning', '', 'info '),
  fc.string({ maxLength: 8 }),
);
const sourceText = fc.oneof(
  fc.constantFrom(99, 100, 101).map((length) => 'd'.repeat(length)),
  fc.string({ maxLength: 110 }),
  fc.constant(''),
);
const anyJson = fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value) ?? 'null');

/** A field as JSON text: mostly of the contract's type, sometimes any JSON, sometimes missing (undefined). */
const field = (valid: fc.Arbitrary<string>): fc.Arbitrary<string | undefined> =>
  fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: anyJson, weight: 1 }, { arbitrary: fc.constant(undefined), weight: 1 });

/** Lines near the contract: each field present or not, of the right type or not, with extra keys, in any order. */
const nearLine = fc
  .tuple(
    fc.record({
      time: field(numberText),
      level: field(levelText.map((text) => JSON.stringify(text))),
      source: field(sourceText.map((text) => JSON.stringify(text))),
      message: field(fc.string().map((text) => JSON.stringify(text))),
      pid: field(anyJson),
      ['__proto__']: field(anyJson),
    }),
    fc.infiniteStream(fc.double()),
  )
  .map(([fields, order]) => {
    const entries = Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined);
    const sorted = entries.map((entry) => ({ entry, key: order.next().value as number })).sort((a, b) => a.key - b.key);
    return `{${sorted.map(({ entry: [key, text] }) => `${JSON.stringify(key)}:${text}`).join(',')}}`;
  });

describe('log line parsing', () => {
  it('accepts and rejects exactly the lines LogLineSchema does, with the same entry', () => {
    fc.assert(
      fc.property(fc.oneof(nearLine, anyJson, fc.string()), (line) => {
        expect(parseLogLine(line)).toStrictEqual(bySchema(line));
      }),
      { numRuns: 5000 },
    );
  });

  it('reads a line pino wrote and keeps only the entry, with "app" for a line without a source', () => {
    expect(parseLogLine('{"level":"warn","time":1700000000000,"source":"devices","message":"jam","pid":7}')).toStrictEqual({
      time: 1700000000000,
      level: 'warn',
      source: 'devices',
      message: 'jam',
    });
    expect(parseLogLine('{"level":"info","time":5,"message":"started"}')).toStrictEqual({
      time: 5,
      level: 'info',
      source: 'app',
      message: 'started',
    });
  });

  it('turns away a torn line, an unknown level, a time that is not a whole non-negative number and a source over 100 characters', () => {
    expect(parseLogLine('{"level":"info","time":5,"mess')).toBeUndefined();
    expect(parseLogLine('{"level":"loud","time":5,"message":"x"}')).toBeUndefined();
    expect(parseLogLine('{"level":"info","time":-1,"message":"x"}')).toBeUndefined();
    expect(parseLogLine('{"level":"info","time":1.5,"message":"x"}')).toBeUndefined();
    expect(parseLogLine('{"level":"info","time":1e999,"message":"x"}')).toBeUndefined();
    expect(parseLogLine(`{"level":"info","time":5,"source":"${'s'.repeat(101)}","message":"x"}`)).toBeUndefined();
    expect(parseLogLine('[5,"info","x"]')).toBeUndefined();
  });
});
