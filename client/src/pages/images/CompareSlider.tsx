import { useId, useState } from 'react';

/** Before/after of the same frame: the "after" image is revealed right of the handle. */
export function CompareSlider({ beforeSrc, afterSrc, alt }: { beforeSrc: string; afterSrc: string; alt: string }) {
  const [position, setPosition] = useState(50);
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
    </div>
  );
}
