// The fake server's state: users, identities, image sessions, their libraries and jobs, and the
// job runner. The handlers (one file per resource beside this one) read and change it.
import type { JsonBodyType } from 'msw';
import type { CurrentUser } from '@/types/auth';
import type {
  ActiveImageSession, EditMode, ImageJob, ImageJobError, ImageJobEventMap, ImageJobEventName, ImageVersion,
} from '@/types/imageGeneration';
import type { Identity } from '@/types/identities';
import type { ImageOptions } from '@/types/imageOptions';
import type { UsageDay } from '@/types/usage';
import { FAKE_USAGE, LOCAL_OPTIONS } from '../fake-catalogue';
import { message } from './messages';

export const ADMIN: CurrentUser = { id: 'u-admin', email: 'admin@example.com', is_admin: true };
export const ALICE: CurrentUser = { id: 'u-alice', email: 'alice@example.com', is_admin: false };

export interface Session {
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
export const TERMINAL: ImageJob['status'][] = ['succeeded', 'failed', 'cancelled'];

let counter = 0;
export const nextId = (prefix: string) => `${prefix}-${++counter}`;

/** `{prefix}` of docs/API.md for an owner: the signed-in user's own, or the admin one. */
export function prefixFor(owner: string, self: boolean) {
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
          return { status: 422, detail: message('localEngineNotUnderstood', `"${prompt}"`, '"make the background red", "red tint"', '"add a red border"') };
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
