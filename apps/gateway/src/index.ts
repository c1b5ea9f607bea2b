// What the all-in-one process composes: the one-port gateway, its routes and its configuration.
export { startOnePortGateway, type OnePortGateway } from './one-port-gateway';
export { SERVICES, serviceFor, type ServiceName } from './routes';
export { readGatewayConfig, type GatewayConfig } from './gateway.config';
// The API's OpenAPI documents: the one the gateway serves, and each service port's own (ADR 0016).
export { gatewayApiDocument, serviceApiDocument } from './api/api-document';
