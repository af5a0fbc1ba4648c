import { useEffect, useRef } from 'react';
import type { ImageJobProgress } from '@/hooks/use-image-generation';
import type { ImageJobStage } from '@/types/imageGeneration';

/** What each stage of a job means, in words (docs/API.md, "Jobs"). */
export const STAGE_WORDS: Record<ImageJobStage, string> = {
  preparing: 'Preparing the request',
  sending: 'Sending to the model',
  thinking: 'The model is thinking',
  drawing: 'Drawing the image',
  storing: 'Saving the image',
};

export function stageWords(progress: Pick<ImageJobProgress, 'stage' | 'job'>): string {
  if (progress.stage) return STAGE_WORDS[progress.stage] ?? progress.stage;
  return progress.job.status === 'queued' ? 'Waiting to start' : 'Starting';
}

function formatElapsed(seconds: number): string {
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/** A thought summary often opens with a bold title (`**Planning the edit**`): show it as one. */
function Thought({ text }: { text: string }) {
  const match = /^\*\*(.+?)\*\*\s*([\s\S]*)$/.exec(text);
  if (!match) return <>{text}</>;
  return (
    <>
      <strong>{match[1]}</strong>
      {match[2] && <> {match[2].replace(/\*\*/g, '')}</>}
    </>
  );
}

interface Props {
  progress: ImageJobProgress;
  title: string;
  elapsedSeconds: number;
  onCancel: () => void;
  isCancelling: boolean;
}

/**
 * The panel over the image while a generate or edit runs: what it is doing (announced), for
 * how long, the model's thoughts as they arrive, its drafts, and Cancel.
 */
export function JobProgressPanel({ progress, title, elapsedSeconds, onCancel, isCancelling }: Props) {
  const cancel = useRef<HTMLButtonElement>(null);
  const thoughts = useRef<HTMLOListElement>(null);
  const { thoughts: lines, previews } = progress;

  // Started from here, the button just pressed is now disabled and would drop focus: give it to
  // Cancel, the one thing that can be done. A job picked up after a reload leaves focus alone.
  useEffect(() => {
    if (!progress.startedHere) return;
    const active = document.activeElement as HTMLElement | null;
    if (!active || active === document.body || (active as HTMLButtonElement).disabled || active.closest('form')) {
      cancel.current?.focus();
    }
  }, [progress.startedHere, progress.job.id]);

  // Keep the newest thought in view.
  useEffect(() => {
    const list = thoughts.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [lines.length]);

  const words = stageWords(progress);
  return (
    <section className="job-panel" aria-label={title} data-testid="job-panel">
      <div className="job-panel-head">
        <span className="spinner spinner-light" aria-hidden="true" />
        <div className="job-panel-status">
          <p className="job-panel-title">{title}</p>
          <p className="job-panel-stage" role="status" aria-live="polite" aria-atomic="true">
            {words}
          </p>
        </div>
        <span className="job-panel-elapsed elapsed" role="timer" aria-label={`Elapsed: ${formatElapsed(elapsedSeconds)}`}>
          {formatElapsed(elapsedSeconds)}
        </span>
        <button
          ref={cancel}
          type="button"
          className="button button-small job-panel-cancel"
          onClick={onCancel}
          disabled={isCancelling}
        >
          {isCancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
      {progress.notices.length > 0 && (
        <ul className="job-notices" aria-label="Notes about this turn">
          {progress.notices.map((notice, index) => (
            <li key={index}>{notice}</li>
          ))}
        </ul>
      )}
      {lines.length > 0 && (
        <ol className="job-thoughts" ref={thoughts} aria-label="What the model is thinking" tabIndex={0}>
          {lines.map((line, index) => (
            <li key={index}>
              <Thought text={line} />
            </li>
          ))}
        </ol>
      )}
      {previews.length > 0 && (
        <ul className="job-previews" aria-label="Drafts">
          {previews.map((preview, index) => (
            <li key={preview.image_url}>
              <img src={preview.image_url} alt={`Draft ${index + 1}`} width={preview.width} height={preview.height} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
