import { apiClient } from '@/lib/api-client';
import type { UsageReport } from '@/types/usage';

/** Admins: images, tokens and estimated cost per user per day over the last `days` days. */
export function getUsage(days: number): Promise<UsageReport> {
  return apiClient.get('/api/v1/admin/usage/', { query: { days: String(days) } });
}
