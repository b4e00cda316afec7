import type { DashboardCampaign } from '../../common/dashboard.js';
import { api, ApiFailure } from './api.js';
import { campaignView, statusBadge } from './campaign-view.js';
import { h, replace } from '../view-kit/dom.js';
import { problem, showSignIn, wordsOf } from '../view-kit/sign-in.js';

/** The campaign dashboard: sign in with an admin token, pick a campaign, read its figures. */
function start(root: HTMLElement): void {
  /** A 401 anywhere means the sign-in ended: back to the sign-in form with the server's reason. */
  const failed = (message: HTMLElement) => (error: unknown) => {
    if (error instanceof ApiFailure && error.status === 401) signInView(error.message);
    else replace(message, problem(wordsOf(error)));
  };

  const signInView = (reason?: string): void =>
    showSignIn(
      root,
      { title: 'Campaign dashboard — sign in', hint: 'Paste an admin token (it starts with ts_admin_).', label: 'Admin token' },
      api.signIn,
      () => void boot(),
      reason,
    );

  function dashboard(campaigns: readonly DashboardCampaign[]): void {
    const message = h('div', { attrs: { 'aria-live': 'polite' } });
    const result = h('div', { id: 'campaign-result' });
    const signOut = h('button', { class: 'link', attrs: { type: 'button' } }, 'Sign out');
    signOut.addEventListener('click', () => void api.signOut().then(() => signInView()));
    const buttons = new Map<string, HTMLButtonElement>();
    let asked = 0;

    const open = (campaign: DashboardCampaign, focus: boolean): void => {
      for (const [id, button] of buttons) button.setAttribute('aria-pressed', String(id === campaign.id));
      const ticket = ++asked;
      replace(message, h('p', { class: 'note' }, `Loading ${campaign.name}…`));
      api.stats(campaign.id).then(
        (stats) => {
          if (ticket !== asked) return;
          replace(message);
          const view = campaignView(campaign, stats);
          replace(result, view);
          history.replaceState(null, '', `#${encodeURIComponent(campaign.id)}`);
          if (focus) view.querySelector<HTMLElement>('#campaign-title')?.focus();
        },
        (error: unknown) => {
          if (ticket === asked) failed(message)(error);
        },
      );
    };

    const list =
      campaigns.length === 0
        ? h(
            'p',
            { class: 'empty', attrs: { 'data-empty': 'campaigns' } },
            'No campaigns yet. A campaign appears here once an admin creates or publishes one (`npm run admin -- publish <campaign.json>`).',
          )
        : h(
            'ul',
            { class: 'campaign-list' },
            ...campaigns.map((campaign) => {
              const button = h(
                'button',
                { class: 'campaign-button', attrs: { type: 'button', 'aria-pressed': 'false', 'data-campaign': campaign.id } },
                h('span', { class: 'campaign-name' }, campaign.name),
                statusBadge(campaign.status),
              );
              button.addEventListener('click', () => open(campaign, true));
              buttons.set(campaign.id, button);
              return h('li', {}, button);
            }),
          );

    replace(
      root,
      h(
        'header',
        { class: 'top' },
        h('h1', { class: 'brand' }, 'Trayside campaign dashboard'),
        h('span', { class: 'who' }, 'Signed in as admin'),
        signOut,
      ),
      h('nav', { class: 'panel', attrs: { 'aria-labelledby': 'campaigns-title' } }, h('h2', { id: 'campaigns-title' }, 'Campaigns'), list),
      message,
      result,
    );
    const fromLink = decodeURIComponent(location.hash.slice(1));
    const linked = campaigns.find((campaign) => campaign.id === fromLink);
    if (linked !== undefined) open(linked, false);
  }

  async function boot(): Promise<void> {
    try {
      await api.session();
    } catch (error) {
      signInView(error instanceof ApiFailure && error.status === 401 ? undefined : wordsOf(error));
      return;
    }
    try {
      dashboard((await api.campaigns()).campaigns);
    } catch (error) {
      const message = h('div', {});
      replace(root, message);
      failed(message)(error);
    }
  }

  void boot();
}

const root = document.getElementById('app');
if (root !== null) start(root);
