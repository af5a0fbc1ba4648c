import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { SessionOwner } from '@/api/imageGeneration';
import { useDocumentTitle } from '@/hooks/use-document-title';
import { useDeleteLibrarySession, useLibrary } from '@/hooks/use-library';
import { useSessionOwner } from '@/hooks/use-session-owner';
import { formatRelative } from '@/lib/format';
import type { CurrentUser } from '@/types/auth';
import type { LibrarySession } from '@/types/library';
import { LibrarySessionView } from './LibrarySessionView';
import { ReopenButton } from './ReopenButton';
import './library.css';

const dateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

export function formatDate(date: string): string {
  return dateFormat.format(new Date(date));
}

export function identityLabel(session: Pick<LibrarySession, 'identity_name' | 'identity_deleted'>): string {
  return session.identity_deleted || !session.identity_name ? 'Deleted identity' : session.identity_name;
}

/**
 * Past sessions: the ones Generate New (or a start from a photo, or a reopen) replaced. Each can be
 * opened (view, compare and download its versions), reopened as the active session, or deleted.
 */
export function LibraryPage({ user }: { user: CurrentUser }) {
  useDocumentTitle('Library');
  // As on the Images page: an admin may look at any user's library (`?user=`), everyone else at their own.
  const { owner } = useSessionOwner(user);
  const [params, setParams] = useSearchParams();
  const library = useLibrary(owner);
  const openId = params.get('session');
  const open = library.data?.find((s) => s.id === openId) ?? null;

  function setOpen(sessionId: string | null) {
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (sessionId) next.set('session', sessionId);
        else next.delete('session');
        return next;
      },
      { replace: false },
    );
  }

  return (
    <div className="page">
      <header className="page-header">
        <h1>Library</h1>
        <p className="muted">
          Sessions you replaced with Generate New or a photo, kept read-only. Each expires a week after its last
          use, as sessions do. Reopen one to go on editing it.
        </p>
      </header>
      {library.isPending ? (
        <p className="muted" role="status">
          Loading…
        </p>
      ) : library.isError ? (
        <p role="alert">{library.error.message}</p>
      ) : open ? (
        <LibrarySessionView owner={owner} session={open} onClose={() => setOpen(null)} />
      ) : library.data.length === 0 ? (
        <div className="card empty-state">
          <div className="empty-icon" aria-hidden="true" />
          <h2 className="card-title">No past sessions yet</h2>
          <p className="muted">
            When Generate New replaces a session, the old one is kept here. <Link to="/images">Go to Images</Link>
          </p>
        </div>
      ) : (
        <ul className="library-grid" aria-label="Past sessions">
          {library.data.map((session) => (
            <LibraryCard key={session.id} owner={owner} session={session} onOpen={() => setOpen(session.id)} />
          ))}
        </ul>
      )}
    </div>
  );
}

function LibraryCard({ owner, session, onOpen }: { owner: SessionOwner; session: LibrarySession; onOpen: () => void }) {
  const remove = useDeleteLibrarySession(owner);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const name = identityLabel(session);
  const titleId = `library-${session.id}`;
  return (
    <li className="card library-card" aria-labelledby={titleId}>
      <button type="button" className="library-thumb" onClick={onOpen} aria-label={`Open ${name}, ${session.version_count} versions`}>
        {session.thumbnail_url ? <img src={session.thumbnail_url} alt="" loading="lazy" /> : null}
      </button>
      <div className="library-card-body">
        <h2 id={titleId} className="library-card-title">
          {name}
          {session.identity_deleted && <span className="badge">deleted</span>}
        </h2>
        <p className="muted small">
          {session.version_count} {session.version_count === 1 ? 'version' : 'versions'} · {session.aspect_ratio} ·{' '}
          {session.resolution}
        </p>
        <p className="muted small">
          Started {formatDate(session.created_at)}
          <br />
          Replaced {formatDate(session.archived_at)}
          <br />
          Expires {formatRelative(session.expires_at)}
        </p>
      </div>
      <div className="row library-actions">
        <button type="button" className="button button-small" onClick={onOpen}>
          Open
        </button>
        <ReopenButton owner={owner} session={session} small />
        {confirmingDelete ? (
          <div className="row" role="group" aria-label={`Confirm deleting ${name}`}>
            <button
              type="button"
              className="button button-danger button-small"
              disabled={remove.isPending}
              onClick={() => remove.mutate(session.id)}
            >
              {remove.isPending ? 'Deleting…' : 'Delete for good'}
            </button>
            <button type="button" className="button button-ghost button-small" onClick={() => setConfirmingDelete(false)}>
              Cancel
            </button>
          </div>
        ) : (
          <button type="button" className="button button-ghost button-small" onClick={() => setConfirmingDelete(true)}>
            Delete…
          </button>
        )}
      </div>
    </li>
  );
}
