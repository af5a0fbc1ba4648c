import type { ReactNode } from 'react';
import { ratioParts } from '@/lib/format';
import { CompareSideBySide, CompareSlider, differentShapes } from './CompareSlider';

interface Props {
  /** The image to show (its URL), or null while the first one is being generated. */
  src: string | null;
  alt: string;
  /** Width and height (or the ratio's parts) so the box is reserved before the image loads. */
  width: number;
  height: number;
  /** A short wait (undo, redo, select): a spinner and these words over the image. */
  busyLabel: string | null;
  elapsedSeconds: number;
  /** When set, a before/after slider of `beforeSrc` against `src`. */
  beforeSrc?: string | null;
  /** The sizes of the two compared images: of different shapes, they are shown side by side instead. */
  compareSizes?: { before: { width: number; height: number }; after: { width: number; height: number } } | null;
  /** The newest draft of a running job: shown in place of the image until the result arrives. */
  draftSrc?: string | null;
  /** The progress panel of a running job, over the image (below it on narrow screens). */
  children?: ReactNode;
  /** The mask tool (it draws the image itself): shown in place of the image while painting. */
  maskLayer?: ReactNode;
  /** The current version's mask (a region edit): the compare view can outline it. */
  compareMaskSrc?: string | null;
}

/** The image box: its size is fixed by the aspect ratio, so loading never moves the layout. */
export function ImageStage({ src, alt, width, height, busyLabel, elapsedSeconds, beforeSrc, compareSizes, draftSrc, children, maskLayer, compareMaskSrc = null }: Props) {
  const style = { '--ar-w': width, '--ar-h': height } as React.CSSProperties;
  const running = !!children;
  return (
    <div className={`stage-frame${running ? ' stage-frame-running' : ''}`} style={style}>
      <div className="stage" aria-busy={busyLabel || running ? 'true' : 'false'}>
        {src && beforeSrc && !running && compareSizes && differentShapes(compareSizes.before, compareSizes.after) ? (
          <CompareSideBySide beforeSrc={beforeSrc} before={compareSizes.before} afterSrc={src} after={compareSizes.after} alt={alt} />
        ) : src && beforeSrc && !running ? (
          <CompareSlider beforeSrc={beforeSrc} afterSrc={src} alt={alt} maskSrc={compareMaskSrc} />
        ) : src && maskLayer && !running ? (
          maskLayer
        ) : src ? (
          <img className="stage-image" src={src} alt={alt} data-testid="current-image" />
        ) : (
          <div className="stage-placeholder" aria-hidden="true" />
        )}
        {draftSrc && (
          <>
            {/* The panel lists the drafts with their names; this large copy is for the eyes. */}
            <img className="stage-image stage-draft" src={draftSrc} alt="" data-testid="stage-draft" />
            <span className="stage-tag" aria-hidden="true">
              Draft
            </span>
          </>
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
      {children}
    </div>
  );
}

export function stageSizeFromRatio(aspectRatio: string): { width: number; height: number } {
  const [width, height] = ratioParts(aspectRatio);
  return { width, height };
}
