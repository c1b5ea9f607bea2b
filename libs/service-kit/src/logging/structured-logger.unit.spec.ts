import { StructuredLogger } from './structured-logger';

describe('StructuredLogger', () => {
  const at = new Date('2026-11-27T10:11:12.000Z');

  it('writes one JSON object per line with the service, level, context and message', () => {
    const lines: string[] = [];
    const logger = new StructuredLogger(
      'anomaly',
      'json',
      (l) => lines.push(l),
      () => at,
    );
    logger.log('twin directory ready', 'AnomalyService');
    logger.error('append failed', 'Error: boom\n    at x', 'DetectionWorker');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        time: at.toISOString(),
        level: 'info',
        service: 'anomaly',
        context: 'AnomalyService',
        msg: 'twin directory ready',
      },
      {
        time: at.toISOString(),
        level: 'error',
        service: 'anomaly',
        context: 'DetectionWorker',
        msg: 'append failed',
        stack: 'Error: boom\n    at x',
      },
    ]);
  });

  it('writes a readable line for a terminal, and drops debug output unless verbose', () => {
    const lines: string[] = [];
    const logger = new StructuredLogger(
      'ingestion',
      'pretty',
      (l) => lines.push(l),
      () => at,
    );
    logger.warn('MQTT broker unreachable', 'MqttInput');
    logger.debug('noise');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('10:11:12');
    expect(lines[0]).toContain('ingestion MqttInput: MQTT broker unreachable');
  });
});
