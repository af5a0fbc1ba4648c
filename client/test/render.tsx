import { render } from '@testing-library/react';
import { MemoryRouter, useLocation } from 'react-router';
import { AppProviders } from '@/app/App';
import { AppRoutes } from '@/app/AppRoutes';
import { createQueryClient } from '@/lib/query-client';

/** The whole app at `path`, with a fresh query cache, against the fake API. */
export function renderApp(path = '/images') {
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({
    queries: { ...queryClient.getDefaultOptions().queries, retry: false },
  });
  return {
    queryClient,
    ...render(
      <AppProviders queryClient={queryClient}>
        <MemoryRouter initialEntries={[path]}>
          <AppRoutes />
          <LocationProbe />
        </MemoryRouter>
      </AppProviders>,
    ),
  };
}

/** The in-memory URL, for tests that check what the address bar would show. */
function LocationProbe() {
  const { pathname, search } = useLocation();
  return <output data-testid="location" hidden>{pathname + search}</output>;
}
