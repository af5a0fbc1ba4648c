import { Navigate, Route, Routes } from 'react-router';
import { useCurrentUser } from '@/hooks/use-auth';
import { IdentitiesPage } from '@/pages/identities/Identities';
import { ImagesPage } from '@/pages/images/Images';
import { InstructionsPage } from '@/pages/instructions/Instructions';
import { LibraryPage } from '@/pages/library/Library';
import { SignInPage } from '@/pages/sign-in/SignIn';
import { UsagePage } from '@/pages/usage/Usage';
import { UsersPage } from '@/pages/users/Users';
import { AppShell } from './AppShell';

export function AppRoutes() {
  const { data: user, isPending, error, refetch } = useCurrentUser();

  if (isPending) {
    return (
      <div className="splash" role="status">
        <span className="spinner" aria-hidden="true" /> Loading…
      </div>
    );
  }
  if (error) {
    return (
      <div className="splash" role="alert">
        <p>{error.message}</p>
        <button className="button" onClick={() => refetch()}>
          Try again
        </button>
      </div>
    );
  }
  if (!user) return <SignInPage />;

  return (
    <Routes>
      <Route element={<AppShell user={user} />}>
        <Route path="/images" element={<ImagesPage user={user} />} />
        <Route path="/library" element={<LibraryPage user={user} />} />
        <Route path="/instructions" element={<InstructionsPage />} />
        <Route
          path="/identities"
          element={user.is_admin ? <IdentitiesPage /> : <Navigate to="/images" replace />}
        />
        <Route
          path="/users"
          element={user.is_admin ? <UsersPage user={user} /> : <Navigate to="/images" replace />}
        />
        <Route path="/usage" element={user.is_admin ? <UsagePage /> : <Navigate to="/images" replace />} />
        <Route path="*" element={<Navigate to="/images" replace />} />
      </Route>
    </Routes>
  );
}
