// The admin's user management.
import { http, HttpResponse, type JsonBodyType } from 'msw';
import { fakeApi, nextId } from './db';
import { message, problem } from './messages';

export const userRoutes = [
  http.get('/api/v1/admin/users/', () => HttpResponse.json(fakeApi.users.map((u) => fakeApi.managedUser(u)) as unknown as JsonBodyType)),
  http.get('/api/v1/admin/users/password-rules/', () =>
    HttpResponse.json({
      required_length: 6, max_length: 256, require_digit: true, require_lowercase: true, require_uppercase: true,
      require_non_alphanumeric: true, required_unique_chars: 1,
      rules: ['At least 6 characters (at most 256)', 'A lowercase letter (a-z)', 'An uppercase letter (A-Z)', 'A digit (0-9)', 'A symbol, such as ! or -'],
    }),
  ),
  http.post('/api/v1/admin/users/:id/:action/', async ({ request, params }) => {
    const user = fakeApi.users.find((u) => u.id === params.id);
    if (!user) return problem(404, message('userNotFound'));
    const self = user.id === fakeApi.signedIn?.id;
    if (params.action === 'disable') {
      if (self) return problem(409, message('cannotDisableSelf'));
      fakeApi.disabled.add(user.id);
    } else if (params.action === 'enable') {
      fakeApi.disabled.delete(user.id);
    } else if (params.action === 'password') {
      const body = (await request.json()) as { password?: string };
      // ASP.NET Core Identity's own words (not in server/src: see test/server-messages.md).
      if (!body.password || body.password.length < 6) return problem(400, 'Passwords must be at least 6 characters.');
      fakeApi.passwords.set(user.id, body.password);
      return new HttpResponse(null, { status: 204 });
    } else return problem(404, message('noSuchEndpoint'));
    return HttpResponse.json(fakeApi.managedUser(user));
  }),
  http.put('/api/v1/admin/users/:id/role/', async ({ request, params }) => {
    const user = fakeApi.users.find((u) => u.id === params.id);
    if (!user) return problem(404, message('userNotFound'));
    const body = (await request.json()) as { is_admin: boolean };
    if (user.id === fakeApi.signedIn?.id && !body.is_admin) return problem(409, message('cannotRemoveOwnAdmin'));
    const changed = { ...user, is_admin: body.is_admin }; // ADMIN and ALICE are shared constants: never mutate them
    fakeApi.users = fakeApi.users.map((u) => (u.id === user.id ? changed : u));
    return HttpResponse.json(fakeApi.managedUser(changed));
  }),
  http.delete('/api/v1/admin/users/:id/', ({ params }) => {
    const user = fakeApi.users.find((u) => u.id === params.id);
    if (!user) return problem(404, message('userNotFound'));
    if (user.id === fakeApi.signedIn?.id) return problem(409, message('cannotDeleteSelf'));
    fakeApi.users = fakeApi.users.filter((u) => u !== user);
    return new HttpResponse(null, { status: 204 });
  }),
  http.post('/api/v1/admin/users/', async ({ request }) => {
    const body = (await request.json()) as { email: string; password: string; is_admin: boolean };
    if (fakeApi.users.some((u) => u.email === body.email)) return problem(409, message('userEmailTaken'));
    // ASP.NET Core Identity's own words (not in server/src: see test/server-messages.md).
    if (body.password.length < 8) return problem(400, 'Passwords must be at least 8 characters.');
    const user = { id: nextId('user'), email: body.email, is_admin: body.is_admin };
    fakeApi.users.push(user);
    return HttpResponse.json(user as unknown as JsonBodyType, { status: 201 });
  }),
];
