import { describe, expect, it } from 'vitest';
import { ActionSourceSchema } from '../contract/actions.js';
import { messagesFeature } from '../contract/messages.js';
import { ManifestMessageSchema, MessageIdSchema } from './manifest.js';

describe('one message id rule at every door', () => {
  // The server refuses events whose messageId is not `<campaignId>@<revision>`: an id the panel
  // could dismiss but whose events the server would refuse would lose the owner's engagement.
  const ids = ['cyan-low@3', 'a@1', 'Cyan-Low@1', 'cyan-low', 'cyan-low@0', `${'x'.repeat(70)}@1`, 'x'.repeat(80)];

  it('the panel calls, action sources and manifests accept exactly the ids events accept', () => {
    for (const id of ids) {
      const valid = MessageIdSchema.safeParse(id).success;
      expect(messagesFeature.dismiss.input.safeParse({ id }).success, `dismiss ${id}`).toBe(valid);
      expect(messagesFeature.snooze.input.safeParse({ id, hours: 1 }).success, `snooze ${id}`).toBe(valid);
      expect(ActionSourceSchema.safeParse({ campaignId: 'cyan-low', variantId: 'a', messageId: id }).success, `action source ${id}`).toBe(
        valid,
      );
      expect(ManifestMessageSchema.shape.id.safeParse(id).success, `manifest ${id}`).toBe(valid);
    }
    expect(ids.filter((id) => MessageIdSchema.safeParse(id).success)).toEqual(['cyan-low@3', 'a@1']);
  });
});
