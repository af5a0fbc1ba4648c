import { queryOptions, useQuery } from '@tanstack/react-query';
import { getLocalEngineInstructions } from '@/api/localEngine';

export function localEngineInstructionsQueryOptions() {
  return queryOptions({
    queryKey: ['local-engine', 'instructions'] as const,
    queryFn: getLocalEngineInstructions,
    staleTime: Infinity, // it changes only with the server's version
  });
}

export function useLocalEngineInstructions() {
  return useQuery(localEngineInstructionsQueryOptions());
}
