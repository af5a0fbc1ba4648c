// The library of past sessions and starting a session from a photo (docs/API.md, "The library"),
// under the same owner prefix as the image session.
import { apiClient } from '@/lib/api-client';
import type { ImageSessionHistory, ImageSessionResponse } from '@/types/imageGeneration';
import type { LibrarySession } from '@/types/library';
import { imageSessionPrefix, type SessionOwner } from './imageGeneration';

const library = (owner: SessionOwner) => `${imageSessionPrefix(owner)}/library`;

export function listLibrary(owner: SessionOwner): Promise<LibrarySession[]> {
  return apiClient.get(`${library(owner)}/`);
}

/** Every version of a library session, with image and thumbnail URLs under the library. */
export function getLibrarySession(owner: SessionOwner, sessionId: string): Promise<ImageSessionHistory> {
  return apiClient.get(`${library(owner)}/${encodeURIComponent(sessionId)}/`);
}

/** Makes it the active session (the active one goes to the library); answers the status. 409 while a job runs. */
export function reopenLibrarySession(owner: SessionOwner, sessionId: string): Promise<ImageSessionResponse> {
  return apiClient.post(`${library(owner)}/${encodeURIComponent(sessionId)}/reopen/`, {});
}

export function deleteLibrarySession(owner: SessionOwner, sessionId: string): Promise<void> {
  return apiClient.delete(`${library(owner)}/${encodeURIComponent(sessionId)}/`);
}

/** Starts a session from the user's own photo: version 1, kind `upload`; answers the status. */
export function startFromUpload(owner: SessionOwner, identityId: string, image: File): Promise<ImageSessionResponse> {
  const form = new FormData();
  form.append('identity_id', identityId);
  form.append('image', image);
  return apiClient.post(`${imageSessionPrefix(owner)}/start-from-upload/`, form);
}
