export * from './infra/infra-settings';
export * from './infra/provision-infra';
export * from './infra/provisioned-server';
export * from './infra/test-settings';
export * from './infra/ports';
export { cacheDir, repoRoot, tsRunner } from './infra/cache-dir';
export { startLocalKafka } from './infra/local/kafka.local';
export { startLocalInflux } from './infra/local/influxdb.local';
export { startThrowawayMosquitto } from './infra/throwaway-mosquitto';
export {
  TELEGRAF_WARM_UP_TWIN,
  measurementOf,
  startTelegraf,
  type RunningTelegraf,
  type TelegrafOptions,
} from './infra/telegraf/telegraf.local';
export { telegrafConfigText, type TelegrafPeerConfig } from './infra/telegraf/telegraf-config';
export { countPeerPoints, peerPoints, type PeerPoint } from './infra/telegraf/peer-points';
export { testCertificates, type TestCertificates } from './infra/local/test-certificates';
export {
  BROKER_SIZING_OPTIONS,
  SHIPPED_MOSQUITTO_CONF,
  mosquittoConfigText,
  readMosquittoOptions,
  shippedBrokerSizing,
  type MosquittoOverrides,
} from './infra/mosquitto-sizing';
export { MQTT_TEST_USER, SHIPPED_MOSQUITTO_ACL, aclUsers, mqttUrlAs } from './infra/mosquitto-auth';
export { startTcpProxy, type TcpProxy } from './faults/tcp-proxy';
export { distributedServiceEnv } from './infra/service-env';
export { registerTwins, type TwinToRegister } from './twins/register-twins';
export { registerTwinOverHttp } from './twins/register-over-http';
export {
  commandsDuringHandover,
  type CommandOutcome,
  type HandoverTally,
} from './twins/commands-during-handover';
export { until } from './wait/until';
export { jsonRequest } from './http/json-request';
export { untilProgressed } from './wait/until-progressing';
export { Qos1Publisher, type MqttMessage } from './mqtt/qos1-publisher';
export {
  arrivals,
  readingIdCounts,
  type Arrivals,
  type ReplaysEvents,
} from './readings/reading-ids';
export { openSse, type SseConnection, type SseMessage } from './http/sse-client';
export { AnswerCheck, type DescribedApi } from './http/answer-check';
export {
  startWebhookReceiver,
  type ReceivedDelivery,
  type ReceivedRequest,
  type WebhookReceiver,
} from './alerting/webhook-receiver';
export {
  startSmtpServer,
  type ReceivedMail,
  type SmtpTestServer,
} from './alerting/smtp-test-server';
export { CHROMIUM, ensureChromium, type ChromiumMachine } from './browser/ensure-chromium';
export {
  CHROMIUM_FLAGS,
  DESKTOP,
  TABLET,
  artifactsDir,
  isRefusal,
  pageErrors,
  saveScreenshot,
  startBrowser,
  type PageOptions,
  type TestBrowser,
  type Viewport,
} from './browser/browser';
export { checkAccessibility, describeViolations, type Violation } from './browser/accessibility';
export {
  freshAiStatus,
  startOpenAiCompatibleServer,
  type AiReply,
  type OpenAiCompatibleServer,
  type RecordedAiRequest,
} from './openai/openai-compatible-server';
export { NO_AMOUNTS } from './openai/asked-perturbation';
