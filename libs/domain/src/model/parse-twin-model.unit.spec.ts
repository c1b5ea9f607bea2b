import { parseTwinModel } from './parse-twin-model';
import { ModelCatalog } from './model-catalog';

describe('twin model documents', () => {
  it('parses YAML and JSON with defaults filled in', () => {
    const yaml = parseTwinModel(
      'type: pump\nversion: 1\nlevel: component\nproperties:\n  flow: { unit: L/min }\n',
      'pump.yaml',
    );
    expect(yaml.properties['flow']).toEqual({ unit: 'L/min', valueType: 'number', limits: {} });
    const json = parseTwinModel('{"type":"pump","version":1,"level":"component"}', 'pump.json');
    expect(json).toMatchObject({ properties: {}, children: [] });
  });

  it('names the file, the path and the problem', () => {
    expect(() =>
      parseTwinModel('type: Pump\nversion: 0\nlevel: gadget\n', 'models/pump.yaml'),
    ).toThrow(
      /models\/pump\.yaml: type: must be lower-kebab-case[\s\S]*models\/pump\.yaml: version[\s\S]*models\/pump\.yaml: level/,
    );
    expect(() =>
      parseTwinModel(
        'type: pump\nversion: 1\nlevel: component\nproperties:\n  flow: { units: L }\n',
        'p.yaml',
      ),
    ).toThrow(/p\.yaml: properties\.flow/);
    expect(() => parseTwinModel('type: [unclosed', 'bad.yaml')).toThrow(
      /bad\.yaml: \(document\): not valid YAML/,
    );
  });

  it('reads a maintenance block (planning lead defaults to a day) and refuses a bad one', () => {
    const head = 'type: tool\nversion: 1\nlevel: component\n';
    const tool = parseTwinModel(
      `${head}maintenance: { action: replace tool, downtimeHours: 0.25 }\n`,
      'tool.yaml',
    );
    expect(tool.maintenance).toEqual({
      action: 'replace tool',
      downtimeHours: 0.25,
      leadHours: 24,
    });
    expect(() =>
      parseTwinModel(`${head}maintenance: { action: x, downtimeHours: 0 }\n`, 't.yaml'),
    ).toThrow(/t\.yaml: maintenance\.downtimeHours/);
  });

  it("takes a property's single-stream settings only where the detector can use them", () => {
    const withSingleStream = (settings: string) =>
      parseTwinModel(
        `type: room\nversion: 1\nlevel: component\nproperties:\n  temperature: { unit: degC, anomaly: { singleStream: ${settings} } }\n`,
        'room.yaml',
      );
    expect(
      withSingleStream('{ alarmProbability: 1e-6, suppressReadings: 600 }').properties['temperature']
        ?.anomaly,
    ).toEqual({ singleStream: { alarmProbability: 1e-6, suppressReadings: 600 } });
    // A tail probability of one half alarms on every other reading: the detector refuses it.
    expect(() => withSingleStream('{ alarmProbability: 0.5 }')).toThrow(
      /room\.yaml: properties\.temperature\.anomaly\.singleStream\.alarmProbability/,
    );
  });

  it('refuses limits that do not widen with severity', () => {
    const text =
      'type: m\nversion: 1\nlevel: asset\nproperties:\n  t: { unit: C, limits: { warning: { high: 90 }, alarm: { high: 80 } } }\n';
    expect(() => parseTwinModel(text, 'm.yaml')).toThrow(
      /m\.yaml: properties\.t\.limits\.alarm\.high: alarm\.high \(80\) is below warning\.high \(90\)/,
    );
  });

  it('checks across documents: child types must exist and versions must not repeat', () => {
    const line = parseTwinModel(
      'type: line\nversion: 1\nlevel: system\nchildren: [{ type: robot }]\n',
      'line.yaml',
    );
    expect(() => ModelCatalog.of([{ model: line, source: 'line.yaml' }])).toThrow(
      /line\.yaml: children\.0\.type: unknown twin type "robot"/,
    );
    expect(() =>
      ModelCatalog.of([
        { model: line, source: 'a.yaml' },
        { model: line, source: 'b.yaml' },
      ]),
    ).toThrow(/line@1 is already declared in a\.yaml/);
  });
});
