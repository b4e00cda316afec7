import type { Route } from '../http/route.js';
import { adminRoutes } from './admin.js';
import { diagnosticsAdminRoutes } from './diagnostics-admin.js';
import { eventRoutes } from './events.js';
import { healthRoutes } from './health.js';
import { manifestRoutes } from './manifest.js';
import { privacyRoutes } from './privacy.js';
import { statsRoutes } from './stats.js';
import { updateRoutes } from '../updates/routes.js';

/** A named group of routes. */
export interface RouteGroup {
  name: string;
  routes: readonly Route[];
}

/**
 * Every route the server registers, in one list; the OpenAPI document is generated from it.
 * A new group of routes (events, analytics, CRM webhooks) is added here, or it is neither served nor documented.
 */
export const ROUTE_GROUPS: readonly RouteGroup[] = [
  { name: 'health', routes: healthRoutes },
  { name: 'manifest', routes: manifestRoutes },
  { name: 'admin', routes: adminRoutes },
  { name: 'events', routes: eventRoutes },
  { name: 'stats', routes: statsRoutes },
  { name: 'updates', routes: updateRoutes },
  { name: 'support-admin', routes: diagnosticsAdminRoutes },
  { name: 'privacy', routes: privacyRoutes },
];
