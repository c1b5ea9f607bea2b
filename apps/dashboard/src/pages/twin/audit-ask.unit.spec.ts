import { whatText } from './audit-text';

describe("the audit trail's what-if runs", () => {
  const base = {
    type: 'SimulationRequested',
    actor: 'key:ops-1',
    producer: 'simulation/key:ops-1',
  };
  it('says a run was asked in plain words, with the words', () => {
    expect(
      whatText({
        ...base,
        data: { label: 'pump fails', ask: { text: 'what if the pump fails?', model: 'm' } },
      }),
    ).toBe('what-if run “pump fails”, asked in words: “what if the pump fails?”');
    expect(whatText({ ...base, data: { label: null, ask: null } })).toBe('what-if run');
    expect(whatText({ ...base, data: { label: 'x' } })).toBe('what-if run “x”');
  });
});
