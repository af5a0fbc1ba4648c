import { waitFor } from '@testing-library/react';
import { ADMIN, fakeApi } from '../../test/fake-api';
import { FakeEventSource } from '../../test/fake-event-source';
import type { ImageJob } from '@/types/imageGeneration';
import { followImageJob, type ImageJobEvent } from './job-events';

function follow(job: ImageJob, recheck = vi.fn(async () => fakeApi.jobs.get(job.id)!.job)) {
  const events: ImageJobEvent[] = [];
  const ended: (ImageJob | null)[] = [];
  const stop = followImageJob({
    eventsUrl: job.events_url,
    recheck,
    onEvent: (event) => events.push(event),
    onEnded: (j) => ended.push(j),
    retryDelayMs: 1,
  });
  return { events, ended, stop, recheck, names: () => events.map((e) => e.name) };
}

function runningEdit() {
  const identity = fakeApi.addIdentity('Ada');
  fakeApi.startSession(ADMIN.id, identity.id);
  const release = fakeApi.hold();
  const { job } = fakeApi.startJob(ADMIN.id, 'edit', { edit_prompt: 'sepia' });
  return { job, release };
}

describe('followImageJob', () => {
  it('passes every event once, in order, and closes the stream after the terminal one', async () => {
    const { job, release } = runningEdit();
    const followed = follow(job);
    await waitFor(() => expect(followed.names()).toEqual(['stage', 'stage']));
    fakeApi.emit(job.id, 'thought', { text: 'Warming the tones' });
    release();
    // One `variant` event per image the turn makes (issue 12), one here.
    await waitFor(() => expect(followed.names()).toEqual(['stage', 'stage', 'thought', 'stage', 'variant', 'succeeded']));
    expect(followed.events.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(followed.events[4].data).toMatchObject({ index: 0, variants: 1, error: null });
    await new Promise((r) => setTimeout(r, 20));
    const [source] = FakeEventSource.instances;
    expect(source.readyState).toBe(FakeEventSource.CLOSED);
    expect(source.connections).toBe(1); // no reconnecting after the end
    expect(followed.ended).toEqual([]);
  });

  it('after a dropped connection the browser resumes from Last-Event-ID, without repeats', async () => {
    const { job, release } = runningEdit();
    const followed = follow(job);
    await waitFor(() => expect(followed.events).toHaveLength(2));
    FakeEventSource.instances[0].drop();
    await waitFor(() => expect(followed.recheck).toHaveBeenCalledTimes(1));
    fakeApi.emit(job.id, 'thought', { text: 'Still here' });
    release();
    await waitFor(() => expect(followed.names().at(-1)).toBe('succeeded'));
    expect(followed.events.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('when the stream breaks and the job has ended meanwhile, says how it ended', async () => {
    const { job } = runningEdit();
    const followed = follow(job);
    await waitFor(() => expect(followed.events).toHaveLength(2));
    const [source] = FakeEventSource.instances;
    source.close(); // as if the connection vanished: nothing more arrives on it
    fakeApi.emit(job.id, 'failed', { status: 500, detail: 'Image generation failed. Please try again.' });
    source.dispatchEvent(new Event('error'));
    await waitFor(() => expect(followed.ended).toHaveLength(1));
    expect(followed.ended[0]).toMatchObject({ status: 'failed', error: { status: 500 } });
  });

  it('a stream the browser gave up on (not an event stream) is opened again while the job runs', async () => {
    const { job, release } = runningEdit();
    const followed = follow({ ...job, events_url: '/api/v1/admin/users/u-admin/image-session/jobs/nope/events/' });
    await waitFor(() => expect(FakeEventSource.instances.length).toBeGreaterThanOrEqual(2));
    expect(followed.recheck).toHaveBeenCalled();
    followed.stop();
    release();
    expect(FakeEventSource.open()).toEqual([]);
  });
});
