import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { BUNDLE_LIMITS } from '../../common/diagnostics/bundle.js';
import type { DiagnosticsPreview } from '../../common/contract/diagnostics.js';
import { TraysideError } from '../../common/contract/index.js';
import { buildBundle, bundleText, type CaptureInput } from './capture.js';
import { REDACTION_KIND_LABELS, REDACTION_KINDS, type RedactionChoices } from './redact.js';

/** A capture rendered under the owner's choices: what the panel shows, and the gzip of exactly that text. */
export interface RenderedBundle {
  preview: DiagnosticsPreview;
  bytes: Uint8Array;
}

/**
 * Renders a capture to the one text that is reviewed, exported and uploaded, named by its hash so
 * export and upload can insist on the rendering the owner saw. A bundle over the size support
 * accepts is refused here, before the owner reviews something that could never be sent.
 */
export function renderBundle(input: CaptureInput, choices: RedactionChoices): RenderedBundle {
  const bundle = buildBundle(input, choices);
  const text = bundleText(bundle);
  const bytes = new TextEncoder().encode(text);
  const compressed = gzipSync(bytes);
  const summary = new Map(bundle.redaction.map((entry) => [entry.kind, entry]));
  const preview: DiagnosticsPreview = {
    id: createHash('sha256').update(bytes).digest('hex').slice(0, 32),
    capturedAt: input.capturedAt,
    text,
    bytes: bytes.length,
    compressedBytes: compressed.length,
    limitBytes: BUNDLE_LIMITS.maxBytes,
    kinds: REDACTION_KINDS.map((kind) => ({
      kind,
      label: REDACTION_KIND_LABELS[kind],
      count: summary.get(kind)?.count ?? 0,
      choice: choices[kind] === 'keep' ? 'keep' : 'remove',
    })),
    leftOut: bundle.leftOut,
  };
  if (bytes.length > BUNDLE_LIMITS.maxBytes) {
    throw new TraysideError(
      'unavailable',
      `The bundle is ${(bytes.length / 1024 / 1024).toFixed(1)} MB, over the ${BUNDLE_LIMITS.maxBytes / 1024 / 1024} MB support accepts; remove the logs from older runs and capture again.`,
    );
  }
  return { preview, bytes: compressed };
}
