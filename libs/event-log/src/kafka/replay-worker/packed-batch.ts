import type { KafkaMessage } from 'kafkajs';

/**
 * Messages of one partition packed into flat, transferable arrays: how a fetch thread hands a
 * batch to the thread that decodes it without copying message by message through
 * structured clone. Only what decoding needs travels: key, value and offset (the fetch thread
 * applies a replay's end time itself).
 */
export interface PackedBatch {
  partition: number;
  bytes: Uint8Array;
  /** Per message, where its key ends and its value ends in `bytes` (each starts where the last ended). */
  keyEnds: Uint32Array;
  valueEnds: Uint32Array;
  offsets: Float64Array;
}

export function packBatch(partition: number, messages: KafkaMessage[]): PackedBatch {
  let size = 0;
  for (const m of messages) size += (m.key?.length ?? 0) + (m.value?.length ?? 0);
  const bytes = Buffer.allocUnsafeSlow(size);
  const keyEnds = new Uint32Array(messages.length);
  const valueEnds = new Uint32Array(messages.length);
  const offsets = new Float64Array(messages.length);
  let at = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.key) at += m.key.copy(bytes, at);
    keyEnds[i] = at;
    if (m.value) at += m.value.copy(bytes, at);
    valueEnds[i] = at;
    offsets[i] = Number(m.offset);
  }
  return { partition, bytes, keyEnds, valueEnds, offsets };
}

/** The buffers to transfer with a packed batch (they leave the sending thread). */
export function transferList(batch: PackedBatch): ArrayBuffer[] {
  return [batch.bytes, batch.keyEnds, batch.valueEnds, batch.offsets].map(
    (a) => a.buffer as ArrayBuffer,
  );
}
