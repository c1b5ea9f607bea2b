import { ServiceReadiness } from './service-readiness';

describe('ServiceReadiness', () => {
  it('is ready only once every step is done, even two described alike', () => {
    const readiness = new ServiceReadiness();
    const first = readiness.begin('replaying twin-events');
    const second = readiness.begin('replaying twin-events');
    first();
    expect(readiness.ready).toBe(false);
    expect(() => readiness.assertReady()).toThrow('Starting: still replaying twin-events');
    second();
    expect(readiness.ready).toBe(true);
    expect(() => readiness.assertReady()).not.toThrow();
  });

  it('names the steps still running, in the order they began', () => {
    const readiness = new ServiceReadiness();
    readiness.begin('a');
    const b = readiness.begin('b');
    readiness.begin('c');
    b();
    expect(readiness.pending).toEqual(['a', 'c']);
  });
});
