import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { getCurrentUser, login, logout } from '@/api/auth';
import { ApiError, onUnauthorized } from '@/lib/api-client';
import type { CurrentUser, LoginRequest } from '@/types/auth';

export const currentUserKey = ['auth', 'me'] as const;

/** Signed out: drop every cached answer of the previous user, keep the (now null) who-am-I. */
function forgetUser(queryClient: QueryClient) {
  queryClient.setQueryData(currentUserKey, null);
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== currentUserKey[0] });
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
        if (queryClient.getQueryData(currentUserKey)) forgetUser(queryClient);
      }),
    [queryClient],
  );
  return useQuery({ queryKey: currentUserKey, queryFn: fetchCurrentUserOrNull, staleTime: Infinity });
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (credentials: LoginRequest) => {
      await login(credentials);
      return getCurrentUser();
    },
    onSuccess: (user) => queryClient.setQueryData(currentUserKey, user),
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
