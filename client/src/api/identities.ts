import { apiClient } from '@/lib/api-client';
import type { Identity, IdentityInput, ReferenceImage } from '@/types/identities';

const ADMIN = '/api/v1/admin/identities';

/** Admins manage identities; everyone else may only list them to pick one. */
export function listIdentities(isAdmin: boolean): Promise<Identity[]> {
  return apiClient.get(isAdmin ? `${ADMIN}/` : '/api/v1/identities/');
}

export function createIdentity(input: IdentityInput): Promise<Identity> {
  return apiClient.post(`${ADMIN}/`, input);
}

export function updateIdentity(id: string, input: Partial<IdentityInput>): Promise<Identity> {
  return apiClient.patch(`${ADMIN}/${id}/`, input);
}

export function deleteIdentity(id: string): Promise<void> {
  return apiClient.delete(`${ADMIN}/${id}/`);
}

export function uploadReferenceImages(identityId: string, files: File[]): Promise<ReferenceImage[]> {
  const form = new FormData();
  for (const file of files) form.append('files', file, file.name);
  return apiClient.post(`${ADMIN}/${identityId}/reference-images/`, form);
}

export function deleteReferenceImage(identityId: string, imageId: string): Promise<void> {
  return apiClient.delete(`${ADMIN}/${identityId}/reference-images/${imageId}/`);
}
