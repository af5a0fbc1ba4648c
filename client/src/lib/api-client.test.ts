import { http, HttpResponse } from 'msw';
import { server } from '../../test/fake-api';
import { ApiError, apiClient, onUnauthorized } from './api-client';

describe('apiClient', () => {
  it('turns a problem-details body into an Error with the server detail', async () => {
    server.use(
      http.post('/api/x', () =>
        HttpResponse.json(
          { title: 'Bad Request', status: 400, detail: 'Edit prompt is required.' },
          { status: 400, headers: { 'Content-Type': 'application/problem+json' } },
        ),
      ),
    );
    const error = (await apiClient.post('/api/x', {}).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe('Edit prompt is required.');
    expect(error.status).toBe(400);
  });

  it('uses the first validation message when there is no detail', async () => {
    server.use(
      http.post('/api/x', () =>
        HttpResponse.json(
          { title: 'One or more validation errors occurred.', errors: { name: ['Name is required.'] } },
          { status: 400, headers: { 'Content-Type': 'application/problem+json' } },
        ),
      ),
    );
    const error = (await apiClient.post('/api/x', {}).catch((e: unknown) => e)) as ApiError;
    expect(error.message).toBe('Name is required.');
    expect(error.errors).toEqual({ name: ['Name is required.'] });
  });

  it('falls back to a plain message for an empty error body', async () => {
    server.use(http.get('/api/x', () => new HttpResponse(null, { status: 413 })));
    await expect(apiClient.get('/api/x')).rejects.toThrow('The upload is too large.');
  });

  it('shows a 429\'s detail as it is, and says when to try again when there is none', async () => {
    server.use(
      http.post('/api/x', () =>
        HttpResponse.json(
          { title: 'Too Many Requests', status: 429, detail: "The image model's quota is used up. Try again tomorrow." },
          { status: 429, headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '3600' } },
        ),
      ),
      http.get('/api/x', () => new HttpResponse(null, { status: 429, headers: { 'Retry-After': '90' } })),
      http.get('/api/y', () => new HttpResponse(null, { status: 429 })),
    );
    const quota = (await apiClient.post('/api/x', {}).catch((e: unknown) => e)) as ApiError;
    expect(quota.message).toBe("The image model's quota is used up. Try again tomorrow.");
    expect(quota.status).toBe(429);
    await expect(apiClient.get('/api/x')).rejects.toThrow('Too many requests. Try again in 2 minutes.');
    await expect(apiClient.get('/api/y')).rejects.toThrow('Too many requests. Please try again later.');
  });

  it('sends JSON, reads JSON and returns undefined for 204', async () => {
    let seen: unknown;
    server.use(
      http.post('/api/x', async ({ request }) => {
        seen = { type: request.headers.get('content-type'), body: await request.json() };
        return HttpResponse.json({ ok: true });
      }),
      http.delete('/api/x', () => new HttpResponse(null, { status: 204 })),
    );
    expect(await apiClient.post('/api/x', { a: 1 })).toEqual({ ok: true });
    expect(seen).toEqual({ type: 'application/json', body: { a: 1 } });
    expect(await apiClient.delete('/api/x')).toBeUndefined();
  });

  it('adds query parameters and tells listeners about a 401', async () => {
    let url = '';
    server.use(
      http.get('/api/x', ({ request }) => {
        url = request.url;
        return new HttpResponse(null, { status: 401 });
      }),
    );
    const listener = vi.fn();
    const stop = onUnauthorized(listener);
    await expect(apiClient.get('/api/x', { query: { user_id: 'u 1', skip: undefined } })).rejects.toThrow();
    stop();
    expect(new URL(url).search).toBe('?user_id=u+1');
    expect(listener).toHaveBeenCalledOnce();
  });

  it('reports an unreachable server in words', async () => {
    server.use(http.get('/api/x', () => HttpResponse.error()));
    await expect(apiClient.get('/api/x')).rejects.toThrow('Cannot reach the server');
  });
});
