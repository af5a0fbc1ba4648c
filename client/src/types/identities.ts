export interface ReferenceImage {
  id: string;
  identity_id: string;
  mime_type: string;
  width: number;
  height: number;
  size_bytes: number;
  sha256: string;
  order: number;
  file_name?: string | null;
  created_at: string;
  /** The bytes, usable as an `<img src>` with the cookie. */
  url: string;
  /** The same image with its long side 256 px (cached): for every small preview. */
  thumbnail_url: string;
}

export interface Identity {
  id: string;
  name: string;
  description: string;
  created_at: string;
  updated_at: string;
  reference_images: ReferenceImage[];
}

export interface IdentityInput {
  name: string;
  description: string;
}

/** The server's limit on reference images per identity. */
export const MAX_REFERENCE_IMAGES = 14;
/** The server's limits for one reference image (ReferenceImages.MaxBytes and MaxPixels). */
export const MAX_REFERENCE_IMAGE_BYTES = 10 * 1024 * 1024;
export const MAX_REFERENCE_IMAGE_PIXELS = 40_000_000;
export const REFERENCE_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
