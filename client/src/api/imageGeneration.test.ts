import { http, HttpResponse } from 'msw';
import { server } from '../../test/fake-api';
import { editIdentityImage, imageSessionApi } from './imageGeneration';

function record() {
  const calls: { method: string; path: string; search: string; body: unknown; prefer: string | null }[] = [];
  server.use(
    http.all('/api/v1/*', async ({ request }) => {
      const url = new URL(request.url);
      const text = request.method === 'GET' || request.method === 'DELETE' ? '' : await request.text();
      calls.push({
        method: request.method,
        path: url.pathname,
        search: url.search,
        body: text ? JSON.parse(text) : undefined,
        prefer: request.headers.get('Prefer'),
      });
      return request.method === 'DELETE' ? new HttpResponse(null, { status: 204 }) : HttpResponse.json({});
    }),
  );
  return calls;
}

describe('image generation API', () => {
  it('editIdentityImage posts the plan request to the admin edit endpoint and waits', async () => {
    const calls = record();
    await editIdentityImage({ user_id: 'u1', edit_prompt: 'sepia' });
    expect(calls).toEqual([
      { method: 'POST', path: '/api/v1/admin/identities/edit-image/', search: '', body: { user_id: 'u1', edit_prompt: 'sepia' }, prefer: null },
    ]);
  });

  it('an admin acting for a user: the plan endpoints start jobs with user_id, the rest use /admin/users/{id}/image-session', async () => {
    const calls = record();
    const api = imageSessionApi('u1');
    await api.generate({ identity_id: 'i1', aspect_ratio: '1:1', resolution: '1K' });
    await api.edit({ edit_prompt: 'blur' });
    await api.status();
    await api.history();
    await api.undo();
    await api.redo();
    await api.select('v1');
    await api.job('j1');
    await api.jobs('running');
    await api.cancel('j1');
    const prefix = '/api/v1/admin/users/u1/image-session';
    expect(calls.map((c) => [c.method, c.path + c.search, c.body, c.prefer])).toEqual([
      ['POST', '/api/v1/admin/identities/generate-image/', { identity_id: 'i1', aspect_ratio: '1:1', resolution: '1K', user_id: 'u1' }, 'respond-async'],
      ['POST', '/api/v1/admin/identities/edit-image/', { edit_prompt: 'blur', user_id: 'u1' }, 'respond-async'],
      ['GET', `${prefix}/`, undefined, null],
      ['GET', `${prefix}/history/`, undefined, null],
      ['POST', `${prefix}/undo/`, {}, null],
      ['POST', `${prefix}/redo/`, {}, null],
      ['POST', `${prefix}/select/`, { version_id: 'v1' }, null],
      ['GET', `${prefix}/jobs/j1/`, undefined, null],
      ['GET', `${prefix}/jobs/?status=running`, undefined, null],
      ['DELETE', `${prefix}/jobs/j1/`, undefined, null],
    ]);
  });

  it('the signed-in user: the user paths, no user_id anywhere', async () => {
    const calls = record();
    const api = imageSessionApi(null);
    await api.generate({ identity_id: 'i1', aspect_ratio: '16:9', resolution: '2K' });
    await api.edit({ edit_prompt: 'blur' });
    await api.status();
    await api.history();
    await api.undo();
    await api.redo();
    await api.select('v2');
    await api.cancel('j2');
    const prefix = '/api/v1/identities/image-session';
    expect(calls.map((c) => [c.method, c.path + c.search, c.body, c.prefer])).toEqual([
      ['POST', '/api/v1/identities/generate-image/', { identity_id: 'i1', aspect_ratio: '16:9', resolution: '2K' }, 'respond-async'],
      ['POST', '/api/v1/identities/edit-image/', { edit_prompt: 'blur' }, 'respond-async'],
      ['GET', `${prefix}/`, undefined, null],
      ['GET', `${prefix}/history/`, undefined, null],
      ['POST', `${prefix}/undo/`, {}, null],
      ['POST', `${prefix}/redo/`, {}, null],
      ['POST', `${prefix}/select/`, { version_id: 'v2' }, null],
      ['DELETE', `${prefix}/jobs/j2/`, undefined, null],
    ]);
  });
});
