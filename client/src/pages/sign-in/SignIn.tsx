import { Logo } from '@/components/Logo';
import { useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useSignIn } from '@/hooks/use-auth';
import { useDocumentTitle } from '@/hooks/use-document-title';
import './sign-in.css';

export function SignInPage() {
  useDocumentTitle('Sign in');
  const signIn = useSignIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  // Signed out while an admin looked at another user's session: that choice does not outlive the sign-in.
  const [params, setParams] = useSearchParams();
  useEffect(() => {
    if (!params.has('user')) return;
    const rest = new URLSearchParams(params);
    rest.delete('user');
    setParams(rest, { replace: true });
  }, [params, setParams]);

  function submit(event: FormEvent) {
    event.preventDefault();
    signIn.mutate({ email: email.trim(), password });
  }

  return (
    <main className="signin">
      <form className="card signin-card" onSubmit={submit} aria-labelledby="signin-title">
        <div className="brand brand-large">
          <Logo size={32} />
          Likeness
        </div>
        <h1 id="signin-title" className="signin-title">
          Sign in
        </h1>
        <p className="muted">Generate and edit images of your identities.</p>
        <div className="field">
          <label htmlFor="signin-email">Email</label>
          <input
            id="signin-email"
            type="email"
            autoComplete="username"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="signin-password">Password</label>
          <input
            id="signin-password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        {signIn.error && (
          <p className="form-error" role="alert">
            {signIn.error.message}
          </p>
        )}
        <button type="submit" className="button button-primary button-block" disabled={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
