// Moved to core/storage/ (the one storage module). These aliases keep the stores that other
// changes in flight still point here compiling; import from core/storage/ instead, and delete this
// file once nothing imports it (grep for durable-file to find its importers).
export { describeFsError } from '../storage/fs-error.js';
export { writeFileAtomicSync } from '../storage/atomic-write.js';
export { readOwnedFileSync as readOwnedFile, setAsideDamagedSync as setAsideDamaged, type OwnedFileRead } from '../storage/owned-file.js';
