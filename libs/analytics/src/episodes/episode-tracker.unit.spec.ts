import { EpisodeTracker } from './episode-tracker';

describe('episodes with hysteresis', () => {
  it('opens once and closes once however noisy the score inside the episode', () => {
    const tracker = new EpisodeTracker({ open: 0.5, close: 0.3, minRun: 2, smoothing: 1 });
    const scores = [0.1, 0.6, 0.7, 0.4, 0.8, 0.45, 0.9, 0.2, 0.1, 0.1];
    const changes = scores.map((s) => tracker.next(s)).filter(Boolean);
    expect(changes).toEqual(['opened', 'closed']);
  });

  it('continues from a snapshot exactly', () => {
    const settings = { open: 0.5, close: 0.3, minRun: 3, smoothing: 0.5 };
    const scores = [0.1, 0.9, 0.9, 0.9, 0.9, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1];
    const whole = new EpisodeTracker(settings);
    const expected = scores.map((s) => whole.next(s));
    const first = new EpisodeTracker(settings);
    scores.slice(0, 4).forEach((s) => first.next(s));
    const second = new EpisodeTracker(settings);
    second.restore(JSON.parse(JSON.stringify(first.snapshot())));
    expect(scores.slice(4).map((s) => second.next(s))).toEqual(expected.slice(4));
  });
});
