// The image session: the plan's generate/edit endpoints (a job, answered at once or awaited) and
// everything under the owner prefix: status, history, undo, redo, select and jobs.
import { http, HttpResponse, type JsonBodyType } from 'msw';
import type { EditMode } from '@/types/imageGeneration';
import { fakeApi, prefixFor, TERMINAL, type FakeJob } from './db';
import { forOwner, forSession, resolveOwner } from './owner';
import { invalid, message, problem } from './messages';

/** `variants` out of 1–4: the server's validation problem. */
function variantsProblem(body: { variants?: unknown }) {
  const { variants } = body;
  if (variants === undefined || (Number.isInteger(variants) && (variants as number) >= 1 && (variants as number) <= 4)) return null;
  return invalid('variants', message('variantsInvalid'));
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
      const owner = resolveOwner(admin, body.user_id);
      if (owner instanceof Response) return owner;
      const identity = fakeApi.identities.find((i) => i.id === body.identity_id);
      if (!identity) return problem(404, message('identityNotFound'));
      if (identity.reference_images.length === 0) return problem(400, message('referenceImagesRequired'));
      const models = fakeApi.imageOptions.models;
      const model = models.find((m) => m.id === (body.model ?? models.find((d) => d.is_default)?.id));
      if (!model) return invalid('model', message('modelInvalid', models.map((m) => m.id).join(', ')));
      if (body.aspect_ratio && !model.aspect_ratios.includes(body.aspect_ratio as never))
        return invalid('aspect_ratio', message('aspectRatioInvalid', model.aspect_ratios.join(', ')));
      if (body.resolution && !model.resolutions.includes(body.resolution as never))
        return invalid('resolution', message('resolutionInvalid', model.resolutions.join(', ')));
      if (body.edit_mode && !fakeApi.imageOptions.edit_modes.includes(body.edit_mode as EditMode))
        return invalid('edit_mode', message('editModeInvalid', fakeApi.imageOptions.edit_modes.join(', ')));
      const tooMany = variantsProblem(body);
      if (tooMany) return tooMany;
      if (fakeApi.runningJob(owner)) return problem(409, message('editRunning'));
      return answer(request, fakeApi.startJob(owner, 'generate', body), !admin);
    }),
    http.post(`${base}/edit-image/`, async ({ request }) => {
      const body = (await request.json()) as FakeJob['request'];
      const owner = resolveOwner(admin, body.user_id);
      if (owner instanceof Response) return owner;
      const session = fakeApi.sessions.get(owner);
      if (!session) return problem(400, message('noActiveSession'));
      if (!(body.edit_prompt ?? '').trim()) return problem(400, message('editPromptRequired'));
      if (body.identity_id && body.identity_id !== session.identityId) return problem(400, message('differentIdentity'));
      const tooMany = variantsProblem(body);
      if (tooMany) return tooMany;
      if (fakeApi.runningJob(owner)) return problem(409, message('editRunning'));
      return answer(request, fakeApi.startJob(owner, 'edit', body), !admin);
    }),
  ];
}

/** Status, history, undo, redo, select and jobs: one set of routes, the owner in the prefix. */
function sessionHandlers(prefix: string) {
  return [
    http.get(`${prefix}/`, forOwner(({ owner }) => HttpResponse.json(fakeApi.response(fakeApi.sessions.get(owner), owner)))),
    http.get(`${prefix}/history/`, forSession(({ session }) => HttpResponse.json(fakeApi.history(session)))),
    http.post(
      `${prefix}/undo/`,
      forSession(({ owner, session }) => {
        const current = session.versions.find((v) => v.id === session.currentId)!;
        if (!current.parent_id) return problem(400, message('nothingToUndo'));
        session.currentId = current.parent_id;
        return HttpResponse.json(fakeApi.response(session, owner));
      }),
    ),
    http.post(
      `${prefix}/redo/`,
      forSession(({ owner, session }) => {
        const child = [...session.versions].reverse().find((v) => v.parent_id === session.currentId);
        if (!child) return problem(400, message('nothingToRedo'));
        session.currentId = child.id;
        return HttpResponse.json(fakeApi.response(session, owner));
      }),
    ),
    http.post(
      `${prefix}/select/`,
      forSession(async ({ owner, session, request }) => {
        const body = (await request.json()) as Record<string, string>;
        if (!session.versions.some((v) => v.id === body.version_id)) return problem(404, message('versionNotFound'));
        session.currentId = body.version_id;
        return HttpResponse.json(fakeApi.response(session, owner));
      }),
    ),
    http.get(
      `${prefix}/jobs/`,
      forOwner(({ owner, request }) => {
        const status = new URL(request.url).searchParams.get('status');
        const jobs = [...fakeApi.jobs.values()]
          .filter((j) => j.owner === owner && (!status || j.job.status === status))
          .map((j) => j.job)
          .reverse();
        return HttpResponse.json(jobs as unknown as JsonBodyType);
      }),
    ),
    http.get(
      `${prefix}/jobs/:jobId/`,
      forOwner(({ owner, params }) => {
        const fake = fakeApi.jobs.get(params.jobId as string);
        if (!fake || fake.owner !== owner) return problem(404, message('jobNotFound'));
        return HttpResponse.json(fake.job as unknown as JsonBodyType);
      }),
    ),
    http.delete(
      `${prefix}/jobs/:jobId/`,
      forOwner(({ owner, params }) => {
        const fake = fakeApi.jobs.get(params.jobId as string);
        if (!fake || fake.owner !== owner) return problem(404, message('jobNotFound'));
        if (TERMINAL.includes(fake.job.status)) return problem(409, message('jobFinished'));
        fakeApi.cancelled.push(`${owner}/${fake.job.id}`);
        fakeApi.emit(fake.job.id, 'cancelled', {});
        return new HttpResponse(null, { status: 204 });
      }),
    ),
  ];
}

/** The owner prefixes of docs/API.md: an admin's for any user, and the signed-in user's own. */
export const SESSION_PREFIXES = ['/api/v1/admin/users/:userId/image-session', '/api/v1/identities/image-session'];

export const sessionRoutes = [
  ...planHandlers('/api/v1/admin/identities', true),
  ...planHandlers('/api/v1/identities', false),
  ...SESSION_PREFIXES.flatMap(sessionHandlers),
];
