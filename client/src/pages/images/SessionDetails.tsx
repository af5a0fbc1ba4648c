import { formatDuration, formatRelative, providerLabel, ratioLabel } from '@/lib/format';
import type { ActiveImageSession, ImageVersion } from '@/types/imageGeneration';
import { SessionCost } from './SessionCost';

interface Props {
  session: ActiveImageSession;
  currentVersion: ImageVersion | undefined;
  /** The session's identity's name, or null when it is unknown or was deleted. */
  identityName: string | null;
  identityDeleted: boolean;
}

/** Under the image: identity, size, time taken, expiry, provider, cost and the prompt that made it. */
export function SessionDetails({ session, currentVersion, identityName, identityDeleted }: Props) {
  return (
    <div className="session-meta small muted">
      <span className="session-meta-facts">
        <span>{identityName ?? (identityDeleted ? 'Deleted identity' : 'Unknown identity')}</span>
        <span>
          {ratioLabel(session.width, session.height) || session.aspect_ratio} · {session.resolution} ·{' '}
          {session.width}×{session.height}
        </span>
        {currentVersion && <span title="How long the provider took">{formatDuration(currentVersion.duration_ms)}</span>}
        {session.expires_at && (
          <span title={`Unused sessions are deleted. This one: ${new Date(session.expires_at).toLocaleString()}`}>
            expires {formatRelative(session.expires_at)}
          </span>
        )}
        <span className="badge badge-provider" title="The image provider that made this image">
          {providerLabel(session.provider)}
        </span>
        <SessionCost session={session} />
      </span>
      {session.last_prompt && (
        <span className="last-prompt" title={session.last_prompt}>
          {currentVersion?.kind === 'generate' ? 'Prompt: ' : 'Last edit: '}
          {/* No <q>: a prompt such as add text "Hello" has quotes of its own (finding 19). */}
          <span className="prompt-text">{session.last_prompt}</span>
        </span>
      )}
    </div>
  );
}
