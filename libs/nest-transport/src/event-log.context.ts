import { BaseRpcContext } from '@nestjs/microservices';
import type { LogPosition, RecordedEvent } from '@twinlog/event-log';

/** What a handler can learn about the event it is given besides its payload: where it sits in the log. */
export class EventLogContext extends BaseRpcContext<[RecordedEvent]> {
  getRecord(): RecordedEvent {
    return this.args[0];
  }

  getPosition(): LogPosition {
    return this.args[0].position;
  }
}
