// Whose image session a page shows (the session's owner). Admins may work on any user's session
// (the plan's "test different users"): the owner lives in the URL (`?user=`) so a reload keeps it.
// Everyone else works on their own, through the endpoints without `user_id`.
import { useCallback } from 'react';
import { useSearchParams } from 'react-router';
import type { SessionOwner } from '@/api/imageGeneration';
import type { CurrentUser } from '@/types/auth';

export function useSessionOwner(user: CurrentUser) {
  const [params, setParams] = useSearchParams();
  /** The owner's user id (the signed-in user's own when nobody else is picked). */
  const ownerId = user.is_admin ? params.get('user') || user.id : user.id;
  /** What the API functions and hooks take: `null` for a non-admin's own session. */
  const owner: SessionOwner = user.is_admin ? ownerId : null;
  const setOwnerId = useCallback(
    (id: string) => setParams(id === user.id ? {} : { user: id }, { replace: true }),
    [setParams, user.id],
  );
  return { owner, ownerId, setOwnerId };
}
