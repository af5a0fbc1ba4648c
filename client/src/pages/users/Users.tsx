import { useState, type FormEvent } from 'react';
import { useCreateUser, usePasswordRules, useUsers } from '@/hooks/use-users';
import { PasswordRules } from './PasswordRules';
import { UserRow } from './UserRow';
import type { CurrentUser } from '@/types/auth';
import { useDocumentTitle } from '@/hooks/use-document-title';

export function UsersPage({ user: me }: { user: CurrentUser }) {
  useDocumentTitle('Users');
  const users = useUsers(true);
  const create = useCreateUser();
  const rules = usePasswordRules();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [isAdmin, setIsAdmin] = useState(false);

  function submit(event: FormEvent) {
    event.preventDefault();
    // The server checks the password rules and duplicate emails; its message arrives as a toast.
    create.mutate(
      { email: email.trim(), password, is_admin: isAdmin },
      {
        onSuccess: () => {
          setEmail('');
          setPassword('');
          setIsAdmin(false);
        },
      },
    );
  }

  return (
    <div className="page">
      <header className="page-header">
        <h1>Users</h1>
        <p className="muted">
          Everyone who can sign in. Each user has their own image session. You can disable, delete or demote anyone
          but yourself.
        </p>
      </header>
      <div className="split">
        <form className="card" onSubmit={submit} aria-labelledby="new-user-title">
          <h2 id="new-user-title" className="card-title">
            New user
          </h2>
          <div className="field">
            <label htmlFor="new-user-email">Email</label>
            <input
              id="new-user-email"
              type="email"
              autoComplete="off"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="new-user-password">Password</label>
            <input
              id="new-user-password"
              type="password"
              autoComplete="new-password"
              required
              aria-describedby="new-user-password-rules"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            <PasswordRules id="new-user-password-rules" rules={rules.data?.rules} />
          </div>
          <label className="checkbox">
            <input type="checkbox" checked={isAdmin} onChange={(e) => setIsAdmin(e.target.checked)} />
            Administrator
          </label>
          <button type="submit" className="button button-primary" disabled={create.isPending || !email || !password}>
            {create.isPending ? 'Creating…' : 'Create user'}
          </button>
        </form>
        <section className="card" aria-labelledby="user-list-title">
          <h2 id="user-list-title" className="card-title">
            All users {users.data && <span className="count">{users.data.length}</span>}
          </h2>
          {users.isPending ? (
            <p className="muted" role="status">
              Loading…
            </p>
          ) : (
            <ul className="user-list">
              {users.data?.map((user) => (
                <UserRow key={user.id} user={user} isMe={user.id === me.id} passwordRules={rules.data?.rules} />
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}
