import { envelopeSchema } from '../events/event-schemas';
import { isTwinlogError } from '../errors';
import { at, given } from '../testing/fixtures';
import type { TwinCommand } from './twin-commands';

// Issue 15: times in commands go through the one strict parser. Every refusal is 422
// TIMESTAMP_IMPLAUSIBLE with a plain message, never an EVENT_INVALID carrying the schema's regex
// from the log; every accepted form is stored in the canonical UTC form the event schema takes.
const register = (commissionedAt: string | number): TwinCommand => ({
  type: 'RegisterTwin',
  twinType: 'mill',
  commissionedAt,
});
const maintenance = (performedAt: string | number): TwinCommand => ({
  type: 'RecordMaintenance',
  kind: 'inspection',
  performedAt,
});

function refusal(fn: () => unknown): { code: string; message: string } | undefined {
  try {
    fn();
  } catch (error) {
    if (!isTwinlogError(error)) throw error;
    return { code: error.code, message: error.message };
  }
  return undefined;
}

const impossible = [
  '2025-11-31T00:30:00Z',
  '2025-02-29T00:00:00Z',
  '2025-06-01T25:00:00Z',
  '2025-06-01T23:60:00Z',
  '2025-06-01T23:59:60Z',
  '2025-06-01',
  '2025-06-01T10:00:00',
  '12025-06-01T10:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  'yesterday',
  '',
  // A number is not a form these fields take (epoch milliseconds are for readings only).
  1767225600000,
];

describe('times in twin commands', () => {
  it.each(impossible)('refuses commissionedAt %p with TIMESTAMP_IMPLAUSIBLE', (text) => {
    const refused = refusal(() => given('mill-9').when(register(text)));
    expect(refused?.code).toBe('TIMESTAMP_IMPLAUSIBLE');
    expect(refused?.message).toMatch(/^commissionedAt: /);
    expect(refused?.message).not.toMatch(/\\d|\(\?:/);
  });

  it.each(impossible)('refuses performedAt %p with TIMESTAMP_IMPLAUSIBLE', (text) => {
    const mill = given('mill-1', [{ type: 'RegisterTwin', twinType: 'mill' }]);
    expect(refusal(() => mill.when(maintenance(text)))?.code).toBe('TIMESTAMP_IMPLAUSIBLE');
  });

  it.each([
    ['an offset without a colon', '2025-06-01T11:00:00+0100'],
    ['an offset with a colon', '2025-06-01T11:00:00+01:00'],
    ['nanoseconds', '2025-06-01T10:00:00.000000000Z'],
    ['no seconds', '2025-06-01T10:00Z'],
  ])('stores a commissionedAt with %s in the canonical UTC form', (_label, text) => {
    const [event] = given('mill-9').when(register(text));
    expect(event?.occurredAt).toBe('2025-06-01T10:00:00.000Z');
    expect(envelopeSchema.shape.occurredAt.safeParse(event?.occurredAt).success).toBe(true);
  });

  it('stores performedAt in the canonical UTC form', () => {
    const mill = given('mill-1', [
      { type: 'RegisterTwin', twinType: 'mill', commissionedAt: at(-10) },
    ]);
    const [event] = mill.when(maintenance('2026-01-01T01:00:00+01:00'));
    expect(event).toMatchObject({
      occurredAt: at(0),
      data: { performedAt: at(0) },
    });
  });
});
