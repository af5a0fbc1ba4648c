import { useId, useState, type FormEvent } from 'react';
import { useDeleteUser, useResetUserPassword, useSetUserAdmin, useSetUserDisabled } from '@/hooks/use-users';
import type { User } from '@/types/auth';
import { PasswordRules } from './PasswordRules';
import './users.css';

type Panel = null | 'password' | 'delete';

/**
 * One user with what an admin can do to them: make admin or not, disable or enable, set a new password,
 * delete. None of it is offered for yourself where it could lock you out (the server refuses it too).
 */
export function UserRow({ user, isMe, passwordRules }: { user: User; isMe: boolean; passwordRules: string[] | undefined }) {
  const disable = useSetUserDisabled();
  const role = useSetUserAdmin();
  const reset = useResetUserPassword();
  const remove = useDeleteUser();
  const [panel, setPanel] = useState<Panel>(null);
  const [password, setPassword] = useState('');
  const id = useId();
  const busy = disable.isPending || role.isPending || reset.isPending || remove.isPending;

  function submitPassword(event: FormEvent) {
    event.preventDefault();
    reset.mutate(
      { user, password },
      {
        onSuccess: () => {
          setPassword('');
          setPanel(null);
        },
      },
    );
  }

  return (
    <li className="user-row" aria-label={user.email}>
      <div className="user-row-head">
        <span className="user-email">{user.email}</span>
        {isMe && <span className="muted small">(you)</span>}
        {user.is_admin && <span className="badge">Admin</span>}
        {user.is_disabled && <span className="badge badge-disabled">Disabled</span>}
      </div>
      <div className="row user-actions">
        <button
          type="button"
          className="button button-ghost button-small"
          disabled={busy || (isMe && user.is_admin)}
          title={isMe && user.is_admin ? 'You cannot remove your own admin role.' : undefined}
          onClick={() => role.mutate({ user, isAdmin: !user.is_admin })}
        >
          {user.is_admin ? 'Remove admin' : 'Make admin'}
        </button>
        {!isMe && (
          <button
            type="button"
            className="button button-ghost button-small"
            disabled={busy}
            onClick={() => disable.mutate({ user, disabled: !user.is_disabled })}
          >
            {user.is_disabled ? 'Enable' : 'Disable'}
          </button>
        )}
        <button
          type="button"
          className="button button-ghost button-small"
          aria-expanded={panel === 'password'}
          onClick={() => setPanel(panel === 'password' ? null : 'password')}
        >
          Reset password…
        </button>
        {!isMe && (
          <button
            type="button"
            className="button button-danger-outline button-small"
            aria-expanded={panel === 'delete'}
            onClick={() => setPanel(panel === 'delete' ? null : 'delete')}
          >
            Delete…
          </button>
        )}
      </div>
      {panel === 'password' && (
        <form className="user-panel" onSubmit={submitPassword} aria-label={`New password for ${user.email}`}>
          <div className="field">
            <label htmlFor={`${id}-password`}>New password</label>
            <input
              id={`${id}-password`}
              type="password"
              autoComplete="new-password"
              required
              autoFocus
              aria-describedby={`${id}-rules ${id}-note`}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            <PasswordRules id={`${id}-rules`} rules={passwordRules} />
            <p id={`${id}-note`} className="muted small">
              {isMe ? 'You will have to sign in again.' : 'They are signed out everywhere and sign in with the new one.'}
            </p>
          </div>
          <div className="row">
            <button type="submit" className="button button-primary button-small" disabled={busy || !password}>
              {reset.isPending ? 'Saving…' : 'Set password'}
            </button>
            <button type="button" className="button button-ghost button-small" onClick={() => setPanel(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {panel === 'delete' && (
        <div className="user-panel" role="group" aria-label={`Confirm deleting ${user.email}`}>
          <p>Delete {user.email}? Their image session, library and images go too. This cannot be undone.</p>
          <div className="row">
            <button type="button" className="button button-danger button-small" disabled={busy} onClick={() => remove.mutate(user)}>
              {remove.isPending ? 'Deleting…' : `Delete ${user.email}`}
            </button>
            <button type="button" className="button button-ghost button-small" onClick={() => setPanel(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </li>
  );
}
