export { apiDocument, type DocumentOptions, type OpenApiDocument } from './api-document';
export { routesOf, openApiPath, type ApiRoute } from './routes-of';
export type { JsonSchema } from './json-schema';
export * from './answers/twin.answers';
export * from './answers/alerts.answers';
