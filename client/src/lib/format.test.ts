import { formatBytes, formatDuration, formatRelative, formatUsd, providerLabel, ratioParts } from './format';

describe('format', () => {
  it('names the provider the way the UI shows it', () => {
    expect(providerLabel('local')).toBe('local engine');
    expect(providerLabel('gemini')).toBe('Gemini');
    expect(providerLabel('upload')).toBe('your photo');
    expect(providerLabel(null)).toBe('unknown provider');
  });

  it('formats sizes, durations, ratios and relative times', () => {
    expect(formatBytes(617)).toBe('617 B');
    expect(formatBytes(2048)).toBe('2 KB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
    expect(formatDuration(120)).toBe('120 ms');
    expect(formatDuration(2500)).toBe('2.5 s');
    expect(ratioParts('21:9')).toEqual([21, 9]);
    expect(ratioParts('nonsense')).toEqual([16, 9]);
    const now = new Date('2026-11-25T12:00:00Z');
    expect(formatRelative('2026-12-02T12:00:00Z', now)).toBe('in 7 days');
    expect(formatRelative('2026-11-25T15:00:00Z', now)).toBe('in 3 hours');
  });

  it('formats an estimated cost in dollars', () => {
    expect(formatUsd(0.134)).toBe('$0.13');
    expect(formatUsd(0.4)).toBe('$0.40');
    expect(formatUsd(12.345)).toBe('$12.35');
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(0.0004)).toBe('<$0.01');
  });
});
