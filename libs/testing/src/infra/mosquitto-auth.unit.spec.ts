import { aclUsers, mosquittoPasswordLine, mqttUrlAs } from './mosquitto-auth';

describe('the test broker’s users', () => {
  it('writes password lines mosquitto_passwd (2.0) would write for the same salt', () => {
    // Made with `mosquitto_passwd -b -c pw alice 'p@ss:w'` (mosquitto 2.0.11).
    const line =
      'alice:$7$101$TY4thXrKS17dyq5b$fCRLG0JY/RhtrDITnw9ObuVF36zCUF7CELIYnyGyMCX0+zXG8Tj7ru8wstfox+wW05M/8N/lvjikX44akN4gxw==';
    const salt = Buffer.from('TY4thXrKS17dyq5b', 'base64');
    expect(mosquittoPasswordLine('alice', 'p@ss:w', salt)).toBe(line);
  });

  it('finds the users an ACL names', () => {
    expect(
      aclUsers('# user nobody\nuser a\ntopic read x\n  user  b-2 \npattern read %u\n'),
    ).toEqual(['a', 'b-2']);
  });

  it('puts credentials into an MQTT URL, percent-encoded', () => {
    expect(mqttUrlAs('mqtt://127.0.0.1:1883', 'gw a', 'p@ss:w/')).toBe(
      'mqtt://gw%20a:p%40ss%3Aw%2F@127.0.0.1:1883',
    );
  });
});
