import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useReopenLibrarySession } from '@/hooks/use-library';
import type { SessionOwner } from '@/api/imageGeneration';
import type { LibrarySession } from '@/types/library';

/** "Reopen", then a confirmation that says where the current session goes. */
export function ReopenButton({ owner, session, small = false }: { owner: SessionOwner; session: LibrarySession; small?: boolean }) {
  const reopen = useReopenLibrarySession(owner);
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  const size = small ? ' button-small' : '';

  if (!confirming) {
    return (
      <button type="button" className={`button button-primary${size}`} onClick={() => setConfirming(true)}>
        Reopen…
      </button>
    );
  }
  return (
    <div className="library-confirm" role="alertdialog" aria-label="Reopen this session?" aria-describedby={`reopen-${session.id}`}>
      <p id={`reopen-${session.id}`}>
        Reopen this session to go on editing it? Your current session, if you have one, goes to the library.
      </p>
      <div className="row">
        <button
          type="button"
          className={`button button-primary${size}`}
          disabled={reopen.isPending}
          autoFocus
          onClick={() =>
            reopen.mutate(session.id, {
              onSuccess: () => navigate(owner ? `/images?user=${encodeURIComponent(owner)}` : '/images'),
            })
          }
        >
          {reopen.isPending ? 'Reopening…' : 'Reopen session'}
        </button>
        <button type="button" className={`button button-ghost${size}`} onClick={() => setConfirming(false)}>
          Cancel
        </button>
      </div>
    </div>
  );
}
