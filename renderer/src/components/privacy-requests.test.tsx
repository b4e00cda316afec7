import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { PrivacyRequestView } from '../../../common/contract/privacy.js';
import { PrivacyRequestsList, receiptStatus } from './privacy-requests.js';

const formatTime = (ms: number) => new Date(ms).toISOString().slice(11, 16);
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
const base: PrivacyRequestView = {
  id: '6b1f1c2e-0d7a-4e55-9c3b-2f4a5b6c7d80',
  kind: 'deletion',
  scopes: ['support', 'usage'],
  reason: 'owner',
  status: 'queued',
  requestedAt: Date.UTC(2026, 0, 1, 9, 0),
  completedAt: null,
  counts: null,
  problem: null,
};

describe('data requests in the panel', () => {
  it('says where each receipt is: sending, retrying with the reason, pending, completed with the time', () => {
    expect(receiptStatus(base, formatTime)).toBe('Sending…');
    expect(receiptStatus({ ...base, problem: 'connect ECONNREFUSED' }, formatTime)).toBe('Not sent yet — retrying (connect ECONNREFUSED)');
    expect(receiptStatus({ ...base, status: 'pending' }, formatTime)).toBe('Pending on the server');
    expect(receiptStatus({ ...base, status: 'completed', completedAt: Date.UTC(2026, 0, 1, 9, 5) }, formatTime)).toBe('Completed at 09:05');
  });

  it('lists requests with their kind and reason, and offers to save a completed export only', () => {
    const html = renderToStaticMarkup(
      <PrivacyRequestsList
        state={{
          available: true,
          requests: [
            { ...base, kind: 'export', status: 'completed', completedAt: Date.UTC(2026, 0, 1, 9, 5) },
            { ...base, id: '0c9e2a71-5b3d-4f68-8a1e-7d2c3b4a5f69', reason: 'consent-withdrawn' },
          ],
        }}
        formatTime={formatTime}
        onDownload={() => undefined}
      />,
    );
    expect(text(html)).toBe(
      'Download my data · requested 09:00 Completed at 09:05 Save file Delete my data (you stopped sharing) · requested 09:00 Sending…',
    );
    expect(html.match(/<button/g)).toHaveLength(1);
  });
});
