import { describeError } from '../../common/errors.js';

/** The `code` of a Node file-system error ("ENOENT"), or undefined for anything else. */
export function fsErrorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

const FS_PROBLEMS: Record<string, string> = {
  EACCES: 'read-only',
  EPERM: 'read-only',
  EROFS: 'read-only file system',
  EISDIR: 'a directory is in its place',
  ERR_FS_EISDIR: 'a directory is in its place',
  ENOTDIR: 'a file is in the place of its folder',
  EEXIST: 'a file is in the place of its folder',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EIO: 'the disk reported an error',
};

/** Names a file-system failure in a few words for a one-line log: "EACCES: read-only". */
export function describeFsError(error: unknown): string {
  const code = fsErrorCode(error);
  if (code !== undefined) return `${code}: ${FS_PROBLEMS[code] ?? 'cannot be used'}`;
  return describeError(error);
}
