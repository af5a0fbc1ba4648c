import { useEffect, useId, useRef } from 'react';

interface Props {
  /** The identity the new session is for. */
  identityName: string;
  /** The identity of the session that would be replaced ("a deleted identity" when it is gone). */
  currentIdentityName: string;
  versionCount: number;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * The words of the warning. The plan keeps one active session per user: Generate and Generate New replace
 * it, and the replaced one goes to the Library (read-only; it can be reopened until it expires).
 */
export function replacedSessionWarning(currentIdentityName: string, versionCount: number): string {
  const versions = versionCount === 1 ? '1 version' : `${versionCount} versions`;
  return `The current session (${currentIdentityName}, ${versions}) moves to your Library, where you can view, download or reopen it.`;
}

/** Asks before Generate or Generate New replaces a session (issue 11, finding 3). Escape or Cancel keeps it. */
export function ConfirmNewSessionDialog({ identityName, currentIdentityName, versionCount, onConfirm, onCancel }: Props) {
  const titleId = useId();
  const textId = useId();
  const confirm = useRef<HTMLButtonElement>(null);
  const cancel = useRef(onCancel);
  cancel.current = onCancel;

  useEffect(() => {
    // Focus moves into the dialog and back to where it was when the dialog closes.
    const previous = document.activeElement as HTMLElement | null;
    confirm.current?.focus();
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        cancel.current();
      }
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => {
      window.removeEventListener('keydown', onKeyDown, true);
      if (previous?.isConnected) previous.focus();
    };
  }, []);

  return (
    <div className="dialog-backdrop" onClick={(e) => e.target === e.currentTarget && onCancel()}>
      <div className="dialog card" role="alertdialog" aria-modal="true" aria-labelledby={titleId} aria-describedby={textId}>
        <h2 id={titleId} className="card-title">
          Start a new session?
        </h2>
        <p id={textId}>
          This starts a new session for <strong>{identityName}</strong>.{' '}
          {replacedSessionWarning(currentIdentityName, versionCount)}
        </p>
        <div className="row dialog-actions">
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button ref={confirm} type="button" className="button button-primary" onClick={onConfirm}>
            Start new session
          </button>
        </div>
      </div>
    </div>
  );
}
