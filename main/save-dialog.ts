// Where an exported diagnostics bundle goes in the Electron app: the owner picks, starting in Downloads.
import { join } from 'node:path';
import { app, dialog } from 'electron';
import type { SaveBundleFile } from '../core/diagnostics/diagnostics-service.js';
import { writeFileAtomic } from '../core/storage/atomic-write.js';

export async function saveBundleWithDialog(...[name, text]: Parameters<SaveBundleFile>): ReturnType<SaveBundleFile> {
  const choice = await dialog.showSaveDialog({
    defaultPath: join(app.getPath('downloads'), name),
    filters: [{ name: 'Diagnostics bundle', extensions: ['json'] }],
  });
  if (choice.canceled || !choice.filePath) return { status: 'cancelled' };
  await writeFileAtomic(choice.filePath, text);
  return { status: 'saved', path: choice.filePath };
}
