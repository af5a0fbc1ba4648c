/** The Likeness mark: a portrait in a rounded frame. Decorative; the word next to it is the name. */
export function Logo({ size = 26 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <defs>
        <linearGradient id="likeness-logo" x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#6366f1" />
          <stop offset="1" stopColor="#7c3aed" />
        </linearGradient>
      </defs>
      <rect width="32" height="32" rx="8" fill="url(#likeness-logo)" />
      <circle cx="16" cy="13" r="5.5" fill="#fff" />
      <path d="M6.5 27c1.2-5.2 5-8 9.5-8s8.3 2.8 9.5 8z" fill="#fff" />
    </svg>
  );
}
