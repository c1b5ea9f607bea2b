import { randomUUID } from 'node:crypto';
import { realServer } from '@twinlog/testing';
import { describeEventLogContract } from '../testing/event-log.contract';
import { KafkaEventLog } from './kafka-event-log';

const { brokers } = realServer('kafka');
const openFresh = () =>
  KafkaEventLog.connect({ brokers, topicPrefix: `t-${randomUUID().slice(0, 8)}.`, partitions: 3 });

describeEventLogContract('Kafka', openFresh);
