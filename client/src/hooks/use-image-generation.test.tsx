import { QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import { createQueryClient } from '@/lib/query-client';
import { http, HttpResponse } from 'msw';
import { ADMIN, ALICE, fakeApi, server } from '../../test/fake-api';
import { FakeEventSource } from '../../test/fake-event-source';
import { useImageGeneration } from './use-image-generation';

function setup(owner: string | null) {
  const queryClient = createQueryClient();
  const wrapper = ({ children }: { children: React.ReactNode }) => (
    <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
  );
  return renderHook(() => useImageGeneration(owner), { wrapper });
}

describe('useImageGeneration', () => {
  it('starts without an active session and tracks it from the generate response', async () => {
    const identity = fakeApi.addIdentity('Ada');
    const { result } = setup(ALICE.id);
    await waitFor(() => expect(result.current.isLoadingSession).toBe(false));
    expect(result.current.hasActiveSession).toBe(false);
    expect(result.current.session).toBeNull();

    act(() => result.current.generateImage({ identity_id: identity.id, aspect_ratio: '1:1', resolution: '1K' }));
    await waitFor(() => expect(result.current.hasActiveSession).toBe(true));
    expect(result.current.session?.session_identity_id).toBe(identity.id);
    expect(fakeApi.sessions.get(ALICE.id)).toBeDefined(); // the admin acted on Alice's session
    await waitFor(() => expect(result.current.history?.versions).toHaveLength(1));
  });

  it('editImage replaces the image; isEditing while it runs; editError carries the server message', async () => {
    const identity = fakeApi.addIdentity('Ada');
    fakeApi.signedIn = ALICE;
    fakeApi.startSession(ALICE.id, identity.id);
    const { result } = setup(null);
    await waitFor(() => expect(result.current.hasActiveSession).toBe(true));
    const first = result.current.session!.image_url;

    const release = fakeApi.hold();
    act(() => result.current.editImage('make it black and white'));
    await waitFor(() => expect(result.current.job?.stage).toBe('thinking'));
    expect(result.current.isEditing).toBe(true);
    expect(result.current.isBusy).toBe(true);
    expect(result.current.job!.job.kind).toBe('edit');
    release();
    await waitFor(() => expect(result.current.isEditing).toBe(false));
    expect(result.current.session!.image_url).not.toBe(first);
    expect(result.current.session!.can_undo).toBe(true);
    expect(result.current.editError).toBeNull();

    act(() => result.current.editImage('make the jacket red'));
    await waitFor(() => expect(result.current.editError).not.toBeNull());
    expect(result.current.editError!.message).toMatch(/Could not understand "make the jacket red"/);
  });

  it('undo and redo move the current version', async () => {
    const identity = fakeApi.addIdentity('Ada');
    const session = fakeApi.startSession(ADMIN.id, identity.id);
    fakeApi.addVersion(session, 'edit', 'sepia', session.currentId);
    const { result } = setup(ADMIN.id);
    await waitFor(() => expect(result.current.session?.can_undo).toBe(true));
    const edited = result.current.session!.version_id;

    act(() => result.current.undo());
    await waitFor(() => expect(result.current.session?.can_redo).toBe(true));
    expect(result.current.session!.version_id).not.toBe(edited);

    act(() => result.current.redo());
    await waitFor(() => expect(result.current.session?.version_id).toBe(edited));
  });

  it('follows a job to its end and then stops listening (no reconnecting after the stream ends)', async () => {
    const identity = fakeApi.addIdentity('Ada');
    const { result } = setup(ADMIN.id);
    await waitFor(() => expect(result.current.isLoadingSession).toBe(false));
    const release = fakeApi.hold();
    act(() => result.current.generateImage({ identity_id: identity.id, aspect_ratio: '1:1', resolution: '1K' }));
    await waitFor(() => expect(result.current.job?.stage).toBe('thinking'));
    const jobId = result.current.job!.job.id;
    act(() => fakeApi.emit(jobId, 'thought', { text: '**Composing** a square portrait' }));
    act(() => fakeApi.emit(jobId, 'preview', { image_url: '/draft/1', width: 512, height: 512 }));
    await waitFor(() => expect(result.current.job?.previews).toHaveLength(1));
    expect(result.current.job!.thoughts).toEqual(['**Composing** a square portrait']);
    release();
    await waitFor(() => expect(result.current.hasActiveSession).toBe(true));
    expect(result.current.job).toBeNull();
    expect(result.current.isBusy).toBe(false);
    // The stream ended after `succeeded`: the source is closed, not reconnecting.
    await new Promise((r) => setTimeout(r, 20));
    expect(FakeEventSource.instances).toHaveLength(1);
    expect(FakeEventSource.instances[0].readyState).toBe(FakeEventSource.CLOSED);
    expect(FakeEventSource.instances[0].connections).toBe(1);
  });

  it('a failed job sets editError from its event and leaves the session as it was', async () => {
    const identity = fakeApi.addIdentity('Ada');
    const session = fakeApi.startSession(ADMIN.id, identity.id);
    const { result } = setup(ADMIN.id);
    await waitFor(() => expect(result.current.hasActiveSession).toBe(true));
    act(() => result.current.editImage('make the jacket red'));
    await waitFor(() => expect(result.current.editError?.message).toMatch(/Could not understand "make the jacket red"/));
    expect(result.current.job).toBeNull();
    expect(result.current.session!.version_id).toBe(session.currentId);
  });

  it('a server that ignores Prefer: respond-async and answers with the finished turn still works', async () => {
    const identity = fakeApi.addIdentity('Ada');
    fakeApi.startSession(ADMIN.id, identity.id);
    server.use(
      http.post('/api/v1/admin/identities/edit-image/', async ({ request }) => {
        const body = (await request.json()) as Record<string, string>;
        const session = fakeApi.sessions.get(ADMIN.id)!;
        fakeApi.addVersion(session, 'edit', body.edit_prompt, session.currentId);
        return HttpResponse.json({ ...(fakeApi.response(session, ADMIN.id) as object), image_base64: 'AAAA' });
      }),
    );
    const { result } = setup(ADMIN.id);
    await waitFor(() => expect(result.current.hasActiveSession).toBe(true));
    const applied = vi.fn();
    act(() => result.current.editImage('sepia', { onSuccess: applied }));
    await waitFor(() => expect(result.current.session?.can_undo).toBe(true));
    expect(applied).toHaveBeenCalledTimes(1);
    expect(result.current.job).toBeNull();
    expect(result.current.session).not.toHaveProperty('image_base64');
    expect(FakeEventSource.instances).toEqual([]);
  });
});
