import { ratioParts } from '@/lib/format';
import { CompareSlider } from './CompareSlider';

interface Props {
  /** The image to show, or null while the first one is being generated. */
  src: string | null;
  alt: string;
  /** Width and height (or the ratio's parts) so the box is reserved before the image loads. */
  width: number;
  height: number;
  busyLabel: string | null;
  elapsedSeconds: number;
  /** When set, a before/after slider of `beforeSrc` against `src`. */
  beforeSrc?: string | null;
}

/** The image box: its size is fixed by the aspect ratio, so loading never moves the layout. */
export function ImageStage({ src, alt, width, height, busyLabel, elapsedSeconds, beforeSrc }: Props) {
  const style = { '--ar-w': width, '--ar-h': height } as React.CSSProperties;
  return (
    <div className="stage" style={style} aria-busy={busyLabel ? 'true' : 'false'}>
      {src && beforeSrc ? (
        <CompareSlider beforeSrc={beforeSrc} afterSrc={src} alt={alt} />
      ) : src ? (
        <img className="stage-image" src={src} alt={alt} data-testid="current-image" />
      ) : (
        <div className="stage-placeholder" aria-hidden="true" />
      )}
      {busyLabel && (
        <div className="stage-overlay" role="status" aria-live="polite">
          <span className="spinner spinner-light" aria-hidden="true" />
          <span>
            {busyLabel} <span className="elapsed">{elapsedSeconds} s</span>
          </span>
        </div>
      )}
    </div>
  );
}

export function stageSizeFromRatio(aspectRatio: string): { width: number; height: number } {
  const [width, height] = ratioParts(aspectRatio);
  return { width, height };
}
