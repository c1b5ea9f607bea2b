import { ACTION_TYPES, whatText } from './audit-text';

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

describe("the audit trail's AI notes", () => {
  it('are in the default trail and say what the model said, labelled as the model’s', () => {
    expect(ACTION_TYPES).toEqual(expect.arrayContaining(['AnomalyExplained', 'AiFindingRecorded']));
    expect(
      whatText({
        type: 'AnomalyExplained',
        actor: 'key:ops-1',
        producer: 'twin-state/key:ops-1',
        data: { model: 'local-llama', summary: 'The bearing runs hot.' },
      }),
    ).toBe('anomaly explained by the AI model local-llama: “The bearing runs hot.”');
    const finding = whatText({
      type: 'AiFindingRecorded',
      actor: null,
      producer: 'anomaly',
      data: { model: 'm', properties: ['vibration', 'temperature'], summary: 'x'.repeat(1000) },
    });
    expect(finding).toMatch(
      /^AI second opinion \(m, not an anomaly\) on vibration, temperature: “x+…”$/,
    );
    expect(finding.length).toBeLessThan(260);
  });
});
