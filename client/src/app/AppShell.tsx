import { Logo } from '@/components/Logo';
import { NavLink, Outlet } from 'react-router';
import { useSignOut } from '@/hooks/use-auth';
import type { CurrentUser } from '@/types/auth';

export function AppShell({ user }: { user: CurrentUser }) {
  const signOut = useSignOut();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <NavLink to="/images" className="brand" aria-label="Likeness home">
            <Logo />
            Likeness
          </NavLink>
          <nav aria-label="Main" className="nav">
            <NavLink to="/images" className="nav-link">
              Images
            </NavLink>
            <NavLink to="/library" className="nav-link">
              Library
            </NavLink>
            {user.is_admin && (
              <>
                <NavLink to="/identities" className="nav-link">
                  Identities
                </NavLink>
                <NavLink to="/users" className="nav-link">
                  Users
                </NavLink>
                <NavLink to="/usage" className="nav-link">
                  Usage
                </NavLink>
              </>
            )}
          </nav>
          <div className="whoami">
            <span className="whoami-email" title={user.email}>
              {user.email}
            </span>
            {user.is_admin && <span className="badge">Admin</span>}
            <button
              type="button"
              className="button button-ghost button-small"
              onClick={() => signOut.mutate()}
              disabled={signOut.isPending}
            >
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
