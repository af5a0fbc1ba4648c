// Server state of one user's image session (the plan's useImageGeneration hook). The status
// query is the single source of truth; every mutation writes its response into it, so
// `hasActiveSession` and the displayed image always follow the server's latest answer.
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { imageSessionApi } from '@/api/imageGeneration';
import {
  isActiveSession,
  type AspectRatio,
  type ImageSessionResponse,
  type Resolution,
} from '@/types/imageGeneration';

/** `null` means the signed-in user (self endpoints); a user id means the admin endpoints. */
export type SessionOwner = string | null;

export const imageSessionKeys = {
  all: ['image-session'] as const,
  status: (owner: SessionOwner) => ['image-session', owner ?? 'self', 'status'] as const,
  history: (owner: SessionOwner) => ['image-session', owner ?? 'self', 'history'] as const,
};

export interface GenerateImageInput {
  identity_id: string;
  additional_prompt?: string;
  aspect_ratio: AspectRatio;
  resolution: Resolution;
}

interface OwnerContext {
  owner: SessionOwner;
}

function storeResponse(queryClient: QueryClient, owner: SessionOwner, response: ImageSessionResponse) {
  queryClient.setQueryData(imageSessionKeys.status(owner), response);
  return queryClient.invalidateQueries({ queryKey: imageSessionKeys.history(owner) });
}

export function useImageGeneration(owner: SessionOwner) {
  const queryClient = useQueryClient();
  const api = useMemo(() => imageSessionApi(owner), [owner]);

  const sessionQuery = useQuery({
    queryKey: imageSessionKeys.status(owner),
    queryFn: api.status,
  });
  const session = isActiveSession(sessionQuery.data) ? sessionQuery.data : null;
  const hasActiveSession = session !== null;

  const historyQuery = useQuery({
    queryKey: imageSessionKeys.history(owner),
    queryFn: api.history,
    enabled: hasActiveSession,
    meta: { silent: true }, // the status query already tells the user when a session is gone
  });

  // Mutations remember whose session they acted on: an admin may switch users mid-request.
  const onMutate = (): OwnerContext => ({ owner });
  const onSuccess = (response: ImageSessionResponse, _: unknown, context: OwnerContext | undefined) =>
    storeResponse(queryClient, context?.owner ?? owner, response);
  // A failed edit may mean the session expired or moved on elsewhere: re-read it.
  const onError = (_: Error, __: unknown, context: OwnerContext | undefined) =>
    queryClient.invalidateQueries({ queryKey: ['image-session', context?.owner ?? owner ?? 'self'] });

  const generate = useMutation({
    mutationFn: (input: GenerateImageInput) => api.generate(input),
    onMutate,
    onSuccess,
  });
  const edit = useMutation({
    mutationFn: (editPrompt: string) => api.edit({ edit_prompt: editPrompt }),
    onMutate,
    onSuccess,
    onError,
  });
  const undo = useMutation({ mutationFn: () => api.undo(), onMutate, onSuccess, onError });
  const redo = useMutation({ mutationFn: () => api.redo(), onMutate, onSuccess, onError });
  const select = useMutation({
    mutationFn: (versionId: string) => api.select(versionId),
    onMutate,
    onSuccess,
    onError,
  });

  const isChangingVersion = undo.isPending || redo.isPending || select.isPending;

  return {
    session,
    hasActiveSession,
    isLoadingSession: sessionQuery.isPending,
    sessionError: sessionQuery.error,
    refetchSession: sessionQuery.refetch,
    history: hasActiveSession ? historyQuery.data : undefined,

    generateImage: generate.mutate,
    isGenerating: generate.isPending,
    generateError: generate.error,

    editImage: edit.mutate,
    isEditing: edit.isPending,
    editError: edit.error,

    undo: undo.mutate,
    redo: redo.mutate,
    selectVersion: select.mutate,
    isChangingVersion,

    /** Generate, edit, undo, redo or select is running: the session must not be changed again. */
    isBusy: generate.isPending || edit.isPending || isChangingVersion,
  };
}
