import { useEffect, useState } from 'react';

/** Whole seconds since `running` became true; 0 while not running. */
export function useElapsedSeconds(running: boolean): number {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    if (!running) {
      setSeconds(0);
      return;
    }
    const started = Date.now();
    setSeconds(0);
    const timer = window.setInterval(() => setSeconds(Math.floor((Date.now() - started) / 1000)), 250);
    return () => window.clearInterval(timer);
  }, [running]);
  return seconds;
}

/**
 * Whole seconds since `since` (an ISO time from the server, e.g. a job's `created_at`), so a
 * job picked up after a reload shows how long it has really been running; 0 when null.
 */
export function useElapsedSince(since: string | null | undefined): number {
  const start = since ? Date.parse(since) : NaN;
  const elapsed = () => (Number.isFinite(start) ? Math.max(0, Math.floor((Date.now() - start) / 1000)) : 0);
  const [seconds, setSeconds] = useState(elapsed);
  useEffect(() => {
    if (!Number.isFinite(start)) {
      setSeconds(0);
      return;
    }
    const tick = () => setSeconds(Math.max(0, Math.floor((Date.now() - start) / 1000)));
    tick();
    const timer = window.setInterval(tick, 250);
    return () => window.clearInterval(timer);
  }, [start]);
  return seconds;
}
