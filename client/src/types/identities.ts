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
