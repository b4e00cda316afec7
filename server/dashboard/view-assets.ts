import { ViewAssets } from '../support/view-assets.js';

/** The built files the dashboard serves, by name, with their content types. */
export const DASHBOARD_VIEW_FILES: Readonly<Record<string, string>> = {
  'dashboard-view.js': 'text/javascript; charset=utf-8',
  'dashboard-view.css': 'text/css; charset=utf-8',
};

/** The dashboard's browser bundle (server/dashboard-view/, built by scripts/build-dashboard-view.mjs into out/dashboard-view/). */
export class DashboardViewAssets extends ViewAssets {
  constructor() {
    super({
      buildScript: 'scripts/build-dashboard-view.mjs',
      output: 'out/dashboard-view',
      sources: ['server/dashboard-view', 'common/analytics.ts'],
      files: DASHBOARD_VIEW_FILES,
    });
  }
}
