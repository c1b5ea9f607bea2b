import type { Route } from '../router/url-state';
import type { PageModule } from './page';

/**
 * The dashboard's pages: a path pattern and the page's module, loaded on first visit (each page
 * is a chunk of its own: the first page loads only the shell and the overview). The gateway
 * answers index.html for these paths (decision 3 of docs/adr/0020-dashboard-stack.md).
 */
export const ROUTES: ReadonlyArray<Route<() => Promise<PageModule>>> = [
  { pattern: '/', page: () => import('./overview/OverviewPage') },
  { pattern: '/twins/:twinId', page: () => import('./twin/TwinPage') },
  { pattern: '/what-if', page: () => import('./what-if/WhatIfPage') },
  { pattern: '/alerts', page: () => import('./alerts/AlertsPage') },
];
