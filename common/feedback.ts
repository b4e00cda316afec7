import { FREE_TEXT_MAX_CHARS, type Feedback, type SurveyAnswer } from './events.js';

/**
 * Checks what the owner entered against the feedback action the campaign defined, so the panel
 * can show messages next to each field and the core can refuse the same things again.
 */

/** A feedback action as the campaign defines it (common/messages/content.ts FeedbackActionSchema). */
export interface FeedbackDefinition {
  kind: 'thumbs' | 'rating' | 'survey' | 'text';
  questions?:
    | readonly {
        id: string;
        text: string;
        choices?: readonly string[] | undefined;
        multiple?: boolean | undefined;
        maxLength?: number | undefined;
        optional?: boolean | undefined;
      }[]
    | undefined;
}

/** What the form holds before it is checked. */
export type FeedbackDraft =
  | { kind: 'thumbs'; value?: 'up' | 'down' | undefined }
  | { kind: 'rating'; value?: number | undefined }
  | { kind: 'survey'; answers: Record<string, SurveyAnswer | undefined> }
  | { kind: 'text'; text?: string | undefined };

/** Either valid feedback, or one message per field (`form` for the whole form, else the question id). */
export type FeedbackCheck = { ok: true; feedback: Feedback } | { ok: false; errors: Record<string, string> };

/** The most characters a free-text answer may have for this question. */
export function textLimit(question: { maxLength?: number | undefined } | undefined): number {
  return Math.min(question?.maxLength ?? FREE_TEXT_MAX_CHARS, FREE_TEXT_MAX_CHARS);
}

/**
 * Whether the owner may leave a survey question empty. A free-text question is optional unless the
 * campaign sets `optional: false` (typing is work, and a forced comment is a made-up one); a
 * question with choices must be answered unless the campaign sets `optional: true`.
 */
export function isOptionalQuestion(question: { choices?: readonly string[] | undefined; optional?: boolean | undefined }): boolean {
  return question.optional ?? question.choices === undefined;
}

/** Validates a draft against the definition; text is kept exactly as typed (only checked for length and emptiness). */
export function checkFeedback(definition: FeedbackDefinition, draft: FeedbackDraft): FeedbackCheck {
  if (draft.kind !== definition.kind) return { ok: false, errors: { form: `This message asks for ${definition.kind} feedback.` } };
  switch (draft.kind) {
    case 'thumbs':
      return draft.value === 'up' || draft.value === 'down'
        ? { ok: true, feedback: { kind: 'thumbs', value: draft.value } }
        : { ok: false, errors: { form: 'Choose thumbs up or thumbs down.' } };
    case 'rating':
      return Number.isInteger(draft.value) && draft.value! >= 1 && draft.value! <= 5
        ? { ok: true, feedback: { kind: 'rating', value: draft.value! } }
        : { ok: false, errors: { form: 'Choose a number from 1 to 5.' } };
    case 'text': {
      const text = draft.text ?? '';
      if (text.trim() === '') return { ok: false, errors: { form: 'Write a few words first.' } };
      if (text.length > FREE_TEXT_MAX_CHARS)
        return { ok: false, errors: { form: `Keep it under ${FREE_TEXT_MAX_CHARS} characters (now ${text.length}).` } };
      return { ok: true, feedback: { kind: 'text', text } };
    }
    case 'survey': {
      const errors: Record<string, string> = {};
      const answers: Record<string, SurveyAnswer> = {};
      for (const question of definition.questions ?? []) {
        const answer = draft.answers[question.id];
        const empty = answer === undefined || (Array.isArray(answer) ? answer.length === 0 : answer.trim() === '');
        if (empty) {
          if (!isOptionalQuestion(question))
            errors[question.id] =
              question.choices === undefined ? 'Please write an answer.' : question.multiple === true ? 'Pick at least one.' : 'Pick one.';
          continue;
        }
        if (question.choices === undefined) {
          if (typeof answer !== 'string') errors[question.id] = 'Write the answer as text.';
          else if (answer.length > textLimit(question))
            errors[question.id] = `Keep it under ${textLimit(question)} characters (now ${answer.length}).`;
          else answers[question.id] = answer;
          continue;
        }
        const picked = Array.isArray(answer) ? answer : [answer];
        if (question.multiple !== true && picked.length !== 1) errors[question.id] = 'Pick one.';
        else if (new Set(picked).size !== picked.length) errors[question.id] = 'Each choice counts once.';
        else if (picked.some((choice) => !question.choices!.includes(choice))) errors[question.id] = 'Pick from the choices shown.';
        else answers[question.id] = question.multiple === true ? picked : picked[0]!;
      }
      for (const id of Object.keys(draft.answers)) {
        if (!(definition.questions ?? []).some((question) => question.id === id)) errors[id] = 'This question is not part of the survey.';
      }
      if (Object.keys(errors).length > 0) return { ok: false, errors };
      if (Object.keys(answers).length === 0) return { ok: false, errors: { form: 'Answer at least one question.' } };
      return { ok: true, feedback: { kind: 'survey', answers } };
    }
  }
}
