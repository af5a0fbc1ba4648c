// An in-memory stand-in for the server, speaking docs/API.md through MSW, so component tests
// exercise the real api client, hooks and pages against realistic answers. Jobs' events go
// out through FakeEventSource (test/fake-event-source.ts), which reads them from here.
import { http, HttpResponse, type JsonBodyType } from 'msw';
import { setupServer } from 'msw/node';
import type { CurrentUser } from '@/types/auth';
import type {
  ActiveImageSession, EditMode, ImageJob, ImageJobError, ImageJobEventMap, ImageJobEventName, ImageVersion,
} from '@/types/imageGeneration';
import type { Identity } from '@/types/identities';
import type { ImageOptions } from '@/types/imageOptions';
import type { UsageDay } from '@/types/usage';
import { FAKE_USAGE, LOCAL_OPTIONS } from './fake-catalogue';

export const ADMIN: CurrentUser = { id: 'u-admin', email: 'admin@example.com', is_admin: true };
export const ALICE: CurrentUser = { id: 'u-alice', email: 'alice@example.com', is_admin: false };

interface Session {
  id: string;
  identityId: string;
  aspectRatio: ActiveImageSession['aspect_ratio'];
  resolution: ActiveImageSession['resolution'];
  /** The catalogue's model and the edit mode chosen at generate (null: made before the catalogue). */
  model: string | null;
  editMode: EditMode | null;
  versions: (ImageVersion & { base64: string })[];
  currentId: string;
  referencesChanged: boolean;
}

export interface FakeJobEvent {
  id: number;
  name: ImageJobEventName;
  data: unknown;
}

export interface FakeJob {
  job: ImageJob;
  owner: string;
  request: Record<string, string> & { variants?: number };
  events: FakeJobEvent[];
  listeners: Set<(event: FakeJobEvent | null) => void>; // null: the stream ends
  done: Promise<void>;
}

const LOCAL_VOCABULARY = ['black and white', 'sepia', 'rotate', 'flip', 'blur', 'border', 'brightness', 'contrast'];
const TERMINAL: ImageJob['status'][] = ['succeeded', 'failed', 'cancelled'];

function problem(status: number, detail: string) {
  return HttpResponse.json({ title: 'Error', status, detail }, { status, headers: { 'Content-Type': 'application/problem+json' } });
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}-${++counter}`;

/** `{prefix}` of docs/API.md for an owner: the signed-in user's own, or the admin one. */
function prefixFor(owner: string, self: boolean) {
  return self ? '/api/v1/identities/image-session' : `/api/v1/admin/users/${owner}/image-session`;
}

class FakeApi {
  signedIn: CurrentUser | null = ADMIN;
  users: CurrentUser[] = [ADMIN, ALICE];
  identities: Identity[] = [];
  sessions = new Map<string, Session>();
  /** Each owner's library: the sessions a newer one replaced, newest first. */
  library = new Map<string, { session: Session; archivedAt: string }[]>();
  /** Users an admin disabled. */
  disabled = new Set<string>();
  jobs = new Map<string, FakeJob>();
  /** Variants (by index) that fail in every job of several images, and why. */
  variantFailures = new Map<number, ImageJobError>();
  /** The mask_png_base64 of every region edit, in order. */
  masks: string[] = [];
  /** The type of every photo a session was started from. */
  uploads: string[] = [];
  /** Every DELETE of a job, as `owner/jobId`. */
  cancelled: string[] = [];
  /** What `GET /api/v1/image-options` answers (test/fake-catalogue.ts). */
  imageOptions: ImageOptions = LOCAL_OPTIONS;
  /** The rows of `GET /api/v1/admin/usage/`, and the `days` of every request for them. */
  usage: UsageDay[] = [];
  usageRequests: string[] = [];
  private gate: Promise<void> | null = null;

  /** Holds every job at the "thinking" stage until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    this.gate = new Promise((resolve) => (release = resolve));
    return () => {
      this.gate = null;
      release();
    };
  }

  reset() {
    this.signedIn = ADMIN;
    this.users = [ADMIN, ALICE];
    this.identities = [];
    this.sessions.clear();
    this.library.clear();
    this.disabled.clear();
    this.jobs.clear();
    this.cancelled = [];
    this.uploads = [];
    this.masks = [];
    this.variantFailures.clear();
    this.passwords.clear();
    this.imageOptions = LOCAL_OPTIONS;
    this.usage = [];
    this.usageRequests = [];
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
        thumbnail_url: `/api/v1/identities/${id}/reference-images/${id}-ref-${i}/thumbnail/`,
      })),
    };
    this.identities.unshift(identity);
    return identity;
  }

  startSession(
    userId: string,
    identityId: string,
    prompt = '',
    aspectRatio: Session['aspectRatio'] = '16:9',
    resolution: Session['resolution'] = '1K',
    { model = null, editMode = null }: { model?: string | null; editMode?: EditMode | null } = {},
  ) {
    const session = this.createSession(userId, identityId, aspectRatio, resolution, { model, editMode });
    this.addVersion(session, 'generate', prompt, null, userId);
    return session;
  }

  /** A new session without versions yet, the owner's active one (the old one goes to the library). */
  createSession(
    userId: string,
    identityId: string,
    aspectRatio: Session['aspectRatio'],
    resolution: Session['resolution'],
    { model = null, editMode = null }: { model?: string | null; editMode?: EditMode | null } = {},
  ): Session {
    const session: Session = {
      id: nextId('session'), identityId, aspectRatio, resolution, model, editMode, versions: [], currentId: '', referencesChanged: false,
    };
    this.archive(userId);
    this.sessions.set(userId, session);
    return session;
  }

  /** Sends the owner's active session (if any) to their library, as Generate New does. */
  archive(userId: string) {
    const active = this.sessions.get(userId);
    if (!active) return;
    this.sessions.delete(userId);
    this.library.set(userId, [{ session: active, archivedAt: new Date().toISOString() }, ...(this.library.get(userId) ?? [])]);
  }

  /** The library list as the server answers it. */
  libraryList(owner: string, prefix: string): JsonBodyType {
    return (this.library.get(owner) ?? []).map(({ session, archivedAt }) => {
      const identity = this.identities.find((i) => i.id === session.identityId);
      const base = `${prefix}/library/${session.id}`;
      return {
        id: session.id,
        identity_id: identity ? session.identityId : null,
        identity_name: identity?.name ?? null,
        identity_deleted: !identity,
        version_count: session.versions.length,
        current_version_id: session.currentId,
        aspect_ratio: session.aspectRatio,
        resolution: session.resolution,
        last_prompt: '',
        created_at: '2026-11-25T10:00:00Z',
        updated_at: '2026-11-25T10:00:00Z',
        archived_at: archivedAt,
        expires_at: '2026-12-02T10:00:00Z',
        image_url: `${base}/versions/${session.currentId}/image/`,
        thumbnail_url: `${base}/versions/${session.currentId}/thumbnail/`,
        history_url: `${base}/`,
      };
    }) as unknown as JsonBodyType;
  }

  addVersion(session: Session, kind: ImageVersion['kind'], prompt: string, parentId: string | null, owner = ADMIN.id) {
    const id = nextId('version');
    const prefix = prefixFor(owner, false);
    // Priced as the server estimates it: the model's price per image at the session's size.
    const model = this.imageOptions.models.find((m) => m.id === session.model);
    const price = model?.price_per_image_usd?.[session.resolution] ?? null;
    const version: Session['versions'][number] = {
      id,
      parent_id: parentId,
      kind,
      prompt,
      provider: model?.engine ?? 'local',
      model: session.model,
      usage: price === null ? null : FAKE_USAGE,
      estimated_cost_usd: price,
      aspect_ratio: session.aspectRatio,
      resolution: session.resolution,
      mime_type: 'image/png',
      width: 1024,
      height: 576,
      duration_ms: 120,
      created_at: '2026-11-25T10:00:00Z',
      is_current: false,
      image_url: `${prefix}/versions/${id}/image/`,
      thumbnail_url: `${prefix}/versions/${id}/thumbnail/`,
      base64: btoa(`png-${id}`),
    };
    session.versions.push(version);
    session.currentId = id;
    return version;
  }

  /** New passwords an admin set, by user id. */
  passwords = new Map<string, string>();

  managedUser(user: CurrentUser): JsonBodyType {
    const disabled = this.disabled.has(user.id);
    return { ...user, is_disabled: disabled, disabled_at: disabled ? '2026-11-26T10:00:00Z' : null, created_at: '2026-11-25T10:00:00Z' };
  }

  /** The owner's queued or running job, if any. */
  runningJob(owner: string): FakeJob | undefined {
    return [...this.jobs.values()].find((j) => j.owner === owner && !TERMINAL.includes(j.job.status));
  }

  /** The status (`ImageSessionResponse`): no base64, the running job included. */
  response(session: Session | undefined, owner: string): JsonBodyType {
    const running_job = (this.runningJob(owner)?.job ?? null) as unknown as JsonBodyType;
    if (!session) {
      return {
        has_active_session: false, session_identity_id: null, session_id: null, version_id: null,
        can_undo: false, can_redo: false, references_changed: false, mime_type: null, width: null, height: null,
        aspect_ratio: null, resolution: null, provider: null, model: null, edit_mode: null, estimated_cost_usd: null,
        last_prompt: null, expires_at: null, image_url: null, thumbnail_url: null, running_job,
      };
    }
    const current = session.versions.find((v) => v.id === session.currentId)!;
    const costs = session.versions.map((v) => v.estimated_cost_usd).filter((c): c is number => c != null);
    const body = {
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
      provider: current.provider,
      model: session.model,
      edit_mode: session.editMode,
      estimated_cost_usd: costs.length ? costs.reduce((a, b) => a + b, 0) : null,
      last_prompt: current.prompt,
      expires_at: '2026-12-02T10:00:00Z',
      image_url: current.image_url,
      thumbnail_url: current.thumbnail_url,
      running_job,
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

  // --- jobs ---------------------------------------------------------------------------------

  /** Starts a job as the server does after validation; it runs until `hold()` lets it go. */
  startJob(owner: string, kind: ImageJob['kind'], request: FakeJob['request']): FakeJob {
    const id = nextId('job');
    const now = new Date().toISOString();
    const job: ImageJob = {
      id,
      kind,
      status: 'queued',
      stage: null,
      created_at: now,
      started_at: null,
      finished_at: null,
      version_id: null,
      error: null,
      events_url: `${prefixFor(owner, this.signedIn?.id === owner && !this.signedIn.is_admin)}/jobs/${id}/events/`,
      variants: Number(request.variants ?? 1),
    };
    const fake: FakeJob = { job, owner, request, events: [], listeners: new Set(), done: Promise.resolve() };
    this.jobs.set(id, fake);
    fake.done = this.run(fake);
    return fake;
  }

  /** Appends an event to a job (as the runner would) and sends it to every open stream. */
  emit<K extends ImageJobEventName>(jobId: string, name: K, data: ImageJobEventMap[K]) {
    const fake = this.jobs.get(jobId)!;
    if (TERMINAL.includes(fake.job.status)) return;
    const event = { id: fake.events.length + 1, name, data };
    fake.events.push(event);
    if (name === 'stage') fake.job.stage = (data as ImageJobEventMap['stage']).stage;
    if (name === 'succeeded' || name === 'failed' || name === 'cancelled') {
      fake.job.status = name;
      fake.job.finished_at = new Date().toISOString();
      if (name === 'failed') fake.job.error = data as ImageJobEventMap['failed'];
    }
    for (const listener of [...fake.listeners]) listener(event);
    if (TERMINAL.includes(fake.job.status)) for (const listener of [...fake.listeners]) listener(null);
  }

  private async run(fake: FakeJob) {
    const { job } = fake;
    await Promise.resolve();
    job.status = 'running';
    job.started_at = new Date().toISOString();
    this.emit(job.id, 'stage', { stage: 'preparing' });
    this.emit(job.id, 'stage', { stage: 'thinking' });
    if (this.gate) await this.gate;
    if (job.status !== 'running') return; // cancelled meanwhile
    this.emit(job.id, 'stage', { stage: 'storing' });
    const { request, owner } = fake;
    const count = Number(request.variants ?? 1);
    // Why each variant fails, if it does: the local engine's refusal fails them all; a test may fail some.
    const failures = Array.from({ length: count }, (_, index): ImageJobError | null => {
      if (job.kind === 'edit') {
        const prompt = request.edit_prompt.trim();
        if (!LOCAL_VOCABULARY.some((word) => prompt.includes(word)))
          return { status: 422, detail: `Could not understand "${prompt}". Try "make the background red", "red tint" or "add a red border".` };
      }
      return this.variantFailures.get(index) ?? null;
    });
    const emitFailures = () =>
      failures.forEach((error, index) => {
        if (error) this.emit(job.id, 'variant', { index, variants: count, version_id: null, image_url: null, width: null, height: null, error });
      });
    const firstMade = failures.findIndex((error) => error === null);
    if (firstMade < 0) {
      // Every variant failed: the job fails as a single call would.
      if (count > 1) emitFailures();
      this.emit(job.id, 'failed', failures[0]!);
      return;
    }
    let session: Session;
    let parentId: string | null = null;
    if (job.kind === 'generate') {
      const model = request.model ?? this.imageOptions.models.find((m) => m.is_default)?.id ?? null;
      const editMode = (request.edit_mode ?? this.imageOptions.default_edit_mode) as EditMode;
      session = this.createSession(owner, request.identity_id, (request.aspect_ratio ?? '16:9') as Session['aspectRatio'],
        (request.resolution ?? '4K') as Session['resolution'], { model, editMode });
    } else {
      session = this.sessions.get(owner)!;
      parentId = session.currentId;
    }
    // Siblings, in index order, each announced as it is saved; the first one made is current.
    const made: string[] = [];
    failures.forEach((error, index) => {
      if (error) {
        this.emit(job.id, 'variant', { index, variants: count, version_id: null, image_url: null, width: null, height: null, error });
        return;
      }
      const version = this.addVersion(session, job.kind, job.kind === 'generate' ? (request.additional_prompt ?? '') : request.edit_prompt.trim(), parentId, owner);
      if (request.mask_png_base64) {
        // A region edit keeps its mask, as the server does.
        version.mask_url = version.image_url.replace(/image\/$/, 'mask/');
        this.masks.push(request.mask_png_base64);
      }
      made.push(version.id);
      this.emit(job.id, 'variant', {
        index, variants: count, version_id: version.id, image_url: version.image_url, width: version.width, height: version.height, error: null,
      });
    });
    session.currentId = made[0];
    job.version_id = session.currentId;
    job.status = 'succeeded'; // so the session in the event no longer names it as running
    const body = this.response(session, owner);
    job.status = 'running';
    this.emit(job.id, 'succeeded', { version_id: session.currentId, version_ids: made, session: body as never });
  }

  /** The stream of `GET {prefix}/jobs/{id}/events/` for FakeEventSource: null is a 404. */
  openEventStream(url: string, lastEventId: number, listener: (event: FakeJobEvent | null) => void): (() => void) | null {
    const match = /^(.*)\/jobs\/([^/]+)\/events\/?$/.exec(new URL(url, 'http://localhost').pathname);
    const fake = match && this.jobs.get(match[2]);
    if (!match || !fake || !this.signedIn) return null;
    const self = match[1] === '/api/v1/identities/image-session';
    if (self ? fake.owner !== this.signedIn.id : !this.signedIn.is_admin || match[1] !== prefixFor(fake.owner, false)) return null;
    const replay = fake.events.filter((e) => e.id > lastEventId);
    queueMicrotask(() => {
      for (const event of replay) listener(event);
      if (TERMINAL.includes(fake.job.status)) listener(null);
      else fake.listeners.add(listener);
    });
    return () => fake.listeners.delete(listener);
  }
}

export const fakeApi = new FakeApi();

/** Resolves whose session a plan request means: admin paths name `user_id`, self paths mean the signed-in user. */
function owner(admin: boolean, userId: string | null | undefined): string | Response {
  const me = fakeApi.signedIn;
  if (!me) return problem(401, 'Please sign in.');
  if (!admin) return me.id;
  if (!me.is_admin) return problem(403, 'Forbidden');
  if (!userId || !fakeApi.users.some((u) => u.id === userId)) return problem(404, 'User not found.');
  return userId;
}

const BUSY = 'Another edit of this image session is still running. Try again when it finishes.';

/** `variants` out of 1–4: a validation problem, as the server answers it. */
function variantsProblem(body: { variants?: unknown }) {
  const { variants } = body;
  if (variants === undefined || (Number.isInteger(variants) && (variants as number) >= 1 && (variants as number) <= 4)) return null;
  return HttpResponse.json(
    { title: 'One or more validation errors occurred.', status: 400, errors: { variants: ['variants must be between 1 and 4.'] } },
    { status: 400, headers: { 'Content-Type': 'application/problem+json' } },
  );
}

/** The plan's generate/edit endpoints: a job, answered at once (Prefer: respond-async) or awaited. */
function planHandlers(base: string, admin: boolean) {
  async function answer(request: Request, fake: FakeJob, self: boolean) {
    if (request.headers.get('Prefer')?.includes('respond-async')) {
      return HttpResponse.json(fake.job as unknown as JsonBodyType, {
        status: 202,
        headers: { Location: `${prefixFor(fake.owner, self)}/jobs/${fake.job.id}/`, 'Preference-Applied': 'respond-async' },
      });
    }
    await fake.done;
    if (fake.job.error) return problem(fake.job.error.status, fake.job.error.detail);
    const session = fakeApi.sessions.get(fake.owner)!;
    const current = session.versions.find((v) => v.id === session.currentId)!;
    return HttpResponse.json({ ...(fakeApi.response(session, fake.owner) as object), image_base64: current.base64 } as JsonBodyType);
  }
  return [
    http.post(`${base}/generate-image/`, async ({ request }) => {
      const body = (await request.json()) as FakeJob['request'];
      const who = owner(admin, body.user_id);
      if (who instanceof Response) return who;
      const invalid = variantsProblem(body);
      if (invalid) return invalid;
      const identity = fakeApi.identities.find((i) => i.id === body.identity_id);
      if (!identity) return problem(404, 'Identity not found.');
      if (identity.reference_images.length === 0) return problem(400, 'Reference images are required for image generation.');
      const models = fakeApi.imageOptions.models;
      const model = models.find((m) => m.id === (body.model ?? models.find((d) => d.is_default)?.id));
      if (!model) return problem(400, `Unknown model "${body.model}". Allowed: ${models.map((m) => m.id).join(', ')}.`);
      if (body.aspect_ratio && !model.aspect_ratios.includes(body.aspect_ratio as never))
        return problem(400, `${model.label} does not take the aspect ratio ${body.aspect_ratio}.`);
      if (body.resolution && !model.resolutions.includes(body.resolution as never))
        return problem(400, `${model.label} does not take the resolution ${body.resolution}.`);
      if (body.edit_mode && !fakeApi.imageOptions.edit_modes.includes(body.edit_mode as EditMode))
        return problem(400, `Unknown edit mode "${body.edit_mode}".`);
      if (fakeApi.runningJob(who)) return problem(409, BUSY);
      return answer(request, fakeApi.startJob(who, 'generate', body), !admin);
    }),
    http.post(`${base}/edit-image/`, async ({ request }) => {
      const body = (await request.json()) as FakeJob['request'];
      const who = owner(admin, body.user_id);
      if (who instanceof Response) return who;
      const invalid = variantsProblem(body);
      if (invalid) return invalid;
      if (!fakeApi.sessions.get(who)) return problem(400, 'No active image session. Please generate an image first.');
      if (!(body.edit_prompt ?? '').trim()) return problem(400, 'Edit prompt is required.');
      if (body.identity_id && body.identity_id !== fakeApi.sessions.get(who)!.identityId)
        return problem(400, 'Current session is for a different identity. Generate a new image to start editing.');
      if (fakeApi.runningJob(who)) return problem(409, BUSY);
      return answer(request, fakeApi.startJob(who, 'edit', body), !admin);
    }),
  ];
}

/** Everything else: one set of routes, the owner in the prefix. */
function sessionHandlers(prefix: string) {
  const self = !prefix.includes(':userId');
  const resolve = (params: Record<string, unknown>) => owner(!self, params.userId as string | undefined);
  const withSession = (who: string) => fakeApi.sessions.get(who) ?? problem(400, 'No active image session. Please generate an image first.');
  return [
    http.get(`${prefix}/`, ({ params }) => {
      const who = resolve(params);
      if (who instanceof Response) return who;
      return HttpResponse.json(fakeApi.response(fakeApi.sessions.get(who), who));
    }),
    http.get(`${prefix}/history/`, ({ params }) => {
      const who = resolve(params);
      if (who instanceof Response) return who;
      const session = withSession(who);
      if (session instanceof Response) return session;
      return HttpResponse.json(fakeApi.history(session));
    }),
    http.post(`${prefix}/undo/`, ({ params }) => {
      const who = resolve(params);
      if (who instanceof Response) return who;
      const session = withSession(who);
      if (session instanceof Response) return session;
      const current = session.versions.find((v) => v.id === session.currentId)!;
      if (!current.parent_id) return problem(400, 'Nothing to undo.');
      session.currentId = current.parent_id;
      return HttpResponse.json(fakeApi.response(session, who));
    }),
    http.post(`${prefix}/redo/`, ({ params }) => {
      const who = resolve(params);
      if (who instanceof Response) return who;
      const session = withSession(who);
      if (session instanceof Response) return session;
      const child = [...session.versions].reverse().find((v) => v.parent_id === session.currentId);
      if (!child) return problem(400, 'Nothing to redo.');
      session.currentId = child.id;
      return HttpResponse.json(fakeApi.response(session, who));
    }),
    http.post(`${prefix}/select/`, async ({ request, params }) => {
      const who = resolve(params);
      if (who instanceof Response) return who;
      const body = (await request.json()) as Record<string, string>;
      const session = withSession(who);
      if (session instanceof Response) return session;
      if (!session.versions.some((v) => v.id === body.version_id)) return problem(404, 'Image version not found.');
      session.currentId = body.version_id;
      return HttpResponse.json(fakeApi.response(session, who));
    }),
    http.get(`${prefix}/library/`, ({ params }) => {
      const who = resolve(params);
      if (who instanceof Response) return who;
      return HttpResponse.json(fakeApi.libraryList(who, self ? prefix : prefix.replace(':userId', who)));
    }),
    http.get(`${prefix}/library/:sessionId/`, ({ params }) => {
      const who = resolve(params);
      if (who instanceof Response) return who;
      const entry = fakeApi.library.get(who)?.find((e) => e.session.id === params.sessionId);
      if (!entry) return problem(404, 'Library session not found.');
      return HttpResponse.json(fakeApi.history(entry.session));
    }),
    http.post(`${prefix}/library/:sessionId/reopen/`, ({ params }) => {
      const who = resolve(params);
      if (who instanceof Response) return who;
      const entries = fakeApi.library.get(who) ?? [];
      const entry = entries.find((e) => e.session.id === params.sessionId);
      if (!entry) return problem(404, 'Library session not found.');
      if (fakeApi.runningJob(who)) return problem(409, 'An image is still being made. Try again when it finishes.');
      fakeApi.library.set(who, entries.filter((e) => e !== entry));
      fakeApi.archive(who);
      fakeApi.sessions.set(who, entry.session);
      return HttpResponse.json(fakeApi.response(entry.session, who));
    }),
    http.delete(`${prefix}/library/:sessionId/`, ({ params }) => {
      const who = resolve(params);
      if (who instanceof Response) return who;
      const entries = fakeApi.library.get(who) ?? [];
      if (!entries.some((e) => e.session.id === params.sessionId)) return problem(404, 'Library session not found.');
      fakeApi.library.set(who, entries.filter((e) => e.session.id !== params.sessionId));
      return new HttpResponse(null, { status: 204 });
    }),
    http.post(`${prefix}/start-from-upload/`, async ({ request, params }) => {
      const who = resolve(params);
      if (who instanceof Response) return who;
      const form = await request.formData();
      const identity = fakeApi.identities.find((i) => i.id === form.get('identity_id'));
      if (!identity) return problem(404, 'Identity not found.');
      const image = form.get('image') as File | null;
      if (!image) return problem(400, "No image was sent. Send the photo as a multipart part named 'image'.");
      if (!['image/png', 'image/jpeg', 'image/webp'].includes(image.type)) {
        return problem(415, `"${image.name}" is not a PNG, JPEG or WebP image. Only those types are accepted.`);
      }
      if (fakeApi.runningJob(who)) return problem(409, 'An image is still being made. Try again when it finishes.');
      const session = fakeApi.startSession(who, identity.id, '', '1:1', '1K');
      session.versions[0].kind = 'upload';
      session.versions[0].prompt = 'Your photo';
      fakeApi.uploads.push(image.type); // the file name does not survive MSW's FormData in Node
      return HttpResponse.json(fakeApi.response(session, who));
    }),
    http.get(`${prefix}/jobs/`, ({ request, params }) => {
      const who = resolve(params);
      if (who instanceof Response) return who;
      const status = new URL(request.url).searchParams.get('status');
      const jobs = [...fakeApi.jobs.values()]
        .filter((j) => j.owner === who && (!status || j.job.status === status))
        .map((j) => j.job)
        .reverse();
      return HttpResponse.json(jobs as unknown as JsonBodyType);
    }),
    http.get(`${prefix}/jobs/:jobId/`, ({ params }) => {
      const who = resolve(params);
      if (who instanceof Response) return who;
      const fake = fakeApi.jobs.get(params.jobId as string);
      if (!fake || fake.owner !== who) return problem(404, 'Image job not found.');
      return HttpResponse.json(fake.job as unknown as JsonBodyType);
    }),
    http.delete(`${prefix}/jobs/:jobId/`, ({ params }) => {
      const who = resolve(params);
      if (who instanceof Response) return who;
      const fake = fakeApi.jobs.get(params.jobId as string);
      if (!fake || fake.owner !== who) return problem(404, 'Image job not found.');
      if (TERMINAL.includes(fake.job.status)) return problem(409, 'This image job has already finished.');
      fakeApi.cancelled.push(`${who}/${fake.job.id}`);
      fakeApi.emit(fake.job.id, 'cancelled', {});
      return new HttpResponse(null, { status: 204 });
    }),
  ];
}

export const handlers = [
  http.get('/api/v1/local-engine/instructions/', () =>
    fakeApi.signedIn
      ? HttpResponse.json({
          instructions: [
            { name: 'black and white', description: 'Removes all colour.', examples: ['black and white', 'make it grayscale'] },
            { name: 'sepia', description: 'An old-photo brown tone.', examples: ['sepia', 'make it vintage'] },
            { name: '<colour> tint', description: 'Washes the image with a colour.', examples: ['tint it green'] },
          ],
          version_commands: ['undo', 'undo that', 'go back', 'redo'],
        })
      : problem(401, 'Please sign in.'),
  ),
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
  http.get('/api/v1/admin/users/', () =>
    HttpResponse.json(fakeApi.users.map((u) => fakeApi.managedUser(u)) as unknown as JsonBodyType),
  ),
  http.get('/api/v1/admin/users/password-rules/', () =>
    HttpResponse.json({
      required_length: 6, max_length: 256, require_digit: true, require_lowercase: true, require_uppercase: true,
      require_non_alphanumeric: true, required_unique_chars: 1,
      rules: ['At least 6 characters (at most 256)', 'A lowercase letter (a-z)', 'An uppercase letter (A-Z)', 'A digit (0-9)', 'A symbol, such as ! or -'],
    }),
  ),
  http.post('/api/v1/admin/users/:id/:action/', async ({ request, params }) => {
    const user = fakeApi.users.find((u) => u.id === params.id);
    if (!user) return problem(404, 'User not found.');
    const self = user.id === fakeApi.signedIn?.id;
    if (params.action === 'disable') {
      if (self) return problem(409, 'You cannot disable your own account.');
      fakeApi.disabled.add(user.id);
    } else if (params.action === 'enable') {
      fakeApi.disabled.delete(user.id);
    } else if (params.action === 'password') {
      const body = (await request.json()) as { password?: string };
      if (!body.password || body.password.length < 6) return problem(400, 'Passwords must be at least 6 characters.');
      fakeApi.passwords.set(user.id, body.password);
      return new HttpResponse(null, { status: 204 });
    } else return problem(404, 'No such API endpoint.');
    return HttpResponse.json(fakeApi.managedUser(user));
  }),
  http.put('/api/v1/admin/users/:id/role/', async ({ request, params }) => {
    const user = fakeApi.users.find((u) => u.id === params.id);
    if (!user) return problem(404, 'User not found.');
    const body = (await request.json()) as { is_admin: boolean };
    if (user.id === fakeApi.signedIn?.id && !body.is_admin) return problem(409, 'You cannot remove your own admin role.');
    const changed = { ...user, is_admin: body.is_admin }; // ADMIN and ALICE are shared constants: never mutate them
    fakeApi.users = fakeApi.users.map((u) => (u.id === user.id ? changed : u));
    return HttpResponse.json(fakeApi.managedUser(changed));
  }),
  http.delete('/api/v1/admin/users/:id/', ({ params }) => {
    const user = fakeApi.users.find((u) => u.id === params.id);
    if (!user) return problem(404, 'User not found.');
    if (user.id === fakeApi.signedIn?.id) return problem(409, 'You cannot delete your own account.');
    fakeApi.users = fakeApi.users.filter((u) => u !== user);
    return new HttpResponse(null, { status: 204 });
  }),
  http.get('/api/v1/image-options', () =>
    fakeApi.signedIn ? HttpResponse.json(fakeApi.imageOptions as unknown as JsonBodyType) : problem(401, 'Unauthorized'),
  ),
  http.get('/api/v1/admin/usage/', ({ request }) => {
    if (!fakeApi.signedIn?.is_admin) return problem(403, 'Forbidden');
    fakeApi.usageRequests.push(new URL(request.url).searchParams.get('days') ?? '');
    return HttpResponse.json({ days: fakeApi.usage } as unknown as JsonBodyType);
  }),
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
  ...planHandlers('/api/v1/admin/identities', true),
  ...planHandlers('/api/v1/identities', false),
  ...sessionHandlers('/api/v1/admin/users/:userId/image-session'),
  ...sessionHandlers('/api/v1/identities/image-session'),
];

export const server = setupServer(...handlers);
