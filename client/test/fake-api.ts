// An in-memory stand-in for the server, speaking docs/API.md through MSW, so component tests
// exercise the real api client, hooks and pages against realistic answers.
import { http, HttpResponse, type JsonBodyType } from 'msw';
import { setupServer } from 'msw/node';
import type { CurrentUser } from '@/types/auth';
import type { GenerateImageResponse, ImageVersion } from '@/types/imageGeneration';
import type { Identity } from '@/types/identities';

export const ADMIN: CurrentUser = { id: 'u-admin', email: 'admin@example.com', is_admin: true };
export const ALICE: CurrentUser = { id: 'u-alice', email: 'alice@example.com', is_admin: false };

interface Session {
  id: string;
  identityId: string;
  aspectRatio: GenerateImageResponse['aspect_ratio'];
  resolution: GenerateImageResponse['resolution'];
  versions: (ImageVersion & { base64: string })[];
  currentId: string;
  referencesChanged: boolean;
}

const LOCAL_VOCABULARY = ['black and white', 'sepia', 'rotate', 'flip', 'blur', 'border', 'brightness', 'contrast'];

function problem(status: number, detail: string) {
  return HttpResponse.json({ title: 'Error', status, detail }, { status, headers: { 'Content-Type': 'application/problem+json' } });
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}-${++counter}`;

class FakeApi {
  signedIn: CurrentUser | null = ADMIN;
  users: CurrentUser[] = [ADMIN, ALICE];
  identities: Identity[] = [];
  sessions = new Map<string, Session>();
  /** Milliseconds each generate/edit takes, to observe loading states. */
  delayMs = 0;
  private gate: Promise<void> | null = null;

  /** Holds every generate/edit until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    this.gate = new Promise((resolve) => (release = resolve));
    return () => {
      this.gate = null;
      release();
    };
  }

  async wait() {
    if (this.gate) await this.gate;
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
  }

  reset() {
    this.signedIn = ADMIN;
    this.users = [ADMIN, ALICE];
    this.identities = [];
    this.sessions.clear();
    this.delayMs = 0;
    this.gate = null;
    counter = 0;
  }

  addIdentity(name: string, references = 1): Identity {
    const id = nextId('identity');
    const identity: Identity = {
      id,
      name,
      description: '',
      created_at: '2026-11-25T10:00:00Z',
      updated_at: '2026-11-25T10:00:00Z',
      reference_images: Array.from({ length: references }, (_, i) => ({
        id: `${id}-ref-${i}`,
        identity_id: id,
        mime_type: 'image/png',
        width: 64,
        height: 64,
        size_bytes: 1234,
        sha256: 'x',
        order: i,
        created_at: '2026-11-25T10:00:00Z',
        url: `/api/v1/admin/identities/${id}/reference-images/${id}-ref-${i}/`,
      })),
    };
    this.identities.unshift(identity);
    return identity;
  }

  startSession(userId: string, identityId: string, prompt = '', aspectRatio: Session['aspectRatio'] = '16:9', resolution: Session['resolution'] = '1K') {
    const session: Session = { id: nextId('session'), identityId, aspectRatio, resolution, versions: [], currentId: '', referencesChanged: false };
    this.sessions.set(userId, session);
    this.addVersion(session, 'generate', prompt, null);
    return session;
  }

  addVersion(session: Session, kind: ImageVersion['kind'], prompt: string, parentId: string | null) {
    const id = nextId('version');
    session.versions.push({
      id,
      parent_id: parentId,
      kind,
      prompt,
      provider: 'local',
      aspect_ratio: session.aspectRatio,
      resolution: session.resolution,
      mime_type: 'image/png',
      width: 1024,
      height: 576,
      duration_ms: 120,
      created_at: '2026-11-25T10:00:00Z',
      is_current: false,
      image_url: `/img/${id}`,
      thumbnail_url: `/thumb/${id}`,
      base64: btoa(`png-${id}`),
    });
    session.currentId = id;
  }

  response(session: Session | undefined): JsonBodyType {
    if (!session) {
      return {
        image_base64: null, has_active_session: false, session_identity_id: null, session_id: null, version_id: null,
        can_undo: false, can_redo: false, references_changed: false, mime_type: null, width: null, height: null,
        aspect_ratio: null, resolution: null, provider: null, last_prompt: null, expires_at: null, image_url: null,
      };
    }
    const current = session.versions.find((v) => v.id === session.currentId)!;
    const body: GenerateImageResponse = {
      image_base64: current.base64,
      has_active_session: true,
      session_identity_id: session.identityId,
      session_id: session.id,
      version_id: current.id,
      can_undo: current.parent_id !== null,
      can_redo: session.versions.some((v) => v.parent_id === current.id),
      references_changed: session.referencesChanged,
      mime_type: current.mime_type,
      width: current.width,
      height: current.height,
      aspect_ratio: current.aspect_ratio,
      resolution: current.resolution,
      provider: 'local',
      last_prompt: current.prompt,
      expires_at: '2026-12-02T10:00:00Z',
      image_url: current.image_url,
    };
    return body as unknown as JsonBodyType;
  }

  history(session: Session): JsonBodyType {
    return {
      session_id: session.id,
      current_version_id: session.currentId,
      versions: session.versions.map(({ base64: _, ...v }) => ({ ...v, is_current: v.id === session.currentId })),
    } as unknown as JsonBodyType;
  }
}

export const fakeApi = new FakeApi();

const wait = () => fakeApi.wait();

/** Resolves whose session a request means: admin paths name `user_id`, self paths mean the signed-in user. */
function owner(admin: boolean, userId: string | null | undefined): string | Response {
  const me = fakeApi.signedIn;
  if (!me) return problem(401, 'Please sign in.');
  if (!admin) return me.id;
  if (!me.is_admin) return problem(403, 'Forbidden');
  if (!userId || !fakeApi.users.some((u) => u.id === userId)) return problem(404, 'User not found.');
  return userId;
}

function sessionHandlers(prefix: string, admin: boolean) {
  return [
    http.get(`${prefix}/image-session/`, ({ request }) => {
      const who = owner(admin, new URL(request.url).searchParams.get('user_id'));
      if (who instanceof Response) return who;
      return HttpResponse.json(fakeApi.response(fakeApi.sessions.get(who)));
    }),
    http.get(`${prefix}/image-session/history/`, ({ request }) => {
      const who = owner(admin, new URL(request.url).searchParams.get('user_id'));
      if (who instanceof Response) return who;
      const session = fakeApi.sessions.get(who);
      if (!session) return problem(400, 'No active image session. Please generate an image first.');
      return HttpResponse.json(fakeApi.history(session));
    }),
    http.post(`${prefix}/generate-image/`, async ({ request }) => {
      const body = (await request.json()) as Record<string, string>;
      const who = owner(admin, body.user_id);
      if (who instanceof Response) return who;
      const identity = fakeApi.identities.find((i) => i.id === body.identity_id);
      if (!identity) return problem(404, 'Identity not found.');
      if (identity.reference_images.length === 0) return problem(400, 'Reference images are required for image generation.');
      await wait();
      const session = fakeApi.startSession(who, identity.id, body.additional_prompt ?? '', (body.aspect_ratio ?? '16:9') as Session['aspectRatio'], (body.resolution ?? '4K') as Session['resolution']);
      return HttpResponse.json(fakeApi.response(session));
    }),
    http.post(`${prefix}/edit-image/`, async ({ request }) => {
      const body = (await request.json()) as Record<string, string>;
      const who = owner(admin, body.user_id);
      if (who instanceof Response) return who;
      const session = fakeApi.sessions.get(who);
      if (!session) return problem(400, 'No active image session. Please generate an image first.');
      const prompt = (body.edit_prompt ?? '').trim();
      if (!prompt) return problem(400, 'Edit prompt is required.');
      await wait();
      if (!LOCAL_VOCABULARY.some((word) => prompt.includes(word))) {
        return problem(422, `The local engine does not understand “${prompt}”. It understands: ${LOCAL_VOCABULARY.join(', ')}.`);
      }
      fakeApi.addVersion(session, 'edit', prompt, session.currentId);
      return HttpResponse.json(fakeApi.response(session));
    }),
    http.post(`${prefix}/image-session/undo/`, async ({ request }) => {
      const body = (await request.json()) as Record<string, string>;
      const who = owner(admin, body.user_id);
      if (who instanceof Response) return who;
      const session = fakeApi.sessions.get(who);
      if (!session) return problem(400, 'No active image session. Please generate an image first.');
      const current = session.versions.find((v) => v.id === session.currentId)!;
      if (!current.parent_id) return problem(400, 'Nothing to undo.');
      session.currentId = current.parent_id;
      return HttpResponse.json(fakeApi.response(session));
    }),
    http.post(`${prefix}/image-session/redo/`, async ({ request }) => {
      const body = (await request.json()) as Record<string, string>;
      const who = owner(admin, body.user_id);
      if (who instanceof Response) return who;
      const session = fakeApi.sessions.get(who);
      if (!session) return problem(400, 'No active image session. Please generate an image first.');
      const child = [...session.versions].reverse().find((v) => v.parent_id === session.currentId);
      if (!child) return problem(400, 'Nothing to redo.');
      session.currentId = child.id;
      return HttpResponse.json(fakeApi.response(session));
    }),
    http.post(`${prefix}/image-session/select/`, async ({ request }) => {
      const body = (await request.json()) as Record<string, string>;
      const who = owner(admin, body.user_id);
      if (who instanceof Response) return who;
      const session = fakeApi.sessions.get(who);
      if (!session) return problem(400, 'No active image session. Please generate an image first.');
      if (!session.versions.some((v) => v.id === body.version_id)) return problem(404, 'Image version not found.');
      session.currentId = body.version_id;
      return HttpResponse.json(fakeApi.response(session));
    }),
  ];
}

export const handlers = [
  http.get('/api/v1/auth/me', () =>
    fakeApi.signedIn ? HttpResponse.json(fakeApi.signedIn as unknown as JsonBodyType) : problem(401, 'Unauthorized'),
  ),
  http.post('/api/v1/auth/login', async ({ request }) => {
    const body = (await request.json()) as { email: string; password: string };
    const user = fakeApi.users.find((u) => u.email === body.email);
    if (!user || body.password !== 'Secret123!') return problem(401, 'Invalid email or password.');
    fakeApi.signedIn = user;
    return new HttpResponse(null, { status: 200 });
  }),
  http.post('/api/v1/auth/logout', () => {
    fakeApi.signedIn = null;
    return new HttpResponse(null, { status: 204 });
  }),
  http.get('/api/v1/admin/users/', () => HttpResponse.json(fakeApi.users as unknown as JsonBodyType)),
  http.post('/api/v1/admin/users/', async ({ request }) => {
    const body = (await request.json()) as { email: string; password: string; is_admin: boolean };
    if (fakeApi.users.some((u) => u.email === body.email)) return problem(409, 'A user with this email already exists.');
    if (body.password.length < 8) return problem(400, 'Passwords must be at least 8 characters.');
    const user = { id: nextId('user'), email: body.email, is_admin: body.is_admin };
    fakeApi.users.push(user);
    return HttpResponse.json(user as unknown as JsonBodyType, { status: 201 });
  }),
  http.get('/api/v1/admin/identities/', () => HttpResponse.json(fakeApi.identities as unknown as JsonBodyType)),
  http.get('/api/v1/identities/', () => HttpResponse.json(fakeApi.identities as unknown as JsonBodyType)),
  http.post('/api/v1/admin/identities/', async ({ request }) => {
    const body = (await request.json()) as { name: string; description: string };
    if (!body.name?.trim()) return problem(400, 'Name is required.');
    const identity = fakeApi.addIdentity(body.name, 0);
    identity.description = body.description;
    return HttpResponse.json(identity as unknown as JsonBodyType, { status: 201 });
  }),
  http.patch('/api/v1/admin/identities/:id/', async ({ request, params }) => {
    const identity = fakeApi.identities.find((i) => i.id === params.id);
    if (!identity) return problem(404, 'Identity not found.');
    Object.assign(identity, await request.json());
    return HttpResponse.json(identity as unknown as JsonBodyType);
  }),
  http.delete('/api/v1/admin/identities/:id/', ({ params }) => {
    fakeApi.identities = fakeApi.identities.filter((i) => i.id !== params.id);
    return new HttpResponse(null, { status: 204 });
  }),
  http.post('/api/v1/admin/identities/:id/reference-images/', async ({ request, params }) => {
    const identity = fakeApi.identities.find((i) => i.id === params.id);
    if (!identity) return problem(404, 'Identity not found.');
    const files = (await request.formData()).getAll('files') as File[];
    if (files.length === 0) return problem(400, 'No files were sent. Send image files in parts named "files".');
    if (files.some((f) => !['image/png', 'image/jpeg', 'image/webp'].includes(f.type))) {
      return problem(415, 'Only PNG, JPEG and WebP images are accepted.');
    }
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
  ...sessionHandlers('/api/v1/admin/identities', true),
  ...sessionHandlers('/api/v1/identities', false),
];

export const server = setupServer(...handlers);
