/**
 * Delivery of notifications (docs/adr/0019 §7, docs/services/alerting.md#channels-and-deliveries).
 * The engine wires it roughly so:
 *
 *   const settings = readDeliverySettings(env);
 *   const key = resolveAlertingKey(settings.secretKey, serviceConfig)?.key;
 *   const mailer = mailerFor(settings);
 *   const runner = new DeliveryRunner({
 *     due: (now, limit, skip) => projection.dueDeliveries(now, limit, skip),
 *     targetOf: targetOpener(key, (id) => projection.channel(id)),
 *     record: (id, outcome, jitter) =>
 *       appendAndApply(decideDeliveryOutcome(projection, id, outcome, clock.now(), s, jitter)),
 *     concurrency: settings.concurrency,
 *     timeoutMs: settings.timeoutMs,
 *     mailer,
 *     now: () => clock.now(),
 *   });
 *   // each tick: runner.tick(now); on stop: await runner.stop(); mailer?.close();
 */
export * from './alerting-key';
export * from './channel-target';
export * from './delivery.config';
export * from './delivery-outcome';
export * from './delivery-runner';
export * from './email-message';
export * from './email-sender';
export * from './notification-words';
export * from './send-notification';
export * from './slack-message';
export * from './target-sealing';
export * from './teams-message';
export * from './test-notification';
export * from './twinlog-signature';
export * from './webhook-body';
