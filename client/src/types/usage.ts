// `GET /api/v1/admin/usage/?days=N`: image usage and estimated cost per user per day.

export interface UsageDay {
  /** `YYYY-MM-DD` (UTC). */
  date: string;
  user_id: string;
  email: string;
  images: number;
  total_tokens: number;
  /** Null when nothing of that day was priced (the offline engine). */
  estimated_cost_usd: number | null;
}

export interface UsageReport {
  days: UsageDay[];
}
