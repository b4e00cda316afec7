import { ViewAssets } from '../support/view-assets.js';

/** The built files the dashboard serves, by name, with their content types. */
export const DASHBOARD_VIEW_FILES: Readonly<Record<string, string>> = {
  'dashboard-view.js': 'text/javascript; charset=utf-8',
  'dashboard-view.css': 'text/css; charset=utf-8',
};

/** The dashboard's browser bundle (server/dashboard-view/, built by scripts/build-web-view.mjs into out/dashboard-view/). */
export class DashboardViewAssets extends ViewAssets {
  constructor() {
    super({
      view: 'dashboard-view',
      sources: ['common/analytics.ts', 'common/analytics-format.ts', 'common/dashboard.ts'],
      files: DASHBOARD_VIEW_FILES,
    });
  }
}
