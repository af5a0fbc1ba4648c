// Signing in and out, and who is signed in.
import { http, HttpResponse, type JsonBodyType } from 'msw';
import { fakeApi } from './db';
import { message, problem, unauthorized } from './messages';

/** The one password every fake user has. */
export const PASSWORD = 'Secret123!';

export const authRoutes = [
  http.get('/api/v1/auth/me', () => (fakeApi.signedIn ? HttpResponse.json(fakeApi.signedIn as unknown as JsonBodyType) : unauthorized())),
  http.post('/api/v1/auth/login', async ({ request }) => {
    const body = (await request.json()) as { email: string; password: string };
    const user = fakeApi.users.find((u) => u.email === body.email);
    if (!user || body.password !== PASSWORD) return problem(401, message('invalidCredentials'));
    fakeApi.signedIn = user;
    return new HttpResponse(null, { status: 200 });
  }),
  http.post('/api/v1/auth/logout', () => {
    fakeApi.signedIn = null;
    return new HttpResponse(null, { status: 204 });
  }),
];
