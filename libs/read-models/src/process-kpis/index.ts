export * from './kpi-settings';
export * from './oee';
export * from './point-series';
export * from './process-kpi-projection';
