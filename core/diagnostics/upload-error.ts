/** What deleting or uploading can fail with, for the caller to turn into a contract error. */
export class UploadError extends Error {
  override readonly name = 'UploadError';
  constructor(
    readonly kind: 'not-found' | 'forbidden' | 'unavailable' | 'invalid-input',
    message: string,
  ) {
    super(message);
  }
}
