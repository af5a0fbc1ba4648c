import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ALICE, fakeApi } from '../../../test/fake-api';
import { renderApp } from '../../../test/render';

const cells = (row: HTMLElement) => within(row).getAllByRole('cell').map((c) => c.textContent);

describe('Usage page', () => {
  it('lists usage and cost per user per day, with totals per user and overall', async () => {
    const user = userEvent.setup();
    fakeApi.usage = [
      { date: '2026-11-28', user_id: 'u-alice', email: 'alice@example.com', images: 2, total_tokens: 3000, estimated_cost_usd: 0.268 },
      { date: '2026-11-29', user_id: 'u-admin', email: 'admin@example.com', images: 3, total_tokens: 12345, estimated_cost_usd: 0.4 },
      { date: '2026-11-29', user_id: 'u-alice', email: 'alice@example.com', images: 1, total_tokens: 0, estimated_cost_usd: null },
    ];
    renderApp('/usage');
    expect(await screen.findByRole('heading', { name: 'Usage', level: 1 })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Usage' })).toHaveAttribute('aria-current', 'page');

    const byDay = await screen.findByRole('table', { name: 'By day' });
    const dayRows = within(byDay).getAllByRole('row');
    expect(dayRows).toHaveLength(5); // head, three days, total
    // Newest first; a day that was not priced says so.
    expect(cells(dayRows[1])).toEqual(['Nov 29, 2026', 'admin@example.com', '3', '12,345', '$0.40']);
    expect(cells(dayRows[2])).toEqual(['Nov 29, 2026', 'alice@example.com', '1', '0', '—']);
    expect(cells(dayRows[3])).toEqual(['Nov 28, 2026', 'alice@example.com', '2', '3,000', '$0.27']);
    expect(within(dayRows[4]).getByRole('rowheader')).toHaveTextContent('Total');
    expect(cells(dayRows[4])).toEqual(['6', '15,345', '$0.67']);

    const byUser = screen.getByRole('table', { name: 'By user' });
    const userRows = within(byUser).getAllByRole('row');
    expect(within(userRows[1]).getByRole('rowheader')).toHaveTextContent('admin@example.com');
    expect(cells(userRows[1])).toEqual(['1', '3', '12,345', '$0.40']);
    expect(within(userRows[2]).getByRole('rowheader')).toHaveTextContent('alice@example.com');
    expect(cells(userRows[2])).toEqual(['2', '3', '3,000', '$0.27']);
    expect(cells(userRows[3])).toEqual(['2', '6', '15,345', '$0.67']);
    expect(screen.getByTestId('usage-summary')).toHaveTextContent('6 images15,345 tokens$0.67 estimated');
    // Each table scrolls in its own box (phones), reachable from the keyboard.
    expect(byDay.closest('.table-scroll')).toHaveAttribute('tabindex', '0');

    expect(fakeApi.usageRequests).toEqual(['30']);
    await user.selectOptions(screen.getByLabelText('Period'), '7');
    await waitFor(() => expect(fakeApi.usageRequests).toEqual(['30', '7']));
    expect(await screen.findByRole('heading', { name: 'Last 7 days' })).toBeInTheDocument();
  });

  it('says when nothing was made', async () => {
    renderApp('/usage');
    expect(await screen.findByText('No images were made in the last 30 days.')).toBeInTheDocument();
  });

  it('is for admins only', async () => {
    fakeApi.signedIn = ALICE;
    renderApp('/usage');
    expect(await screen.findByRole('heading', { name: 'Images', level: 1 })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Usage' })).not.toBeInTheDocument();
    expect(fakeApi.usageRequests).toEqual([]);
  });
});
