import { useId, useState } from 'react';
import { useMaskOutline } from './mask-outline';

/**
 * Before/after of the same frame: the "after" image is revealed right of the handle. After a
 * region edit (`maskSrc`, the version's mask) a toggle outlines the area the edit could change.
 */
export function CompareSlider({
  beforeSrc,
  afterSrc,
  alt,
  maskSrc = null,
}: {
  beforeSrc: string;
  afterSrc: string;
  alt: string;
  maskSrc?: string | null;
}) {
  const [position, setPosition] = useState(50);
  const [outlined, setOutlined] = useState(false);
  const outline = useMaskOutline(maskSrc && outlined ? maskSrc : null);
  const id = useId();
  return (
    <div className="compare" data-testid="compare">
      <img className="stage-image" src={beforeSrc} alt={`Before: ${alt}`} data-testid="compare-before" />
      <img
        className="stage-image compare-after"
        src={afterSrc}
        alt={`After: ${alt}`}
        data-testid="current-image"
        style={{ clipPath: `inset(0 0 0 ${position}%)` }}
      />
      <div className="compare-handle" style={{ left: `${position}%` }} aria-hidden="true" />
      <span className="compare-tag compare-tag-before" aria-hidden="true">
        Before
      </span>
      <span className="compare-tag compare-tag-after" aria-hidden="true">
        After
      </span>
      <label htmlFor={id} className="visually-hidden">
        Before/after position
      </label>
      <input
        id={id}
        className="compare-range"
        type="range"
        min={0}
        max={100}
        value={position}
        aria-valuetext={`${position}% before, ${100 - position}% after`}
        onChange={(e) => setPosition(Number(e.target.value))}
      />
      {maskSrc && outlined && (
        <svg
          className="compare-outline"
          data-testid="mask-outline"
          viewBox={outline ? `0 0 ${outline.width} ${outline.height}` : '0 0 1 1'}
          preserveAspectRatio="none"
          aria-hidden="true"
        >
          {outline && (
            <>
              <path className="compare-outline-under" d={outline.path} />
              <path className="compare-outline-over" d={outline.path} />
            </>
          )}
        </svg>
      )}
      {maskSrc && (
        <button
          type="button"
          className="compare-outline-toggle"
          aria-pressed={outlined}
          onClick={() => setOutlined((on) => !on)}
        >
          Outline the edited area
        </button>
      )}
    </div>
  );
}

interface Size {
  width: number;
  height: number;
}

/** Whether two images have different shapes (a rotate turned one the other way): a slider would letterbox one. */
export function differentShapes(a: Size, b: Size): boolean {
  const ra = a.width / a.height;
  const rb = b.width / b.height;
  return Math.abs(ra - rb) / rb > 0.02;
}

/** The frame that holds both side by side at one height: its width is the sum of their ratios. */
export function sideBySideSize(before: Size, after: Size): Size {
  return { width: Math.round((before.width / before.height + after.width / after.height) * 1000), height: 1000 };
}

/** Before and after side by side, each in its own shape (finding 12: compare across a rotation). */
export function CompareSideBySide({
  beforeSrc,
  before,
  afterSrc,
  after,
  alt,
}: {
  beforeSrc: string;
  before: Size;
  afterSrc: string;
  after: Size;
  alt: string;
}) {
  return (
    <div className="compare-pair" data-testid="compare-side-by-side">
      <figure style={{ flexGrow: before.width / before.height }}>
        <img src={beforeSrc} alt={`Before: ${alt}`} width={before.width} height={before.height} data-testid="compare-before" />
        <figcaption className="compare-tag compare-tag-before">Before</figcaption>
      </figure>
      <figure style={{ flexGrow: after.width / after.height }}>
        <img src={afterSrc} alt={`After: ${alt}`} width={after.width} height={after.height} data-testid="current-image" />
        <figcaption className="compare-tag compare-tag-after">After</figcaption>
      </figure>
    </div>
  );
}
