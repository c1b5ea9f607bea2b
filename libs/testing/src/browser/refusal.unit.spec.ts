import { isRefusal } from './browser';

describe('a console refusal (content security policy)', () => {
  it("is an error in either chromium's wording", () => {
    expect(isRefusal('error', 'Refused to execute inline script because it violates …')).toBe(true);
    expect(
      isRefusal(
        'error',
        "Executing inline script violates the following Content Security Policy directive 'script-src 'self''. … The action has been blocked.",
      ),
    ).toBe(true);
  });

  it('is not any other console message', () => {
    expect(isRefusal('warning', 'Refused to apply style …')).toBe(false);
    expect(isRefusal('error', 'Failed to load resource: 404')).toBe(false);
    expect(isRefusal('log', 'hello')).toBe(false);
  });
});
