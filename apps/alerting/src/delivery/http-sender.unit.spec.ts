import { postNotification } from './http-sender';

describe('posting a notification', () => {
  it.each(['ftp://h.example/x', 'file:///etc/passwd', 'not a url', 'http://'])(
    'refuses %j for good, without trying or echoing it',
    async (url) => {
      const outcome = await postNotification(
        url,
        '{}',
        {},
        { timeoutMs: 1000, now: () => new Date() },
      );
      expect(outcome).toEqual({
        ok: false,
        status: null,
        permanent: true,
        error: 'the channel URL is not an http or https URL',
      });
    },
  );
});
