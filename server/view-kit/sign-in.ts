import { ApiFailure } from './api-call.js';
import { h, replace } from './dom.js';

/** An alert paragraph: read out at once by a screen reader. */
export function problem(text: string): HTMLElement {
  return h('p', { class: 'problem', attrs: { role: 'alert' } }, text);
}

/** The sentence to show for a failure: the server's for an ApiFailure, else a reload hint (a bug in the page). */
export function wordsOf(error: unknown): string {
  return error instanceof ApiFailure ? error.message : 'Something went wrong in the page; reload it.';
}

export interface SignInWords {
  title: string;
  hint: string;
  label: string;
}

/**
 * The sign-in form of a web view: a token field (a password input, never autocompleted), the
 * server's reason for a refusal in a live region, and focus in the field. `signIn` exchanges the
 * token for the session cookie; `signedIn` runs once it has.
 */
export function showSignIn(
  root: HTMLElement,
  words: SignInWords,
  signIn: (token: string) => Promise<unknown>,
  signedIn: () => void,
  reason?: string,
): void {
  const token = h('input', { id: 'token', attrs: { type: 'password', autocomplete: 'off', spellcheck: 'false', required: '' } });
  const message = h('div', { attrs: { 'aria-live': 'polite' } }, reason === undefined ? null : problem(reason));
  const form = h(
    'form',
    { class: 'panel sign-in', attrs: { 'aria-labelledby': 'sign-in-title' } },
    h('h1', { id: 'sign-in-title' }, words.title),
    h('p', {}, words.hint),
    h('label', { attrs: { for: 'token' } }, words.label),
    token,
    h('button', { attrs: { type: 'submit' } }, 'Sign in'),
    message,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    signIn(token.value).then(signedIn, (error: unknown) => replace(message, problem(wordsOf(error))));
  });
  replace(root, form);
  token.focus();
}
