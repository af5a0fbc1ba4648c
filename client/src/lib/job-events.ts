// Following one image job's Server-Sent Events (docs/API.md, "Events"), without React.
// EventSource reconnects by itself after a dropped connection (sending Last-Event-ID), and it
// would also reconnect after the server ends the stream, forever: so the stream is closed as
// soon as a terminal event arrives, and every error re-reads the job to learn whether it ended
// while we were not listening.
import { ApiError } from './api-client';
import {
  IMAGE_JOB_EVENTS,
  isJobFinished,
  type ImageJob,
  type ImageJobEventMap,
  type ImageJobEventName,
} from '@/types/imageGeneration';

export type ImageJobEvent = {
  [K in ImageJobEventName]: { name: K; id: number; data: ImageJobEventMap[K] };
}[ImageJobEventName];

export const TERMINAL_EVENTS: ReadonlySet<ImageJobEventName> = new Set(['succeeded', 'failed', 'cancelled']);

export interface FollowImageJobOptions {
  eventsUrl: string;
  /** `GET {prefix}/jobs/{job_id}/`: asked after every stream error. */
  recheck: () => Promise<ImageJob>;
  /** Every event once, in order (a reconnect's replay of events already seen is skipped). */
  onEvent: (event: ImageJobEvent) => void;
  /**
   * The stream broke and the job turned out to have ended (its terminal event was missed), or
   * it can no longer be found (`null`). No events follow.
   */
  onEnded: (job: ImageJob | null) => void;
  /** Waits before a new connection when the browser gave up on one (ms, doubled up to 15 s). */
  retryDelayMs?: number;
}

/** Starts following; the returned function stops (closes the stream, cancels retries). */
export function followImageJob(options: FollowImageJobOptions): () => void {
  const { eventsUrl, recheck, onEvent, onEnded, retryDelayMs = 1000 } = options;
  let source: EventSource | null = null;
  let stopped = false;
  let checking = false;
  let lastId = -Infinity;
  let delay = retryDelayMs;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  function stop() {
    stopped = true;
    clearTimeout(retryTimer);
    source?.close();
    source = null;
  }

  function open() {
    if (stopped) return;
    const current = new EventSource(eventsUrl);
    source = current;
    for (const name of IMAGE_JOB_EVENTS) {
      current.addEventListener(name, (message) => {
        if (stopped || source !== current) return;
        const { data, lastEventId } = message as MessageEvent<string>;
        const id = Number(lastEventId);
        // A new connection (not the browser's own reconnect) replays the job from its start.
        if (Number.isFinite(id)) {
          if (id <= lastId) return;
          lastId = id;
        }
        delay = retryDelayMs;
        let parsed: unknown;
        try {
          parsed = data ? JSON.parse(data) : {};
        } catch {
          return; // not ours to understand; the next event or the recheck will tell
        }
        if (TERMINAL_EVENTS.has(name)) stop();
        onEvent({ name, id, data: parsed } as ImageJobEvent);
      });
    }
    current.addEventListener('error', () => {
      if (stopped || source !== current) return;
      void check(current);
    });
  }

  async function check(failed: EventSource) {
    if (checking) return;
    checking = true;
    try {
      const job = await recheck();
      if (stopped) return;
      if (isJobFinished(job)) {
        stop();
        onEnded(job);
        return;
      }
    } catch (error) {
      if (stopped) return;
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
        stop(); // gone, or no longer ours to see
        onEnded(null);
        return;
      }
      // The server cannot be reached: keep trying, as the browser does.
    } finally {
      checking = false;
    }
    // Still running. The browser reconnects by itself unless it gave up (a non-stream answer).
    if (failed.readyState === EventSource.CLOSED && source === failed) {
      retryTimer = setTimeout(open, delay);
      delay = Math.min(delay * 2, 15_000);
    }
  }

  open();
  return stop;
}
