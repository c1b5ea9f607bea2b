export * from './config/env-parsing';
export * from './config/service.config';
export * from './open-infrastructure';
export * from './http/http-problem';
export * from './http/http-error.filter';
export * from './directory/twin-directory';
export * from './logging/structured-logger';
export * from './http/query-params';
