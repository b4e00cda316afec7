import { describe, expect, it } from 'vitest';
import { checkFeedback, type FeedbackDefinition } from './feedback.js';

const survey: FeedbackDefinition = {
  kind: 'survey',
  questions: [
    { id: 'quality', text: 'How happy are you?', choices: ['Very', 'Not really'] },
    { id: 'improve', text: 'What should we improve?' },
  ],
};

describe('feedback checks', () => {
  it('lets the owner leave a free-text survey question empty unless the campaign requires it', () => {
    expect(checkFeedback(survey, { kind: 'survey', answers: { quality: 'Very' } })).toEqual({
      ok: true,
      feedback: { kind: 'survey', answers: { quality: 'Very' } },
    });
    const required: FeedbackDefinition = {
      kind: 'survey',
      questions: [survey.questions![0]!, { id: 'improve', text: 'What should we improve?', optional: false }],
    };
    expect(checkFeedback(required, { kind: 'survey', answers: { quality: 'Very' } })).toEqual({
      ok: false,
      errors: { improve: 'Please write an answer.' },
    });
  });

  it('still asks for a choice question to be answered', () => {
    expect(checkFeedback(survey, { kind: 'survey', answers: { improve: 'Less noise' } })).toEqual({
      ok: false,
      errors: { quality: 'Pick one.' },
    });
  });

  it('speaks of numbers for a rating, as the form shows numbered buttons, not stars', () => {
    const check = checkFeedback({ kind: 'rating' }, { kind: 'rating' });
    expect(check).toEqual({ ok: false, errors: { form: 'Choose a number from 1 to 5.' } });
  });
});
