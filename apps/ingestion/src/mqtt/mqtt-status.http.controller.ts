import { Controller, Get } from '@nestjs/common';
import { Describe } from '@twinlog/service-kit';
import { MQTT_STATUS } from '../http/ingestion-answers';
import type { BrokerDropStatus } from './broker-drop-status';
import { BrokerDropWatcher } from './broker-drops';
import { MqttInput } from './mqtt-input';
import type { MqttInputStatus } from './mqtt-status';

export interface MqttStatusView {
  /** MQTT_URL is set. */
  enabled: boolean;
  input: MqttInputStatus;
  broker: BrokerDropStatus;
  /** Plain sentences for an operator; empty when all is well. */
  warnings: string[];
}

/**
 * GET /v1/ingestion/mqtt: the MQTT input's counters and what the broker says it dropped. 200
 * whether or not MQTT is configured; no query parameters (the global QueryGuard refuses any).
 */
@Controller('v1/ingestion')
export class MqttStatusHttpController {
  constructor(
    private readonly input: MqttInput,
    private readonly brokerDrops: BrokerDropWatcher,
  ) {}

  @Get('mqtt')
  @Describe({
    summary: "The MQTT input's counters and the broker's drops",
    description: 'Answers whether or not MQTT is configured (`enabled`).',
    response: MQTT_STATUS,
  })
  status(): MqttStatusView {
    const input = this.input.status();
    if (!input.enabled)
      return { enabled: false, input, broker: this.brokerDrops.status(), warnings: [] };
    const warnings = input.connected
      ? []
      : ['The MQTT input is not connected to the broker: messages wait there until it is.'];
    return {
      enabled: true,
      input,
      broker: this.brokerDrops.status(),
      warnings: [...warnings, ...this.brokerDrops.warnings()],
    };
  }
}
