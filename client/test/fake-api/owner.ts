// Whose session a request means, looked up once for every session, library and job route.
import type { DefaultBodyType, HttpResponseResolver, PathParams } from 'msw';
import { fakeApi, type Session } from './db';
import { forbidden, message, problem, unauthorized } from './messages';

/**
 * The owner of the session a request acts on: the admin paths name the user (`user_id` in the
 * plan's bodies, `:userId` in the prefix), the others mean the signed-in user.
 */
export function resolveOwner(admin: boolean, userId: string | null | undefined): string | Response {
  const me = fakeApi.signedIn;
  if (!me) return unauthorized();
  if (!admin) return me.id;
  if (!me.is_admin) return forbidden();
  if (!userId || !fakeApi.users.some((u) => u.id === userId)) return problem(404, message('userNotFound'));
  return userId;
}

interface OwnerContext {
  owner: string;
  request: Request;
  params: PathParams;
}

type Handler<C> = (context: C) => Response | Promise<Response>;

/** A route under an owner prefix (`:userId` for admins): answers 401/403/404 for a wrong owner itself. */
export function forOwner(handle: Handler<OwnerContext>): HttpResponseResolver<PathParams, DefaultBodyType> {
  return ({ request, params }) => {
    const owner = resolveOwner('userId' in params, params.userId as string | undefined);
    if (owner instanceof Response) return owner;
    return handle({ owner, request, params });
  };
}

/** A route that needs the owner's active session: 400 without one, as the server answers. */
export function forSession(handle: Handler<OwnerContext & { session: Session }>) {
  return forOwner((context) => {
    const session = fakeApi.sessions.get(context.owner);
    if (!session) return problem(400, message('noActiveSession'));
    return handle({ ...context, session });
  });
}
