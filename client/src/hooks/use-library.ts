// The library of past sessions: list, one session's versions, reopen, delete, and starting a
// session from a photo. Reopen and a start from a photo change the active session, so they write
// its status into the image session's cache and refresh its history and the library.
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import {
  deleteLibrarySession,
  getLibrarySession,
  listLibrary,
  reopenLibrarySession,
  startFromUpload,
} from '@/api/library';
import type { ImageSessionResponse } from '@/types/imageGeneration';
import {
  imageSessionHistoryQueryOptions,
  imageSessionKeys,
  imageSessionQueryOptions,
  type SessionOwner,
} from './use-image-generation';

export function libraryQueryOptions(owner: SessionOwner) {
  return queryOptions({
    queryKey: [...imageSessionKeys.owner(owner), 'library'] as const,
    queryFn: () => listLibrary(owner),
  });
}

export function librarySessionQueryOptions(owner: SessionOwner, sessionId: string) {
  return queryOptions({
    queryKey: [...libraryQueryOptions(owner).queryKey, sessionId] as const,
    queryFn: () => getLibrarySession(owner, sessionId),
  });
}

export function useLibrary(owner: SessionOwner) {
  return useQuery(libraryQueryOptions(owner));
}

export function useLibrarySession(owner: SessionOwner, sessionId: string | null) {
  return useQuery({ ...librarySessionQueryOptions(owner, sessionId ?? ''), enabled: sessionId !== null });
}

/**
 * After the active session changed: its status is the answer; its history and the library are stale.
 * Not awaited: the re-read library no longer holds a reopened session, and the view that asked for the
 * reopen would unmount before its own onSuccess (which moves to the Images page) could run.
 */
function useActiveSessionChanged(owner: SessionOwner) {
  const queryClient = useQueryClient();
  return (status: ImageSessionResponse) => {
    queryClient.setQueryData(imageSessionQueryOptions(owner).queryKey, status);
    void queryClient.invalidateQueries({ queryKey: imageSessionHistoryQueryOptions(owner).queryKey });
    void queryClient.invalidateQueries({ queryKey: libraryQueryOptions(owner).queryKey });
  };
}

export function useReopenLibrarySession(owner: SessionOwner) {
  const changed = useActiveSessionChanged(owner);
  return useMutation({
    mutationFn: (sessionId: string) => reopenLibrarySession(owner, sessionId),
    onSuccess: (status) => {
      toast.success('Session reopened. The one you had is in the library now.');
      return changed(status);
    },
  });
}

export function useDeleteLibrarySession(owner: SessionOwner) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (sessionId: string) => deleteLibrarySession(owner, sessionId),
    onSuccess: () => {
      toast.success('Session deleted from the library.');
      return queryClient.invalidateQueries({ queryKey: libraryQueryOptions(owner).queryKey });
    },
  });
}

export function useStartFromUpload(owner: SessionOwner) {
  const changed = useActiveSessionChanged(owner);
  return useMutation({
    mutationFn: ({ identityId, image }: { identityId: string; image: File }) => startFromUpload(owner, identityId, image),
    onSuccess: (status) => {
      toast.success('Your photo is version 1 of a new session. Edit it as you would a generated image.');
      return changed(status);
    },
  });
}
