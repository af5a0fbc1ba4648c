import { queryOptions, useQuery } from '@tanstack/react-query';
import { getUsage } from '@/api/usage';

export const usageKeys = {
  all: ['usage'] as const,
};

/** Admins: usage and estimated cost per user per day over the last `days` days. */
export function usageQueryOptions(days: number) {
  return queryOptions({
    queryKey: [...usageKeys.all, { days }] as const,
    queryFn: () => getUsage(days),
  });
}

export function useUsage(days: number) {
  return useQuery(usageQueryOptions(days));
}
