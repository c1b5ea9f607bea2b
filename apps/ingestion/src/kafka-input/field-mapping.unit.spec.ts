import { mapRecord, parseFieldMapping } from './field-mapping';

describe("the enterprise topic's field mapping", () => {
  it('reads own fields only: a path through an Object member finds nothing', () => {
    const mapping = parseFieldMapping(
      '{"twinId":"asset.id","property":"constructor","unit":"asset.__proto__.unit","readingId":"toString"}',
    );
    const reading = mapRecord({ asset: { id: 'cnc-1' }, value: 1, time: 0 }, mapping);
    expect(reading.twinId).toBe('cnc-1');
    // Before, these were Object, Object.prototype's members and Object.prototype.toString.
    expect(reading.property).toBeUndefined();
    expect(reading.unit).toBeUndefined();
    expect(reading.readingId).toBeUndefined();
  });

  it('still finds a field that is named like an Object member when the record has it', () => {
    const mapping = parseFieldMapping('{"property":"constructor"}');
    const record = JSON.parse('{"constructor":"temperature","twinId":"cnc-1","value":1,"time":0}');
    expect(mapRecord(record, mapping).property).toBe('temperature');
  });
});
