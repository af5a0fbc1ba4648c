// What one version cost: a small "$0.13" under its thumbnail in the history, and the model,
// tokens and cost in words for its tooltip and accessible name.
import { formatUsd } from '@/lib/format';
import type { ImageVersion } from '@/types/imageGeneration';

const tokens = new Intl.NumberFormat('en');

/** "Gemini 3 Pro Image, $0.13, 1,880 tokens" (whatever of it is known), or null. */
export function versionDetails(version: ImageVersion, modelLabel: (id: string | null | undefined) => string | null): string | null {
  const parts = [
    modelLabel(version.model),
    version.estimated_cost_usd != null ? `about ${formatUsd(version.estimated_cost_usd)}` : null,
    version.usage ? `${tokens.format(version.usage.total_tokens)} tokens` : null,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : null;
}

export function VersionCost({ version }: { version: ImageVersion }) {
  if (version.estimated_cost_usd == null) return null;
  return (
    <span className="history-cost" aria-hidden="true">
      {formatUsd(version.estimated_cost_usd)}
    </span>
  );
}
