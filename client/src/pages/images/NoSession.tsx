import { Link } from 'react-router';

/** The session card without a session: what to do first (create an identity, or pick one and Generate). */
export function NoSession({ isAdmin, identityCount }: { isAdmin: boolean; identityCount: number | undefined }) {
  return (
    <div className="empty-state" data-testid="no-session">
      <div className="empty-icon" aria-hidden="true" />
      <h3>No active session</h3>
      <p className="muted">
        {identityCount
          ? 'Pick an identity and press Generate. You can then edit the image turn by turn, undo, compare and download.'
          : isAdmin
            ? 'Create an identity with reference images first, then generate an image of it.'
            : 'No identities are available yet. Ask an admin to create one.'}
      </p>
      {isAdmin && identityCount === 0 && (
        <Link to="/identities" state={{ create: true }} className="button button-primary">
          Create an identity
        </Link>
      )}
    </div>
  );
}

/** The session could not be read: the server's message and a retry. */
export function SessionLoadError({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <div className="empty-state" role="alert">
      <h3>Could not load the image session</h3>
      <p className="muted">{message}</p>
      <button type="button" className="button" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
