import { useId } from 'react';
import type { DeviceSnapshot } from '../../../common/device.js';
import { matchGuides, type MatchedGuide } from '../../../common/messages/manifest-guide.js';
import { useLinkHosts } from '../store/selectors.js';
import { useStore } from '../store/store.js';
import { MessageBody } from './messages/message-body.js';
import { useTranslator } from '../l10n/use-translator.js';
import './guides.css';

/** The guides of the manifest in use that fit this device's current errors and low supplies. */
function useDeviceGuides(device: DeviceSnapshot): MatchedGuide[] {
  const guides = useStore((state) => state.inbox.guides);
  if (guides === undefined || guides.length === 0) return [];
  return matchGuides(guides, { model: device.identity.model, conditions: device.conditions, supplies: device.supplies });
}

/** What a guide is beside, in the device's own words: the condition's message or the supply's name. */
function anchorLabel(device: DeviceSnapshot, guide: MatchedGuide): string {
  if (guide.anchor.kind === 'error') {
    const code = guide.anchor.code;
    return device.conditions.find((condition) => condition.code === code)?.message || code;
  }
  const id = guide.anchor.supplyId;
  return device.supplies.find((supply) => supply.id === id)?.name ?? id;
}

/** One guide, folded to its title until the owner opens it; steps numbered, each with its picture. */
export function GuideDetails({ guide, about }: { guide: MatchedGuide; about: string }) {
  const hosts = useLinkHosts();
  const titleId = useId();
  const { t } = useTranslator();
  return (
    <details className="guide" lang={guide.locale}>
      <summary className="guide__summary">
        <span className="guide__title" id={titleId}>
          {guide.content.title}
        </span>
        <span className="guide__about">{t('guides.for', { about })}</span>
      </summary>
      {guide.content.summary !== undefined && guide.content.summary !== '' && (
        <MessageBody body={guide.content.summary} allowedLinkHosts={hosts} />
      )}
      <ol className="guide__steps" aria-labelledby={titleId}>
        {guide.content.steps.map((step, index) => (
          <li key={index} className="guide__step">
            <MessageBody body={step.text} allowedLinkHosts={hosts} />
            {step.image !== undefined && (
              <img
                className="guide__image"
                src={step.image.url ?? step.image.data}
                alt={step.image.alt}
                loading="lazy"
                referrerPolicy="no-referrer"
              />
            )}
          </li>
        ))}
      </ol>
    </details>
  );
}

/** In a device card, under its problems: the OEM's help for each current error and each supply to replace. */
export function DeviceGuides({ device }: { device: DeviceSnapshot }) {
  const matched = useDeviceGuides(device);
  const { t } = useTranslator();
  if (matched.length === 0 || device.state === 'unreachable') return null;
  return (
    <section className="guides" aria-label={t('guides.helpFor', { device: device.identity.model || t('guides.thisDevice') })}>
      {matched.map((guide) => (
        <GuideDetails
          key={`${guide.id} ${guide.anchor.kind === 'error' ? guide.anchor.code : guide.anchor.supplyId}`}
          guide={guide}
          about={anchorLabel(device, guide)}
        />
      ))}
    </section>
  );
}

/** In Get help: every guide that fits a device's state now, once each, or nothing when none does. */
export function HelpGuides() {
  const devices = useStore((state) => state.devices);
  const guides = useStore((state) => state.inbox.guides);
  const headingId = useId();
  const { t } = useTranslator();
  if (guides === undefined || guides.length === 0) return null;
  const seen = new Set<string>();
  const entries: { guide: MatchedGuide; about: string; key: string }[] = [];
  for (const device of devices) {
    if (device.state === 'unreachable') continue;
    for (const guide of matchGuides(guides, { model: device.identity.model, conditions: device.conditions, supplies: device.supplies })) {
      const key = `${device.id} ${guide.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      entries.push({ guide, about: `${device.identity.model || device.id} · ${anchorLabel(device, guide)}`, key });
    }
  }
  if (entries.length === 0) return null;
  return (
    <section className="help__section guides" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('guides.now')}</h3>
      {entries.map((entry) => (
        <GuideDetails key={entry.key} guide={entry.guide} about={entry.about} />
      ))}
    </section>
  );
}
