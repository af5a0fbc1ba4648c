// The session's model, edit mode and estimated cost so far, beside the image's other facts.
import { useModelLabel } from '@/hooks/use-image-options';
import { formatUsd } from '@/lib/format';
import type { ActiveImageSession, EditMode } from '@/types/imageGeneration';

const EDIT_MODE: Record<EditMode, { words: string; title: string }> = {
  chat: { words: 'chat edits', title: 'Chat mode: each edit sends the model its earlier turns' },
  single: { words: 'single-turn edits', title: 'Single turn: each edit sends the model only the current image' },
};

export function SessionCost({ session }: { session: ActiveImageSession }) {
  const modelLabel = useModelLabel();
  // The offline engine has one model and one mode: its provider badge already says it all.
  const offline = session.provider === 'local';
  const model = offline ? null : modelLabel(session.model);
  const mode = session.edit_mode && !offline ? EDIT_MODE[session.edit_mode] : undefined;
  const cost = session.estimated_cost_usd;
  return (
    <>
      {model && (
        <span className="session-model" title="The model that makes this session's images">
          {model}
        </span>
      )}
      {mode && <span title={mode.title}>{mode.words}</span>}
      {cost != null && (
        <span className="session-cost" title="Estimated cost of every version of this session, from the model's prices">
          Session total {formatUsd(cost)}
        </span>
      )}
    </>
  );
}
