// The library of past sessions and starting a session from a photo, under the owner prefix.
import { http, HttpResponse } from 'msw';
import { fakeApi } from './db';
import { forOwner } from './owner';
import { message, problem } from './messages';
import { SESSION_PREFIXES } from './session';

function libraryHandlers(prefix: string) {
  return [
    http.get(
      `${prefix}/library/`,
      forOwner(({ owner }) => HttpResponse.json(fakeApi.libraryList(owner, prefix.replace(':userId', owner)))),
    ),
    http.get(
      `${prefix}/library/:sessionId/`,
      forOwner(({ owner, params }) => {
        const entry = fakeApi.library.get(owner)?.find((e) => e.session.id === params.sessionId);
        if (!entry) return problem(404, message('librarySessionNotFound'));
        return HttpResponse.json(fakeApi.history(entry.session));
      }),
    ),
    http.post(
      `${prefix}/library/:sessionId/reopen/`,
      forOwner(({ owner, params }) => {
        const entries = fakeApi.library.get(owner) ?? [];
        const entry = entries.find((e) => e.session.id === params.sessionId);
        if (!entry) return problem(404, message('librarySessionNotFound'));
        if (fakeApi.runningJob(owner)) return problem(409, message('libraryJobRunning'));
        fakeApi.library.set(owner, entries.filter((e) => e !== entry));
        fakeApi.archive(owner);
        fakeApi.sessions.set(owner, entry.session);
        return HttpResponse.json(fakeApi.response(entry.session, owner));
      }),
    ),
    http.delete(
      `${prefix}/library/:sessionId/`,
      forOwner(({ owner, params }) => {
        const entries = fakeApi.library.get(owner) ?? [];
        if (!entries.some((e) => e.session.id === params.sessionId)) return problem(404, message('librarySessionNotFound'));
        fakeApi.library.set(owner, entries.filter((e) => e.session.id !== params.sessionId));
        return new HttpResponse(null, { status: 204 });
      }),
    ),
    http.post(
      `${prefix}/start-from-upload/`,
      forOwner(async ({ owner, request }) => {
        const form = await request.formData();
        const identity = fakeApi.identities.find((i) => i.id === form.get('identity_id'));
        if (!identity) return problem(404, message('identityNotFound'));
        const image = form.get('image') as File | null;
        if (!image) return problem(400, message('noUploadImage'));
        if (!['image/png', 'image/jpeg', 'image/webp'].includes(image.type)) {
          return problem(415, message('notAnImage', image.name ? `"${image.name}"` : 'The file'));
        }
        if (fakeApi.runningJob(owner)) return problem(409, message('libraryJobRunning'));
        const session = fakeApi.startSession(owner, identity.id, '', '1:1', '1K');
        session.versions[0].kind = 'upload';
        session.versions[0].prompt = 'Your photo';
        fakeApi.uploads.push(image.type); // the file name does not survive MSW's FormData in Node
        return HttpResponse.json(fakeApi.response(session, owner));
      }),
    ),
  ];
}

export const libraryRoutes = SESSION_PREFIXES.flatMap(libraryHandlers);
