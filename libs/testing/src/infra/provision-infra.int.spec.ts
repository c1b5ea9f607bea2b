import { freePort } from './ports';
import { provisionInfra } from './provision-infra';

describe('provisioning real servers', () => {
  it('fails plainly, saying how to fix it, when a server named by the environment does not answer', async () => {
    const port = await freePort(); // nothing listens there
    const attempt = provisionInfra({
      only: ['kafka'],
      env: { KAFKA_BROKERS: `127.0.0.1:${port}` },
      progress: () => undefined,
    });
    await expect(attempt).rejects.toThrow(
      /could not be provided[\s\S]*kafka server named by the environment[\s\S]*did not answer[\s\S]*unset them/,
    );
  });

  it('refuses an unknown way of starting servers', async () => {
    await expect(
      provisionInfra({ only: ['mqtt'], env: { TWINLOG_INFRA: 'magic' } }),
    ).rejects.toThrow(/TWINLOG_INFRA must be auto, local or containers/);
  });
});
