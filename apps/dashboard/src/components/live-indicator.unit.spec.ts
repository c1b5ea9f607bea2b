import { indicatorOf } from './live-indicator';

describe('the live indicator (review 21 item 13)', () => {
  it('offers no Resume on a page without a stream, nor once the server refused it', () => {
    expect(indicatorOf('none', undefined)).toEqual({
      text: 'No live updates on this page',
      button: undefined,
    });
    expect(indicatorOf('stopped', 'you may not follow this (site b)')).toEqual({
      text: 'Live updates stopped: you may not follow this (site b)',
      button: undefined,
    });
  });

  it('offers Pause while there is a stream and Resume while it is paused', () => {
    expect(indicatorOf('live', undefined)).toEqual({ text: 'Live', button: 'Pause' });
    expect(indicatorOf('reconnecting', undefined).button).toBe('Pause');
    expect(indicatorOf('paused', undefined)).toEqual({ text: 'Paused', button: 'Resume' });
  });
});
