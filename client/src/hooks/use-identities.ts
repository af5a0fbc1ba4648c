import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import {
  createIdentity,
  deleteIdentity,
  deleteReferenceImage,
  listIdentities,
  updateIdentity,
  uploadReferenceImages,
} from '@/api/identities';
import type { IdentityInput } from '@/types/identities';
import { imageSessionKeys } from './use-image-generation';

/** Every identities key derives from these: the admin list and the signed-in user's share the prefix. */
export const identityKeys = {
  all: ['identities'] as const,
};

/** Admins read the admin list (with descriptions and every identity); everyone else the user's own. */
export function identitiesQueryOptions(isAdmin: boolean) {
  return queryOptions({
    queryKey: [...identityKeys.all, isAdmin ? 'admin' : 'self'] as const,
    queryFn: () => listIdentities(isAdmin),
  });
}

export function useIdentities(isAdmin: boolean) {
  return useQuery(identitiesQueryOptions(isAdmin));
}

function useInvalidateIdentities() {
  const queryClient = useQueryClient();
  // Reference changes also change sessions (`references_changed`), so refresh those too.
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: identityKeys.all }), // both lists
      queryClient.invalidateQueries({ queryKey: imageSessionKeys.all }),
    ]);
}

export function useCreateIdentity() {
  const invalidate = useInvalidateIdentities();
  return useMutation({
    mutationFn: (input: IdentityInput) => createIdentity(input),
    onSuccess: (identity) => {
      toast.success(`Created “${identity.name}”.`);
      return invalidate();
    },
  });
}

export function useUpdateIdentity() {
  const invalidate = useInvalidateIdentities();
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: Partial<IdentityInput> }) => updateIdentity(id, input),
    onSuccess: () => {
      toast.success('Saved.');
      return invalidate();
    },
  });
}

export function useDeleteIdentity() {
  const invalidate = useInvalidateIdentities();
  return useMutation({
    mutationFn: (id: string) => deleteIdentity(id),
    onSuccess: () => {
      toast.success('Identity deleted.');
      return invalidate();
    },
  });
}

export function useUploadReferenceImages() {
  const invalidate = useInvalidateIdentities();
  return useMutation({
    mutationFn: ({ identityId, files }: { identityId: string; files: File[] }) =>
      uploadReferenceImages(identityId, files),
    onSuccess: (images) => {
      toast.success(images.length === 1 ? 'Reference image added.' : `${images.length} reference images added.`);
      return invalidate();
    },
  });
}

export function useDeleteReferenceImage() {
  const invalidate = useInvalidateIdentities();
  return useMutation({
    mutationFn: ({ identityId, imageId }: { identityId: string; imageId: string }) =>
      deleteReferenceImage(identityId, imageId),
    onSuccess: () => invalidate(),
  });
}
