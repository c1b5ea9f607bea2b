export { TwinDirectory } from './twin-directory';
export * from './process-kpis';
