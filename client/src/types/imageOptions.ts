// `GET /api/v1/image-options`: the models the server offers (its catalogue, restricted to the
// enabled engines and models), each with the ratios, sizes and input limit it accepts.
import type { AspectRatio, EditMode, Resolution } from './imageGeneration';

export interface ImageModel {
  id: string;
  /** `gemini` or `local` (the offline engine). */
  engine: string;
  label: string;
  aspect_ratios: AspectRatio[];
  resolutions: Resolution[];
  max_input_images: number;
  is_default: boolean;
  /** Estimated price of one output image per resolution; null when the engine is free (offline). */
  price_per_image_usd: Partial<Record<Resolution, number>> | null;
}

export interface ImageOptions {
  models: ImageModel[];
  edit_modes: EditMode[];
  default_edit_mode: EditMode;
}
