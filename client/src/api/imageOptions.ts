import { apiClient } from '@/lib/api-client';
import type { ImageOptions } from '@/types/imageOptions';

/** The models, ratios, sizes and edit modes the server offers (any signed-in user). */
export function getImageOptions(): Promise<ImageOptions> {
  return apiClient.get('/api/v1/image-options');
}
