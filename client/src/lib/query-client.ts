import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import { ApiError } from './api-client';

// Errors surface once: every failed mutation (and every failed query that had data to show)
// becomes one toast carrying the server's message. A 401 is not an error to show: the app
// drops back to the sign-in page instead.
function report(error: unknown) {
  if (error instanceof ApiError && error.status === 401) return;
  showError(error instanceof Error ? error.message : 'Something went wrong.');
}

/** An error toast; long messages (the local engine lists its whole vocabulary) stay long enough to be read. */
export function showError(message: string) {
  toast.error(message, { duration: Math.min(15_000, Math.max(6_000, message.length * 40)) });
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (query.meta?.silent) return;
        report(error);
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => {
        if (mutation.meta?.inlineError) return;
        report(error);
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (failureCount, error) =>
          !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failureCount < 2,
      },
      mutations: { retry: false },
    },
  });
}

declare module '@tanstack/react-query' {
  interface Register {
    queryMeta: { silent?: boolean };
    mutationMeta: { inlineError?: boolean }; // the form shows the error itself
  }
}
