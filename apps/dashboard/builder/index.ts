// The dashboard's build tooling (Node), for the processes that serve it: `npm start`, the
// distributed launcher and the gateway's main build it when it is missing or stale.
export { ensureDashboardBuilt } from './ensure-built';
export { buildDashboard, type DashboardBuild } from './dashboard-build';
export { DEFAULT_OUT_DIR as DASHBOARD_DIR } from './build-inputs';
