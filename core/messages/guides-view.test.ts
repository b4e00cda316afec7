import { describe, expect, it } from 'vitest';
import type { ManifestGuide } from '../../common/messages/index.js';
import { testManifest } from '../../test/support/manifests.js';
import { panelGuides } from './guides-view.js';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';

function jamGuide(): ManifestGuide {
  return {
    id: 'jam@2',
    guideId: 'jam',
    revision: 2,
    target: { models: ['Trayside Demo Printer'], errors: ['media-jam'], supplies: [] },
    locale: 'en',
    content: {
      title: 'How to clear a jam',
      steps: [
        { text: 'Open the rear door.', image: { url: 'https://cdn.example.com/door.png', alt: 'The rear door' } },
        { text: 'Pull the paper.', image: { url: 'https://tracker.example.net/pixel.png', alt: 'Paper' } },
        { text: 'Close it.', image: { data: PNG, alt: 'Closed door' } },
      ],
    },
  };
}

describe('panel guides', () => {
  it('keeps images on the branding’s image hosts and embedded ones, and drops others while keeping their step', () => {
    const [guide] = panelGuides(testManifest(0, { guides: [jamGuide()] }), ['cdn.example.com']);
    expect(guide!.content.steps.map((step) => [step.text, step.image?.url ?? step.image?.data ?? null])).toEqual([
      ['Open the rear door.', 'https://cdn.example.com/door.png'],
      ['Pull the paper.', null],
      ['Close it.', PNG],
    ]);
  });

  it('has none without a manifest or when the manifest carries none', () => {
    expect(panelGuides(undefined, ['cdn.example.com'])).toEqual([]);
    expect(panelGuides(testManifest(0), ['cdn.example.com'])).toEqual([]);
  });
});
