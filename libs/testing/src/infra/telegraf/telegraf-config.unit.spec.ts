import { telegrafConfigText, topicParsing, type TelegrafPeerConfig } from './telegraf-config';
import { csvRows } from './peer-points';

const config: TelegrafPeerConfig = {
  brokerAddress: 'mqtt://127.0.0.1:41883',
  topicPattern: 'plant/{site}/{twinId}/telemetry',
  payload: 'readings',
  clientId: 'peer-1',
  influx: { url: 'http://127.0.0.1:48086', org: 'twinlog', bucket: 'telemetry' },
};

describe('the Telegraf peer configuration', () => {
  it("subscribes to Twinlog's topic pattern and keeps its named levels as Twinlog's tags", () => {
    expect(topicParsing('plant/{site}/{twinId}/telemetry')).toEqual({
      filter: 'plant/+/+/telemetry',
      tags: '_/site/twin_id/_',
    });
    expect(topicParsing('lab/{twinId}')).toEqual({ filter: 'lab/+', tags: '_/twin_id' });
  });

  it('refuses a pattern without a twin or with a level it cannot map to a tag', () => {
    expect(() => topicParsing('plant/{site}/telemetry')).toThrow(/\{twinId\}/);
    expect(() => topicParsing('plant/{line}/{twinId}')).toThrow(/\{site\} and \{twinId\} only/);
  });

  it('reads the { "readings": [...] } form or a bare reading list, at QoS 1 on a persistent session', () => {
    const text = telegrafConfigText(config);
    expect(text).toContain('json_query = "readings"');
    expect(telegrafConfigText({ ...config, payload: 'list' })).toContain('json_query = ""');
    expect(text).toMatch(/qos = 1\n\s+persistent_session = true\n\s+client_id = "peer-1"/);
    expect(text).toContain('servers = ["tcp://127.0.0.1:41883"]');
    expect(telegrafConfigText({ ...config, brokerAddress: 'mqtts://broker:8883' })).toContain(
      'servers = ["ssl://broker:8883"]',
    );
  });

  it('keeps secrets out of the file: Telegraf reads them from its environment', () => {
    const text = telegrafConfigText(config);
    expect(text).toContain('token = "${TWINLOG_PEER_INFLUX_TOKEN}"');
    expect(text).toContain('password = "${TWINLOG_PEER_MQTT_PASSWORD}"');
  });
});

describe('a Flux CSV answer', () => {
  it('gives its rows by column name, and none when InfluxDB had nothing to answer', () => {
    expect(
      csvRows(
        ',result,table,_time,_value,twin_id\r\n,_result,0,2026-12-07T02:57:49.1Z,21.5,m-1\r\n\r\n',
      ),
    ).toEqual([
      {
        '': '',
        result: '_result',
        table: '0',
        _time: '2026-12-07T02:57:49.1Z',
        _value: '21.5',
        twin_id: 'm-1',
      },
    ]);
    expect(csvRows('\r\n')).toEqual([]);
  });
});
