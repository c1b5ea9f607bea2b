import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { accessKey } from '../testing/sample-access-keys';
import { SqliteEventLog } from './sqlite-event-log';

const dir = mkdtempSync(join(tmpdir(), 'twinlog-access-keys-'));
let files = 0;
const file = () => join(dir, `log-${(files += 1)}.sqlite`);

describe('API keys in the embedded log', () => {
  it('survive a close and reopen of the file', async () => {
    const path = file();
    const first = SqliteEventLog.open(path, 'full');
    const key = accessKey();
    await first.accessKeys.put(key);
    await first.close();
    const reopened = SqliteEventLog.open(path, 'full');
    expect(await reopened.accessKeys.all()).toEqual([key]);
    await reopened.close();
  });

  it('are kept in a file written before they existed, once it is opened', async () => {
    const path = file();
    const before = SqliteEventLog.open(path);
    before.db.exec('DROP TABLE access_keys');
    await before.close();
    const old = new DatabaseSync(path);
    expect(old.prepare("SELECT name FROM sqlite_master WHERE name = 'access_keys'").get()).toBe(
      undefined,
    );
    old.close();
    const log = SqliteEventLog.open(path);
    const key = accessKey();
    await log.accessKeys.put(key);
    expect(await log.accessKeys.all()).toEqual([key]);
    await log.close();
  });

  it('skip a stored row they cannot trust, with a warning that does not repeat it', async () => {
    const warnings: string[] = [];
    const log = SqliteEventLog.open(file(), 'normal', (w) => warnings.push(w));
    const good = accessKey();
    const [broken, mislabelled, notJson] = [accessKey(), accessKey(), accessKey()];
    await log.accessKeys.put(good);
    const insert = log.db.prepare('INSERT INTO access_keys (key_id, body) VALUES (?, ?)');
    insert.run(broken.keyId, JSON.stringify({ ...broken, sites: 'everything' }));
    insert.run(mislabelled.keyId, JSON.stringify(good));
    insert.run(notJson.keyId, '{"keyId":');
    expect(await log.accessKeys.all()).toEqual([good]);
    expect(warnings).toHaveLength(3);
    expect(warnings.join('\n')).not.toContain(broken.secretHash);
    expect(warnings.join('\n')).not.toContain(good.secretHash);
    await log.close();
  });
});
