// Server state of one user's image session (the plan's useImageGeneration hook). The status
// query is the single source of truth; every mutation writes its response into it, so
// `hasActiveSession` and the displayed image always follow the server's latest answer.
import { useIsMutating, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
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
  /** Mutation keys: what is running survives the page being left and opened again. */
  change: (owner: SessionOwner, kind?: 'generate' | 'edit' | 'version') =>
    kind ? (['image-session', owner ?? 'self', 'change', kind] as const) : (['image-session', owner ?? 'self', 'change'] as const),
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
    mutationKey: imageSessionKeys.change(owner, 'generate'),
    mutationFn: (input: GenerateImageInput) => api.generate(input),
    onMutate,
    onSuccess,
  });
  const edit = useMutation({
    mutationKey: imageSessionKeys.change(owner, 'edit'),
    mutationFn: (editPrompt: string) => api.edit({ edit_prompt: editPrompt }),
    onMutate,
    onSuccess,
    onError,
  });
  const versionKey = imageSessionKeys.change(owner, 'version');
  const undo = useMutation({ mutationKey: versionKey, mutationFn: () => api.undo(), onMutate, onSuccess, onError });
  const redo = useMutation({ mutationKey: versionKey, mutationFn: () => api.redo(), onMutate, onSuccess, onError });
  const select = useMutation({
    mutationKey: versionKey,
    mutationFn: (versionId: string) => api.select(versionId),
    onMutate,
    onSuccess,
    onError,
  });

  // Counted across the whole app, not just this component: leaving the page mid-edit and coming
  // back must still show the edit as running (the server would refuse a second one with a 409).
  const generating = useIsMutating({ mutationKey: imageSessionKeys.change(owner, 'generate') }) > 0;
  const editing = useIsMutating({ mutationKey: imageSessionKeys.change(owner, 'edit') }) > 0;
  const changingVersion = useIsMutating({ mutationKey: versionKey }) > 0;
  const isChangingVersion = undo.isPending || redo.isPending || select.isPending || changingVersion;

  return {
    session,
    hasActiveSession,
    isLoadingSession: sessionQuery.isPending,
    sessionError: sessionQuery.error,
    refetchSession: sessionQuery.refetch,
    // Only the history of the session on screen: right after Generate New the old one is still cached.
    history: session && historyQuery.data?.session_id === session.session_id ? historyQuery.data : undefined,

    generateImage: generate.mutate,
    isGenerating: generate.isPending || generating,
    generateError: generate.error,

    editImage: edit.mutate,
    isEditing: edit.isPending || editing,
    editError: edit.error,

    undo: undo.mutate,
    redo: redo.mutate,
    selectVersion: select.mutate,
    isChangingVersion,

    /** Generate, edit, undo, redo or select is running: the session must not be changed again. */
    isBusy: generate.isPending || generating || edit.isPending || editing || isChangingVersion,
  };
}
