// The server's model catalogue (`GET /api/v1/image-options`): what the generate form offers and
// how the page names a model. It changes only when an admin changes the settings, so it is
// read once and kept.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { getImageOptions } from '@/api/imageOptions';
import type { ImageModel, ImageOptions } from '@/types/imageOptions';

export function imageOptionsQueryOptions() {
  return queryOptions({
    queryKey: ['image-options'] as const,
    queryFn: getImageOptions,
    staleTime: 10 * 60_000,
    // A server without a catalogue (or a hiccup) leaves the form with its built-in choices: no toast.
    meta: { silent: true },
  });
}

export function useImageOptions() {
  return useQuery(imageOptionsQueryOptions());
}

/** The model with this id, or the catalogue's default (its first model when none is marked). */
export function modelOrDefault(options: ImageOptions, id: string | null | undefined): ImageModel | undefined {
  return options.models.find((m) => m.id === id) ?? options.models.find((m) => m.is_default) ?? options.models[0];
}

/** A model id in words: the catalogue's label, or the id itself for a model it no longer lists. */
export function useModelLabel(): (id: string | null | undefined) => string | null {
  const { data } = useImageOptions();
  return useCallback((id) => (id ? (data?.models.find((m) => m.id === id)?.label ?? id) : null), [data]);
}
