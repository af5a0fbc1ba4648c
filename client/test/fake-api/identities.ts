// Identities and their reference images.
import { http, HttpResponse, type JsonBodyType } from 'msw';
import { fakeApi, nextId } from './db';
import { message, problem } from './messages';

export const identityRoutes = [
  http.get('/api/v1/admin/identities/', () => HttpResponse.json(fakeApi.identities as unknown as JsonBodyType)),
  http.get('/api/v1/identities/', () => HttpResponse.json(fakeApi.identities as unknown as JsonBodyType)),
  http.post('/api/v1/admin/identities/', async ({ request }) => {
    const body = (await request.json()) as { name: string; description: string };
    if (!body.name?.trim()) return problem(400, message('nameRequired'));
    const identity = fakeApi.addIdentity(body.name, 0);
    identity.description = body.description;
    return HttpResponse.json(identity as unknown as JsonBodyType, { status: 201 });
  }),
  http.patch('/api/v1/admin/identities/:id/', async ({ request, params }) => {
    const identity = fakeApi.identities.find((i) => i.id === params.id);
    if (!identity) return problem(404, message('identityNotFound'));
    Object.assign(identity, await request.json());
    return HttpResponse.json(identity as unknown as JsonBodyType);
  }),
  http.delete('/api/v1/admin/identities/:id/', ({ params }) => {
    fakeApi.identities = fakeApi.identities.filter((i) => i.id !== params.id);
    return new HttpResponse(null, { status: 204 });
  }),
  http.post('/api/v1/admin/identities/:id/reference-images/', async ({ request, params }) => {
    const identity = fakeApi.identities.find((i) => i.id === params.id);
    if (!identity) return problem(404, message('identityNotFound'));
    const files = (await request.formData()).getAll('files') as File[];
    if (files.length === 0) return problem(400, message('noReferenceFiles'));
    const refused = files.find((f) => !['image/png', 'image/jpeg', 'image/webp'].includes(f.type));
    if (refused) return problem(415, message('notAnImage', refused.name ? `"${refused.name}"` : 'The file'));
    const added = files.map((f, i) => ({
      id: nextId('ref'),
      identity_id: identity.id,
      mime_type: f.type,
      width: 64,
      height: 64,
      size_bytes: f.size,
      sha256: 'x',
      order: identity.reference_images.length + i,
      created_at: '2026-11-25T10:00:00Z',
      url: `/ref/${i}`,
      thumbnail_url: `/ref/${i}/thumbnail`,
    }));
    identity.reference_images.push(...added);
    for (const session of fakeApi.sessions.values()) if (session.identityId === identity.id) session.referencesChanged = true;
    return HttpResponse.json(added as unknown as JsonBodyType, { status: 201 });
  }),
  http.delete('/api/v1/admin/identities/:id/reference-images/:imageId/', ({ params }) => {
    const identity = fakeApi.identities.find((i) => i.id === params.id);
    if (identity) identity.reference_images = identity.reference_images.filter((r) => r.id !== params.imageId);
    return new HttpResponse(null, { status: 204 });
  }),
];
