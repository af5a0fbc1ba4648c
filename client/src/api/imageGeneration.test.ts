import { http, HttpResponse } from 'msw';
import { server } from '../../test/fake-api';
import { editIdentityImage, imageSessionApi } from './imageGeneration';

function record() {
  const calls: { method: string; path: string; search: string; body: unknown }[] = [];
  server.use(
    http.all('/api/v1/*', async ({ request }) => {
      const url = new URL(request.url);
      const body = request.method === 'GET' ? undefined : await request.json();
      calls.push({ method: request.method, path: url.pathname, search: url.search, body });
      return HttpResponse.json({});
    }),
  );
  return calls;
}

describe('image generation API', () => {
  it('editIdentityImage posts the plan request to the admin edit endpoint', async () => {
    const calls = record();
    await editIdentityImage({ user_id: 'u1', edit_prompt: 'sepia' });
    expect(calls).toEqual([
      { method: 'POST', path: '/api/v1/admin/identities/edit-image/', search: '', body: { user_id: 'u1', edit_prompt: 'sepia' } },
    ]);
  });

  it('admin session calls carry user_id in the body or the query', async () => {
    const calls = record();
    const api = imageSessionApi('u1');
    await api.generate({ identity_id: 'i1', aspect_ratio: '1:1', resolution: '1K' });
    await api.status();
    await api.history();
    await api.undo();
    await api.redo();
    await api.select('v1');
    expect(calls.map((c) => [c.method, c.path + c.search, c.body])).toEqual([
      ['POST', '/api/v1/admin/identities/generate-image/', { identity_id: 'i1', aspect_ratio: '1:1', resolution: '1K', user_id: 'u1' }],
      ['GET', '/api/v1/admin/identities/image-session/?user_id=u1', undefined],
      ['GET', '/api/v1/admin/identities/image-session/history/?user_id=u1', undefined],
      ['POST', '/api/v1/admin/identities/image-session/undo/', { user_id: 'u1' }],
      ['POST', '/api/v1/admin/identities/image-session/redo/', { user_id: 'u1' }],
      ['POST', '/api/v1/admin/identities/image-session/select/', { user_id: 'u1', version_id: 'v1' }],
    ]);
  });

  it('self session calls use the user paths without user_id', async () => {
    const calls = record();
    const api = imageSessionApi(null);
    await api.generate({ identity_id: 'i1' , aspect_ratio: '16:9', resolution: '2K' });
    await api.edit({ edit_prompt: 'blur' });
    await api.status();
    await api.history();
    await api.undo();
    await api.redo();
    await api.select('v2');
    expect(calls.map((c) => [c.method, c.path + c.search, c.body])).toEqual([
      ['POST', '/api/v1/identities/generate-image/', { identity_id: 'i1', aspect_ratio: '16:9', resolution: '2K' }],
      ['POST', '/api/v1/identities/edit-image/', { edit_prompt: 'blur' }],
      ['GET', '/api/v1/identities/image-session/', undefined],
      ['GET', '/api/v1/identities/image-session/history/', undefined],
      ['POST', '/api/v1/identities/image-session/undo/', {}],
      ['POST', '/api/v1/identities/image-session/redo/', {}],
      ['POST', '/api/v1/identities/image-session/select/', { version_id: 'v2' }],
    ]);
  });
});
