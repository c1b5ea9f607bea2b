// What the all-in-one process composes: the one-port gateway, its routes and its configuration.
export { startOnePortGateway, type OnePortGateway } from './one-port-gateway';
export { SERVICES, serviceFor, type ServiceName } from './routes';
export { readGatewayConfig, type GatewayConfig } from './gateway.config';
