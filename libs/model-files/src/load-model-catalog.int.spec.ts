import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isKnownUnit } from '@twinlog/domain';
import { loadModelCatalog, SEED_MODELS_DIR } from './load-model-catalog';

describe('loading twin models from files', () => {
  it('loads the seed plant: a machining process over a line of CNC milling machines made of components', () => {
    const catalog = loadModelCatalog(SEED_MODELS_DIR);
    expect(catalog.types()).toEqual([
      'cnc-milling-machine',
      'coolant-pump',
      'cutting-tool',
      'machining-process',
      'production-line',
      'spindle-motor',
    ]);
    expect(catalog.get('machining-process').level).toBe('process');
    const cnc = catalog.get('cnc-milling-machine');
    expect(cnc.level).toBe('asset');
    expect(Object.fromEntries(Object.entries(cnc.properties).map(([k, v]) => [k, v.unit]))).toEqual(
      {
        temperature: '°C',
        vibration: 'mm/s',
        spindle_speed: 'rpm',
        power_consumption: 'kW',
        tool_wear: '1',
        machine_state: '1',
        parts_produced: 'parts',
        parts_scrapped: 'parts',
      },
    );
    expect(cnc.children.map((c) => c.type)).toEqual([
      'spindle-motor',
      'cutting-tool',
      'coolant-pump',
    ]);
    expect(catalog.get('production-line').children.map((c) => c.type)).toEqual([
      'cnc-milling-machine',
    ]);
    expect(catalog.get('machining-process').children.map((c) => c.type)).toEqual([
      'production-line',
    ]);
    expect(cnc.properties['tool_wear']?.limits.failure?.high).toBe(1);
  });

  it('declares every seed property in a unit the converter knows, so plants can send others', () => {
    const catalog = loadModelCatalog(SEED_MODELS_DIR);
    const units = catalog
      .types()
      .flatMap((type) => Object.values(catalog.get(type).properties).map((p) => p.unit));
    expect(units.filter((unit) => !isKnownUnit(unit))).toEqual([]);
  });

  it('reports every bad file with its path and problem, all at once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'twinlog-models-'));
    writeFileSync(join(dir, 'ok.yaml'), 'type: pump\nversion: 1\nlevel: component\n');
    writeFileSync(join(dir, 'bad-level.yaml'), 'type: fan\nversion: 1\nlevel: galaxy\n');
    writeFileSync(join(dir, 'broken.json'), '{"type": "x",');
    writeFileSync(join(dir, 'notes.txt'), 'not a model');
    expect(() => loadModelCatalog(dir)).toThrow(
      /bad-level\.yaml: level: [\s\S]*broken\.json: \(document\): not valid JSON/,
    );
  });

  it('says so when a directory holds no models', () => {
    expect(() => loadModelCatalog(mkdtempSync(join(tmpdir(), 'twinlog-empty-')))).toThrow(
      /No twin model files/,
    );
  });
});
