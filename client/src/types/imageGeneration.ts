// Request and response shapes of the image session (the plan's phase 4 types plus the
// fields our server adds for history, expiry and reference-change detection; see docs/API.md).

export const ASPECT_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

export const RESOLUTIONS = ['1K', '2K', '4K'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/** The plan's GenerateImageResponse, plus what every session response carries. */
export interface GenerateImageResponse {
  image_base64: string;
  has_active_session: boolean;
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
  last_prompt: string;
  expires_at: string;
  image_url: string;
}

/** Body of generate-image. `user_id` is for the admin endpoint only. */
export interface GenerateImageRequest {
  user_id: string;
  identity_id: string;
  additional_prompt?: string;
  aspect_ratio?: AspectRatio;
  resolution?: Resolution;
}

/** The plan's EditImageRequest (`identity_id` is our optional addition). */
export interface EditImageRequest {
  user_id: string;
  edit_prompt: string;
  identity_id?: string;
}

/** The plan's EditImageResponse: the same shape as a generate response. */
export type EditImageResponse = GenerateImageResponse;

/**
 * Every session endpoint (generate, edit, undo, redo, select, status) answers with this.
 * Without a session the status endpoint answers with `has_active_session: false` and nulls.
 */
export type ImageSessionResponse =
  | GenerateImageResponse
  | (NoSessionFields & { has_active_session: false });

type NoSessionFields = {
  [K in keyof GenerateImageResponse]: K extends 'can_undo' | 'can_redo' | 'references_changed'
    ? false
    : K extends 'has_active_session'
      ? false
      : null;
};

export type ImageVersionKind = 'generate' | 'edit';

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
  created_at: string;
  is_current: boolean;
  image_url: string;
  thumbnail_url: string;
}

export interface ImageSessionHistory {
  session_id: string;
  current_version_id: string;
  versions: ImageVersion[]; // oldest first
}

export interface UndoRedoRequest {
  user_id: string;
}

export interface SelectVersionRequest {
  user_id: string;
  version_id: string;
}

/** True when the response describes a live session (narrows away the all-null status). */
export function isActiveSession(
  session: ImageSessionResponse | undefined | null,
): session is GenerateImageResponse {
  return !!session && session.has_active_session && !!session.image_base64;
}
