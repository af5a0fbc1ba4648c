// The model catalogues the fake API answers on `GET /api/v1/image-options`: the offline engine's
// (the default, as a server without a Gemini key) and a Gemini one shaped like the server's.
import type { ImageOptions } from '@/types/imageOptions';
import type { ImageVersionUsage } from '@/types/imageGeneration';

const PLAN_RATIOS: ImageOptions['models'][number]['aspect_ratios'] = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'];

export const LOCAL_OPTIONS: ImageOptions = {
  models: [
    {
      id: 'local',
      engine: 'local',
      label: 'Offline engine',
      aspect_ratios: PLAN_RATIOS,
      resolutions: ['1K', '2K', '4K'],
      max_input_images: 14,
      is_default: true,
      price_per_image_usd: null,
    },
  ],
  edit_modes: ['single'],
  default_edit_mode: 'single',
};

export const GEMINI_OPTIONS: ImageOptions = {
  models: [
    {
      id: 'gemini-3-pro-image',
      engine: 'gemini',
      label: 'Gemini 3 Pro Image',
      aspect_ratios: PLAN_RATIOS,
      resolutions: ['1K', '2K', '4K'],
      max_input_images: 14,
      is_default: true,
      price_per_image_usd: { '1K': 0.134, '2K': 0.134, '4K': 0.24 },
    },
    {
      id: 'gemini-3.1-flash-image',
      engine: 'gemini',
      label: 'Gemini 3.1 Flash Image',
      aspect_ratios: [...PLAN_RATIOS, '1:4', '4:1', '1:8', '8:1'],
      resolutions: ['512', '1K', '2K', '4K'],
      max_input_images: 14,
      is_default: false,
      price_per_image_usd: { '512': 0.045, '1K': 0.067, '2K': 0.101, '4K': 0.151 },
    },
    {
      id: 'gemini-2.5-flash-image',
      engine: 'gemini',
      label: 'Gemini 2.5 Flash Image',
      aspect_ratios: ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'],
      resolutions: ['1K'],
      max_input_images: 3,
      is_default: false,
      price_per_image_usd: { '1K': 0.039 },
    },
  ],
  edit_modes: ['chat', 'single'],
  default_edit_mode: 'chat',
};

/** Tokens a priced turn reports in the fake. */
export const FAKE_USAGE: ImageVersionUsage = { prompt_tokens: 560, output_tokens: 1120, thoughts_tokens: 200, total_tokens: 1880 };
