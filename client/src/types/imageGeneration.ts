// Request and response shapes of the image session (the plan's phase 4 types plus the
// fields our server adds for history, expiry, reference-change detection and jobs; see docs/API.md).

export const ASPECT_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'] as const;
/** Ratios and sizes only some models take (Gemini 3.1 Flash Image); `GET /api/v1/image-options` says which. */
export const EXTRA_ASPECT_RATIOS = ['1:4', '4:1', '1:8', '8:1'] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number] | (typeof EXTRA_ASPECT_RATIOS)[number];

export const RESOLUTIONS = ['1K', '2K', '4K'] as const;
export const EXTRA_RESOLUTIONS = ['512'] as const;
export type Resolution = (typeof RESOLUTIONS)[number] | (typeof EXTRA_RESOLUTIONS)[number];

/** `chat`: the model sees the earlier turns of the session; `single`: each edit is one stateless request. */
export type EditMode = 'chat' | 'single';

// --- jobs ---------------------------------------------------------------------------------------

export type ImageJobKind = 'generate' | 'edit';
export type ImageJobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type ImageJobStage = 'preparing' | 'sending' | 'thinking' | 'drawing' | 'storing';

/** What a job that failed (or the plan's waiting endpoint) answers: a status code and the message. */
export interface ImageJobError {
  status: number;
  detail: string;
}

/** One generate or edit, run by the server; its progress comes as Server-Sent Events. */
export interface ImageJob {
  id: string;
  kind: ImageJobKind;
  status: ImageJobStatus;
  stage: ImageJobStage | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  version_id: string | null;
  error: ImageJobError | null;
  events_url: string;
  /** How many images the turn makes (1–4; issue 12). Absent from servers before variants. */
  variants?: number;
}

/**
 * What starting a generate or edit answers: the job (202), or, from a server that did not apply
 * `Prefer: respond-async` (RFC 7240 lets it ignore a preference), the finished turn itself.
 */
export type StartedImageTurn = ImageJob | GenerateImageResponse;

export function isImageJob(turn: StartedImageTurn): turn is ImageJob {
  return typeof (turn as ImageJob).events_url === 'string' && typeof (turn as ImageJob).status === 'string';
}

export function isJobFinished(job: Pick<ImageJob, 'status'>): boolean {
  return job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled';
}

/** The data of each event on `{prefix}/jobs/{job_id}/events/`, by event name. */
export interface ImageJobEventMap {
  stage: { stage: ImageJobStage };
  thought: { text: string };
  preview: { image_url: string; width: number; height: number };
  /** One variant finished (`index` counts from 0): its version, or why it failed (the others still count). */
  variant: ImageJobVariant;
  /** `version_id` is the current one (the first variant that succeeded); `version_ids` every saved variant, in index order. */
  succeeded: { version_id: string; version_ids?: string[]; session: ImageSessionResponse };
  failed: ImageJobError;
  cancelled: Record<string, never>;
  /** Something the user should know about the turn, e.g. references left out for the model's input limit. */
  notice: { message: string };
}
export type ImageJobEventName = keyof ImageJobEventMap;
export const IMAGE_JOB_EVENTS: ImageJobEventName[] = ['stage', 'thought', 'preview', 'notice', 'variant', 'succeeded', 'failed', 'cancelled'];

/** The data of a `variant` event: a saved version (`version_id`, `image_url`), or an `error`. */
export interface ImageJobVariant {
  index: number;
  variants: number;
  version_id: string | null;
  image_url: string | null;
  width: number | null;
  height: number | null;
  error: ImageJobError | null;
}

/** How many images one generate or edit may make. */
export const MIN_VARIANTS = 1;
export const MAX_VARIANTS = 4;

// --- the session --------------------------------------------------------------------------------

/** The status of a live session: what status, undo, redo, select and a job's `succeeded` answer. */
export interface ActiveImageSession {
  has_active_session: true;
  session_identity_id: string | null;
  session_id: string;
  version_id: string;
  can_undo: boolean;
  can_redo: boolean;
  references_changed: boolean;
  mime_type: string;
  width: number;
  height: number;
  aspect_ratio: AspectRatio;
  resolution: Resolution;
  provider: string;
  /** The catalogue's model id the session uses (null: an engine without models, or an older server). */
  model?: string | null;
  edit_mode?: EditMode | null;
  /** The session's estimated cost so far, every version included (null: not priced, e.g. the offline engine). */
  estimated_cost_usd?: number | null;
  last_prompt: string;
  expires_at: string;
  /** The current version's bytes (cookie auth, immutable, cached). */
  image_url: string;
  thumbnail_url: string;
  /** The owner's queued or running generate/edit, or null. */
  running_job: ImageJob | null;
}

/** Status without a session: the plan's fields say so, everything else is null. */
export interface NoImageSession {
  has_active_session: false;
  session_identity_id: null;
  can_undo: false;
  can_redo: false;
  references_changed: false;
  running_job: ImageJob | null; // a Generate New may be running before any session exists
  [field: string]: unknown;
}

/** Every session endpoint except the plan's generate/edit answers with this (never base64). */
export type ImageSessionResponse = ActiveImageSession | NoImageSession;

/** The plan's GenerateImageResponse: the waiting endpoints add the image itself. */
export interface GenerateImageResponse extends Omit<ActiveImageSession, 'has_active_session'> {
  image_base64: string;
  has_active_session: boolean;
}

/** Body of generate-image. `user_id` is for the admin endpoint only. */
export interface GenerateImageRequest {
  user_id: string;
  identity_id: string;
  additional_prompt?: string;
  aspect_ratio?: AspectRatio;
  resolution?: Resolution;
  /** A model id of `GET /api/v1/image-options`; the server's default when absent. */
  model?: string;
  edit_mode?: EditMode;
  /** How many images to make (1–4, default 1): sibling versions, the first one current (issue 12). */
  variants?: number;
}

/** The plan's EditImageRequest (`identity_id` is our optional addition). */
export interface EditImageRequest {
  user_id: string;
  edit_prompt: string;
  identity_id?: string;
  /** A region edit: a PNG the size of the image, white = may change, black = keep (base64, no data: prefix). */
  mask_png_base64?: string;
  /** How many images to make (1–4, default 1): sibling versions, the first one current (issue 12). */
  variants?: number;
}

/** The plan's EditImageResponse: the same shape as a generate response. */
export type EditImageResponse = GenerateImageResponse;

export type ImageVersionKind = 'generate' | 'edit' | 'upload';

/** Tokens the model counted for one turn (its `usageMetadata`). */
export interface ImageVersionUsage {
  prompt_tokens: number;
  output_tokens: number;
  thoughts_tokens: number;
  total_tokens: number;
}

export interface ImageVersion {
  id: string;
  parent_id: string | null;
  kind: ImageVersionKind;
  prompt: string;
  provider: string;
  aspect_ratio: AspectRatio;
  resolution: Resolution;
  mime_type: string;
  width: number;
  height: number;
  duration_ms: number;
  /** Optional: absent from servers before the model catalogue. */
  model?: string | null;
  usage?: ImageVersionUsage | null;
  estimated_cost_usd?: number | null;
  created_at: string;
  is_current: boolean;
  image_url: string;
  thumbnail_url: string;
  /** A region edit's mask (a greyscale PNG, white where the edit could change the image); null otherwise. */
  mask_url?: string | null;
}

export interface ImageSessionHistory {
  session_id: string;
  current_version_id: string;
  versions: ImageVersion[]; // oldest first
}

export interface SelectVersionRequest {
  version_id: string;
}

/** True when the response describes a live session (narrows away the all-null status). */
export function isActiveSession(session: ImageSessionResponse | undefined | null): session is ActiveImageSession {
  return !!session && session.has_active_session === true && !!session.image_url;
}
