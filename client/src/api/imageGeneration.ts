// Plain functions for the image session endpoints (docs/API.md, "The image session").
// The plan's four generate/edit endpoints keep their paths and bodies: the admin ones carry
// `user_id` (the plan's "test different users"), the "My" ones act for the signed-in user.
// Everything else is one set of routes under an owner prefix.
import { apiClient } from '@/lib/api-client';
import type {
  EditImageRequest,
  EditImageResponse,
  GenerateImageRequest,
  GenerateImageResponse,
  ImageJob,
  ImageJobStatus,
  ImageSessionHistory,
  ImageSessionResponse,
  StartedImageTurn,
} from '@/types/imageGeneration';

const ADMIN = '/api/v1/admin/identities';
const SELF = '/api/v1/identities';

/**
 * Whose image session: `null` for the signed-in user's own, or the id of the user an admin acts
 * for. One name in the client; on the wire it is the plan's `user_id` (admin endpoints only).
 */
export type SessionOwner = string | null;

/** A plan request body without its owner: the signed-in user's own, or the owner is added below. */
type WithoutOwner<T> = Omit<T, 'user_id'>;

/** RFC 7240: answer 202 with the job at once instead of waiting for the image. */
const RESPOND_ASYNC = { headers: { Prefer: 'respond-async' } };

/** `{prefix}` of docs/API.md: where an owner's session, versions and jobs live. */
export function imageSessionPrefix(owner: SessionOwner): string {
  return owner === null
    ? '/api/v1/identities/image-session'
    : `/api/v1/admin/users/${encodeURIComponent(owner)}/image-session`;
}

// --- the plan's endpoints, waiting for the image (answer with image_base64) ------------------

export function generateIdentityImage(request: GenerateImageRequest): Promise<GenerateImageResponse> {
  return apiClient.post(`${ADMIN}/generate-image/`, request);
}

export function editIdentityImage(request: EditImageRequest): Promise<EditImageResponse> {
  return apiClient.post(`${ADMIN}/edit-image/`, request);
}

export function generateMyImage(request: WithoutOwner<GenerateImageRequest>): Promise<GenerateImageResponse> {
  return apiClient.post(`${SELF}/generate-image/`, request);
}

export function editMyImage(request: WithoutOwner<EditImageRequest>): Promise<EditImageResponse> {
  return apiClient.post(`${SELF}/edit-image/`, request);
}

// --- the same endpoints, starting a job (202 + ImageJob) -------------------------------------

export function startIdentityImageGeneration(request: GenerateImageRequest): Promise<StartedImageTurn> {
  return apiClient.post(`${ADMIN}/generate-image/`, request, RESPOND_ASYNC);
}

export function startIdentityImageEdit(request: EditImageRequest): Promise<StartedImageTurn> {
  return apiClient.post(`${ADMIN}/edit-image/`, request, RESPOND_ASYNC);
}

export function startMyImageGeneration(request: WithoutOwner<GenerateImageRequest>): Promise<StartedImageTurn> {
  return apiClient.post(`${SELF}/generate-image/`, request, RESPOND_ASYNC);
}

export function startMyImageEdit(request: WithoutOwner<EditImageRequest>): Promise<StartedImageTurn> {
  return apiClient.post(`${SELF}/edit-image/`, request, RESPOND_ASYNC);
}

// --- everything else: the owner in the prefix ------------------------------------------------

export function getImageSessionStatus(owner: SessionOwner): Promise<ImageSessionResponse> {
  return apiClient.get(`${imageSessionPrefix(owner)}/`);
}

export function getImageSessionHistory(owner: SessionOwner): Promise<ImageSessionHistory> {
  return apiClient.get(`${imageSessionPrefix(owner)}/history/`);
}

export function undoImageEdit(owner: SessionOwner): Promise<ImageSessionResponse> {
  return apiClient.post(`${imageSessionPrefix(owner)}/undo/`, {});
}

export function redoImageEdit(owner: SessionOwner): Promise<ImageSessionResponse> {
  return apiClient.post(`${imageSessionPrefix(owner)}/redo/`, {});
}

export function selectImageVersion(owner: SessionOwner, versionId: string): Promise<ImageSessionResponse> {
  return apiClient.post(`${imageSessionPrefix(owner)}/select/`, { version_id: versionId });
}

export function getImageJob(owner: SessionOwner, jobId: string): Promise<ImageJob> {
  return apiClient.get(`${imageSessionPrefix(owner)}/jobs/${encodeURIComponent(jobId)}/`);
}

export function listImageJobs(owner: SessionOwner, status?: ImageJobStatus): Promise<ImageJob[]> {
  return apiClient.get(`${imageSessionPrefix(owner)}/jobs/`, { query: { status } });
}

/** 204; the job ends `cancelled` and the session is unchanged (409 when it already finished). */
export function cancelImageJob(owner: SessionOwner, jobId: string): Promise<void> {
  return apiClient.delete(`${imageSessionPrefix(owner)}/jobs/${encodeURIComponent(jobId)}/`);
}

// --- one interface over both, so the hook and page need not care whose session it is ----------

export interface ImageSessionApi {
  /** Starts a Generate New job. */
  generate(request: WithoutOwner<GenerateImageRequest>): Promise<StartedImageTurn>;
  /** Starts an edit job. */
  edit(request: WithoutOwner<EditImageRequest>): Promise<StartedImageTurn>;
  status(): Promise<ImageSessionResponse>;
  history(): Promise<ImageSessionHistory>;
  undo(): Promise<ImageSessionResponse>;
  redo(): Promise<ImageSessionResponse>;
  select(versionId: string): Promise<ImageSessionResponse>;
  job(jobId: string): Promise<ImageJob>;
  jobs(status?: ImageJobStatus): Promise<ImageJob[]>;
  cancel(jobId: string): Promise<void>;
}

export function imageSessionApi(owner: SessionOwner): ImageSessionApi {
  return {
    generate: owner === null ? startMyImageGeneration : (request) => startIdentityImageGeneration({ ...request, user_id: owner }),
    edit: owner === null ? startMyImageEdit : (request) => startIdentityImageEdit({ ...request, user_id: owner }),
    status: () => getImageSessionStatus(owner),
    history: () => getImageSessionHistory(owner),
    undo: () => undoImageEdit(owner),
    redo: () => redoImageEdit(owner),
    select: (versionId) => selectImageVersion(owner, versionId),
    job: (jobId) => getImageJob(owner, jobId),
    jobs: (status) => listImageJobs(owner, status),
    cancel: (jobId) => cancelImageJob(owner, jobId),
  };
}
