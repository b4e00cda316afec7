import { parseCaseCode } from '../../common/diagnostics/case-code.js';
import { api, ApiFailure, type Session } from './api.js';
import { caseView } from './case-view.js';
import { h, replace } from '../view-kit/dom.js';
import { problem, showSignIn, wordsOf } from '../view-kit/sign-in.js';

/** The support view: sign in with a support token, then open case codes. */
function start(root: HTMLElement): void {
  let closeCase: (() => void) | undefined;

  function signInView(reason?: string): void {
    closeCase?.();
    showSignIn(
      root,
      {
        title: 'Trayside support — sign in',
        hint: 'Paste the support token an administrator gave you (it starts with ts_support_).',
        label: 'Support token',
      },
      api.signIn,
      () => void boot(),
      reason,
    );
  }

  function caseOpener(session: Session): void {
    const code = h('input', {
      id: 'case-code',
      attrs: { autocomplete: 'off', spellcheck: 'false', placeholder: 'K7QM-42XD-9', inputmode: 'text', 'aria-describedby': 'case-hint' },
    });
    const message = h('div', { attrs: { 'aria-live': 'polite' } });
    const result = h('div', { id: 'case-result' });
    const signOut = h('button', { class: 'link', attrs: { type: 'button' } }, 'Sign out');
    signOut.addEventListener('click', () => void api.signOut().then(() => signInView()));
    const form = h(
      'form',
      { class: 'panel opener', attrs: { role: 'search' } },
      h('label', { attrs: { for: 'case-code' } }, 'Case code'),
      code,
      h('button', { attrs: { type: 'submit' } }, 'Open case'),
      h('p', { id: 'case-hint', class: 'note' }, 'As the owner reads it: any case, with or without dashes.'),
      message,
    );
    const open = (typed: string): void => {
      closeCase?.();
      closeCase = undefined;
      replace(result);
      const parsed = parseCaseCode(typed);
      if (!parsed.ok) {
        replace(message, problem(parsed.message));
        return;
      }
      code.value = parsed.code;
      replace(message, h('p', { class: 'note' }, `Opening ${parsed.code}…`));
      api.openCase(parsed.code).then(
        (answer) => {
          const view = caseView(answer);
          closeCase = view.dispose;
          replace(message);
          replace(result, view.element);
          history.replaceState(null, '', `#${parsed.code}`);
        },
        (error: unknown) => {
          if (error instanceof ApiFailure && error.status === 401) signInView(error.message);
          else replace(message, problem(wordsOf(error)));
        },
      );
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      open(code.value);
    });
    replace(
      root,
      h(
        'header',
        { class: 'top' },
        h('span', { class: 'brand' }, 'Trayside support'),
        h('span', { class: 'who' }, `Signed in as ${session.name}`),
        signOut,
      ),
      form,
      result,
    );
    const fromLink = decodeURIComponent(location.hash.slice(1));
    if (fromLink !== '') open(fromLink);
    else code.focus();
  }

  async function boot(): Promise<void> {
    try {
      caseOpener(await api.session());
    } catch (error) {
      signInView(error instanceof ApiFailure && error.status === 401 ? undefined : wordsOf(error));
    }
  }

  void boot();
}

const root = document.getElementById('app');
if (root !== null) start(root);
