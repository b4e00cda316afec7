import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppendLog } from './append-log.js';
import { atomicWritesSettled, writeFileAtomic, type AtomicWriteFs } from './atomic-write.js';
import { decodeChecksummedLine, encodeChecksummedLine } from './checksummed-line.js';
import { readOwnedFileSync, setAsideDamaged } from './owned-file.js';

let dir = '';
afterEach(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
  dir = '';
});
const makeDir = (): string => (dir = mkdtempSync(join(tmpdir(), 'trayside-storage-')));

/** Real node:fs/promises, with a hook on every handle it opens. */
function seam(onOpen: (path: string, flags: string, handle: FileHandle) => FileHandle): AtomicWriteFs {
  return {
    mkdir,
    rename,
    rm,
    open: (async (path: string, flags: string, mode?: number) => onOpen(path, flags, await open(path, flags, mode))) as typeof open,
  };
}

describe('writeFileAtomic', () => {
  it('leaves the old file whole, and no temp file, when the disk fills up halfway through the write', async () => {
    const file = join(makeDir(), 'manifest.json');
    writeFileSync(file, '{"old": true}');
    const fullDisk = seam((_path, flags, handle) => {
      if (flags !== 'w') return handle;
      // Half the bytes reach the temp file, then ENOSPC: what a full disk does mid-write.
      return Object.assign(Object.create(handle) as FileHandle, {
        writeFile: async (content: string) => {
          await handle.write(content.slice(0, content.length / 2));
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        },
        close: () => handle.close(),
      });
    });
    await expect(writeFileAtomic(file, JSON.stringify({ new: 'x'.repeat(1000) }), { fs: fullDisk })).rejects.toMatchObject({
      code: 'ENOSPC',
    });
    expect(readFileSync(file, 'utf8')).toBe('{"old": true}');
    expect(readdirSync(dir)).toEqual(['manifest.json']);
  });

  it('replaces the file and fsyncs the file and then its folder, so the rename itself is durable', async () => {
    const file = join(makeDir(), 'ledger.jsonl');
    const synced: string[] = [];
    const spy = seam((path, _flags, handle) =>
      Object.assign(Object.create(handle) as FileHandle, {
        sync: async () => {
          synced.push(path);
          await handle.sync();
        },
        writeFile: (content: string) => handle.writeFile(content),
        close: () => handle.close(),
      }),
    );
    await writeFileAtomic(file, 'new', { fs: spy });
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(synced).toHaveLength(2);
    expect(synced[0]).toMatch(/ledger\.jsonl\.\d+\.\d+\.tmp$/);
    expect(synced[1]).toBe(dir);
  });

  it('runs writes of one file in the order they were asked, so the last one wins', async () => {
    const file = join(makeDir(), 'supply-history.json');
    await Promise.all(Array.from({ length: 20 }, (_, index) => writeFileAtomic(file, String(index))));
    expect(readFileSync(file, 'utf8')).toBe('19');
    expect(readdirSync(dir)).toEqual(['supply-history.json']);
  });
});

describe('atomicWritesSettled', () => {
  it('waits for a slow write under the folder, not for one elsewhere', async () => {
    const root = makeDir();
    const gate = (): { opened: Promise<void>; open: () => void } => {
      let open = (): void => undefined;
      const opened = new Promise<void>((resolve) => (open = resolve));
      return { opened, open };
    };
    const stalledUntil = (until: Promise<void>): AtomicWriteFs =>
      seam((_path, flags, handle) =>
        flags !== 'w'
          ? handle
          : Object.assign(Object.create(handle) as FileHandle, {
              writeFile: async (content: string) => {
                await until;
                await handle.writeFile(content);
              },
              close: () => handle.close(),
            }),
      );
    const data = gate();
    const other = gate();
    const write = writeFileAtomic(join(root, 'data', 'sent-requests.json'), 'kept', { fs: stalledUntil(data.opened) });
    const elsewhere = writeFileAtomic(join(root, 'other', 'x.json'), 'x', { fs: stalledUntil(other.opened) });
    let settled = false;
    const waiting = atomicWritesSettled(join(root, 'data')).then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    data.open();
    // other/ is still stalled: the wait for data/ ends anyway.
    await waiting;
    expect(readFileSync(join(root, 'data', 'sent-requests.json'), 'utf8')).toBe('kept');
    other.open();
    await Promise.all([write, elsewhere]);
    // A folder whose name only starts like another's is not under it.
    await expect(atomicWritesSettled(join(root, 'dat'))).resolves.toBeUndefined();
  });
});

describe('AppendLog with checksummed lines', () => {
  it('survives a torn tail: the torn record is found, cut off, and the next append starts on a clean line', async () => {
    const file = join(makeDir(), 'events.log');
    const first = await AppendLog.open(file);
    await Promise.all([first.append(encodeChecksummedLine({ n: 1 })), first.append(encodeChecksummedLine({ n: 2 }))]);
    await first.close();
    // Power lost in the middle of the third record.
    appendFileSync(file, encodeChecksummedLine({ n: 3 }).subarray(0, 12));

    const bytes = readFileSync(file);
    const lines = bytes.toString('latin1').split('\n');
    const torn = Buffer.from(lines.at(-1)!, 'latin1');
    expect(decodeChecksummedLine(torn)).toBeUndefined();
    const reopened = await AppendLog.open(file);
    expect(reopened.size).toBe(bytes.length);
    await reopened.truncate(bytes.length - torn.length);
    await reopened.append(encodeChecksummedLine({ n: 4 }));
    await reopened.close();

    const records = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => decodeChecksummedLine(Buffer.from(line)));
    expect(records).toEqual([{ n: 1 }, { n: 2 }, { n: 4 }]);
  });

  it('rejects a line whose checksum does not match, one flipped byte is enough', () => {
    const line = encodeChecksummedLine({ feedback: 'great' });
    const flipped = Buffer.from(line.subarray(0, -1));
    flipped[flipped.length - 3] ^= 0x01;
    expect(decodeChecksummedLine(line.subarray(0, -1))).toEqual({ feedback: 'great' });
    expect(decodeChecksummedLine(flipped)).toBeUndefined();
  });

  it('replaces its file atomically and appends to the new one', async () => {
    const file = join(makeDir(), 'ledger.jsonl');
    const log = AppendLog.openSync(file);
    void log.append(Buffer.from('spent\n'));
    await log.replace(() => Buffer.from('kept\n'));
    await log.append(Buffer.from('after\n'));
    await log.close();
    expect(readFileSync(file, 'utf8')).toBe('kept\nafter\n');
    await expect(log.append(Buffer.from('late\n'))).rejects.toMatchObject({ code: 'ERR_LOG_CLOSED' });
  });
});

describe('owned files', () => {
  it('tells a missing file from one that cannot be read, and sets a damaged one aside without overwriting an earlier copy', async () => {
    const file = join(makeDir(), 'crm-segments.json');
    expect(readOwnedFileSync(file)).toEqual({ kind: 'missing' });
    writeFileSync(file, 'garbage 1');
    const now = Date.UTC(2026, 5, 1);
    const firstCopy = await setAsideDamaged(file, 'copy', now);
    writeFileSync(file, 'garbage 2');
    const secondCopy = await setAsideDamaged(file, 'move', now);
    expect(firstCopy).toBe(`${file}.damaged-2026-06-01T00-00-00-000Z`);
    expect(secondCopy).toBe(`${file}.damaged-2026-06-01T00-00-00-000Z-1`);
    expect(readFileSync(firstCopy!, 'utf8')).toBe('garbage 1');
    expect(readFileSync(secondCopy!, 'utf8')).toBe('garbage 2');
    expect(readOwnedFileSync(file)).toEqual({ kind: 'missing' });
    expect(readOwnedFileSync(dir)).toMatchObject({ kind: 'unreadable', error: { code: 'EISDIR' } });
  });
});
