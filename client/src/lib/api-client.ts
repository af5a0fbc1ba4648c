// The one place that talks HTTP: base URL, cookies, JSON, and turning an RFC 9457
// problem-details body into an Error whose message is the server's `detail`.

export class ApiError extends Error {
  readonly status: number;
  readonly errors?: Record<string, string[]>;

  constructor(message: string, status: number, errors?: Record<string, string[]>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.errors = errors;
  }
}

interface ProblemDetails {
  title?: string;
  detail?: string;
  errors?: Record<string, string[]>;
}

type Listener = (error: ApiError) => void;
const unauthorizedListeners = new Set<Listener>();

/** Called on every 401 so the app can drop the signed-in user and show the sign-in page. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

const FALLBACK_MESSAGES: Record<number, string> = {
  401: 'Please sign in.',
  403: 'You do not have permission to do that.',
  404: 'Not found.',
  413: 'The upload is too large.',
  415: 'That file type is not supported.',
  429: 'Too many requests. Please try again later.',
  500: 'Something went wrong on the server. Please try again.',
};

async function toApiError(response: Response): Promise<ApiError> {
  let problem: ProblemDetails | undefined;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    problem = (await response.json().catch(() => undefined)) as ProblemDetails | undefined;
  }
  // Validation problems put the useful text in `errors`; show the first one when there is no detail.
  const firstFieldError = problem?.errors ? Object.values(problem.errors).flat()[0] : undefined;
  const message =
    problem?.detail ||
    firstFieldError ||
    retryAfterMessage(response) ||
    problem?.title ||
    FALLBACK_MESSAGES[response.status] ||
    `Request failed (${response.status}).`;
  return new ApiError(message, response.status, problem?.errors);
}

/** A 429 without a message of its own (a proxy's, say): when to try again, from `Retry-After` (seconds). */
function retryAfterMessage(response: Response): string | undefined {
  const seconds = Number(response.headers.get('retry-after'));
  if (response.status !== 429 || !Number.isFinite(seconds) || seconds <= 0) return undefined;
  const minutes = Math.ceil(seconds / 60);
  return `Too many requests. Try again in ${minutes === 1 ? '1 minute' : `${minutes} minutes`}.`;
}

type Body = object | FormData | undefined;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: Body;
  query?: Record<string, string | undefined>;
  /** Extra request headers, e.g. `Prefer: respond-async` to start a job instead of waiting for it. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

function withQuery(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, value);
  }
  const text = params.toString();
  return text ? `${path}${path.includes('?') ? '&' : '?'}${text}` : path;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', body, query, signal } = options;
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) {
    payload = body; // the browser sets the multipart boundary
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }

  let response: Response;
  try {
    response = await fetch(withQuery(path, query), {
      method,
      headers,
      body: payload,
      credentials: 'same-origin',
      signal,
    });
  } catch (cause) {
    if ((cause as Error)?.name === 'AbortError') throw cause;
    throw new ApiError('Cannot reach the server. Check your connection and try again.', 0);
  }

  if (!response.ok) {
    const error = await toApiError(response);
    if (response.status === 401) unauthorizedListeners.forEach((listener) => listener(error));
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return undefined as T;
  return (await response.json()) as T;
}

export const apiClient = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    request<T>(path, { ...options, method: 'GET' }),
  post: <T>(path: string, body?: Body, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    request<T>(path, { ...options, method: 'POST', body }),
  patch: <T>(path: string, body?: Body) => request<T>(path, { method: 'PATCH', body }),
  put: <T>(path: string, body?: Body) => request<T>(path, { method: 'PUT', body }),
  delete: <T = void>(path: string, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    request<T>(path, { ...options, method: 'DELETE' }),
};
