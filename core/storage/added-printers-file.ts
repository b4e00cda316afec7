import type { AddedPrintersStorage } from '../../native/discovery/network-printers.js';
import { writeFileAtomic } from './atomic-write.js';
import { describeFsError } from './fs-error.js';
import { readOwnedFileSync, setAsideDamagedSync } from './owned-file.js';

/** The added network printers as a file the app owns: read once at start, replaced atomically on each add. */
export function addedPrintersFile(path: string, log: (message: string) => void): AddedPrintersStorage {
  return {
    readSync() {
      const found = readOwnedFileSync(path);
      if (found.kind === 'unreadable')
        log(`network printers: cannot read ${path} (${describeFsError(found.error)}); starting without the printers added before`);
      return found.kind === 'read' ? found.text : undefined;
    },
    setAside(reason) {
      const aside = setAsideDamagedSync(path, 'move');
      log(`network printers: ${path} is ${reason}; ${aside ? `kept as ${aside}` : 'it could not be moved aside'}`);
    },
    write: (text) => writeFileAtomic(path, text),
  };
}
