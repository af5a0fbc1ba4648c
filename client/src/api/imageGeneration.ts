// Plain functions for the image session endpoints (docs/API.md). Admin variants carry `user_id`
// (the plan's "test different users"); the "My" variants act for the signed-in user.
import { apiClient } from '@/lib/api-client';
import type {
  EditImageRequest,
  EditImageResponse,
  GenerateImageRequest,
  GenerateImageResponse,
  ImageSessionHistory,
  ImageSessionResponse,
  SelectVersionRequest,
  UndoRedoRequest,
} from '@/types/imageGeneration';

const ADMIN = '/api/v1/admin/identities';
const SELF = '/api/v1/identities';

type Self<T> = Omit<T, 'user_id'>;

// --- admin: act on any user's session -------------------------------------------------------

export function generateIdentityImage(request: GenerateImageRequest): Promise<GenerateImageResponse> {
  return apiClient.post(`${ADMIN}/generate-image/`, request);
}

export function editIdentityImage(request: EditImageRequest): Promise<EditImageResponse> {
  return apiClient.post(`${ADMIN}/edit-image/`, request);
}

export function getImageSessionStatus(userId: string): Promise<ImageSessionResponse> {
  return apiClient.get(`${ADMIN}/image-session/`, { query: { user_id: userId } });
}

export function getImageSessionHistory(userId: string): Promise<ImageSessionHistory> {
  return apiClient.get(`${ADMIN}/image-session/history/`, { query: { user_id: userId } });
}

export function undoImageEdit(request: UndoRedoRequest): Promise<ImageSessionResponse> {
  return apiClient.post(`${ADMIN}/image-session/undo/`, request);
}

export function redoImageEdit(request: UndoRedoRequest): Promise<ImageSessionResponse> {
  return apiClient.post(`${ADMIN}/image-session/redo/`, request);
}

export function selectImageVersion(request: SelectVersionRequest): Promise<ImageSessionResponse> {
  return apiClient.post(`${ADMIN}/image-session/select/`, request);
}

// --- self: the signed-in user's own session ---------------------------------------------------

export function generateMyImage(request: Self<GenerateImageRequest>): Promise<GenerateImageResponse> {
  return apiClient.post(`${SELF}/generate-image/`, request);
}

export function editMyImage(request: Self<EditImageRequest>): Promise<EditImageResponse> {
  return apiClient.post(`${SELF}/edit-image/`, request);
}

export function getMyImageSessionStatus(): Promise<ImageSessionResponse> {
  return apiClient.get(`${SELF}/image-session/`);
}

export function getMyImageSessionHistory(): Promise<ImageSessionHistory> {
  return apiClient.get(`${SELF}/image-session/history/`);
}

export function undoMyImageEdit(): Promise<ImageSessionResponse> {
  return apiClient.post(`${SELF}/image-session/undo/`, {});
}

export function redoMyImageEdit(): Promise<ImageSessionResponse> {
  return apiClient.post(`${SELF}/image-session/redo/`, {});
}

export function selectMyImageVersion(request: Self<SelectVersionRequest>): Promise<ImageSessionResponse> {
  return apiClient.post(`${SELF}/image-session/select/`, request);
}

// --- one interface over both, so the hook and page need not care whose session it is ----------

export interface ImageSessionApi {
  generate(request: Self<GenerateImageRequest>): Promise<GenerateImageResponse>;
  edit(request: Self<EditImageRequest>): Promise<EditImageResponse>;
  status(): Promise<ImageSessionResponse>;
  history(): Promise<ImageSessionHistory>;
  undo(): Promise<ImageSessionResponse>;
  redo(): Promise<ImageSessionResponse>;
  select(versionId: string): Promise<ImageSessionResponse>;
}

/** `userId` set: the admin endpoints for that user. `null`: the signed-in user's own endpoints. */
export function imageSessionApi(userId: string | null): ImageSessionApi {
  if (userId === null) {
    return {
      generate: generateMyImage,
      edit: editMyImage,
      status: getMyImageSessionStatus,
      history: getMyImageSessionHistory,
      undo: undoMyImageEdit,
      redo: redoMyImageEdit,
      select: (version_id) => selectMyImageVersion({ version_id }),
    };
  }
  const user_id = userId;
  return {
    generate: (request) => generateIdentityImage({ ...request, user_id }),
    edit: (request) => editIdentityImage({ ...request, user_id }),
    status: () => getImageSessionStatus(user_id),
    history: () => getImageSessionHistory(user_id),
    undo: () => undoImageEdit({ user_id }),
    redo: () => redoImageEdit({ user_id }),
    select: (version_id) => selectImageVersion({ user_id, version_id }),
  };
}
