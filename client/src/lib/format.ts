/** "local" → "local engine": the UI says what made the image (DESIGN: the Local provider). */
export function providerLabel(provider: string | null | undefined): string {
  switch ((provider ?? '').toLowerCase()) {
    case 'local':
      return 'local engine';
    case 'gemini':
      return 'Gemini';
    case 'upload':
      return 'your photo'; // a session started from an uploaded photo: its version 1
    case '':
      return 'unknown provider';
    default:
      return provider!;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Two positive numbers of an "a:b" ratio, for CSS `aspect-ratio` before an image exists. */
export function ratioParts(aspectRatio: string): [number, number] {
  const [w, h] = aspectRatio.split(':').map(Number);
  return w > 0 && h > 0 ? [w, h] : [16, 9];
}

/** "in 7 days", "in 3 hours": when something happens, relative to now. */
export function formatRelative(date: string | Date, now: Date = new Date()): string {
  const seconds = (new Date(date).getTime() - now.getTime()) / 1000;
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(Math.round(seconds / 60), 'minute');
}

/**
 * The aspect ratio of an image of `width`×`height`: the named ratio it is closest to (within 2 %), else the
 * reduced fraction. A session's `aspect_ratio` is what it was generated with; after "rotate 90" the image is
 * the other way round, so the details show the ratio of its real size.
 */
export function ratioLabel(width: number, height: number, named: readonly string[] = NAMED_RATIOS): string {
  if (!(width > 0 && height > 0)) return '';
  const actual = width / height;
  for (const ratio of named) {
    const [w, h] = ratioParts(ratio);
    if (Math.abs(w / h - actual) / actual < 0.02) return ratio;
  }
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const d = gcd(width, height);
  return `${width / d}:${height / d}`;
}

const NAMED_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9', '9:21'];

/** An estimated cost in US dollars: "$0.13", "$12.40"; amounts under a cent say so ("<$0.01"). */
export function formatUsd(amount: number): string {
  if (amount > 0 && amount < 0.005) return '<$0.01';
  return `$${amount.toFixed(2)}`;
}
