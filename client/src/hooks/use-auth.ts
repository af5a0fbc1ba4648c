import { queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { getCurrentUser, login, logout } from '@/api/auth';
import { ApiError, onUnauthorized } from '@/lib/api-client';
import type { CurrentUser, LoginRequest } from '@/types/auth';

/** Who am I? `null` when signed out; read once, then kept up to date by sign-in, sign-out and 401s. */
export function currentUserQueryOptions() {
  return queryOptions({ queryKey: ['auth', 'me'] as const, queryFn: fetchCurrentUserOrNull, staleTime: Infinity });
}

/** Signed out: drop every cached answer of the previous user, keep the (now null) who-am-I. */
function forgetUser(queryClient: QueryClient) {
  const { queryKey } = currentUserQueryOptions();
  queryClient.setQueryData(queryKey, null);
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== queryKey[0] });
}

async function fetchCurrentUserOrNull(): Promise<CurrentUser | null> {
  try {
    return await getCurrentUser();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** Who am I? `null` when signed out. Any 401 anywhere resets it to `null`. */
export function useCurrentUser() {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      onUnauthorized(() => {
        if (queryClient.getQueryData(currentUserQueryOptions().queryKey)) forgetUser(queryClient);
      }),
    [queryClient],
  );
  return useQuery(currentUserQueryOptions());
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (credentials: LoginRequest) => {
      await login(credentials);
      return getCurrentUser();
    },
    onSuccess: (user) => queryClient.setQueryData(currentUserQueryOptions().queryKey, user),
    // The sign-in form shows its error (wrong credentials are a 401 with the server's message).
    meta: { inlineError: true },
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSettled: () => forgetUser(queryClient),
  });
}
