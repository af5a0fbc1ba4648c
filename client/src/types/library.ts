// The library of past sessions (docs/API.md, "The library"): sessions Generate New replaced,
// kept read-only until they expire.
import type { AspectRatio, Resolution } from './imageGeneration';

export interface LibrarySession {
  id: string;
  /** Null once the identity was deleted (then `identity_deleted` is true). */
  identity_id: string | null;
  identity_name: string | null;
  identity_deleted: boolean;
  version_count: number;
  current_version_id: string | null;
  aspect_ratio: AspectRatio;
  resolution: Resolution;
  last_prompt: string;
  created_at: string;
  updated_at: string;
  /** When it went to the library (replaced by another session). */
  archived_at: string;
  expires_at: string;
  /** The image it stood at when it was replaced. */
  image_url: string | null;
  thumbnail_url: string | null;
  history_url: string;
}
