import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fakeApi } from '../../../test/fake-api';
import { renderApp } from '../../../test/render';

describe('Users page', () => {
  it('lists users, creates one, and shows the server refusal for a duplicate', async () => {
    const user = userEvent.setup();
    renderApp('/users');
    const list = await screen.findByRole('region', { name: /All users/ });
    expect(await within(list).findByText('alice@example.com')).toBeInTheDocument();

    await user.type(screen.getByLabelText('Email'), 'bob@example.com');
    await user.type(screen.getByLabelText('Password'), 'Bob-Passw0rd!');
    await user.click(screen.getByRole('button', { name: 'Create user' }));
    expect(await within(list).findByText('bob@example.com')).toBeInTheDocument();
    expect(fakeApi.users.find((u) => u.email === 'bob@example.com')?.is_admin).toBe(false);

    await user.type(screen.getByLabelText('Email'), 'bob@example.com');
    await user.type(screen.getByLabelText('Password'), 'Bob-Passw0rd!');
    await user.click(screen.getByRole('button', { name: 'Create user' }));
    expect(await screen.findByText('A user with this email already exists.')).toBeInTheDocument();
  });

  it('is closed to non-admins', async () => {
    fakeApi.signedIn = fakeApi.users[1];
    renderApp('/users');
    expect(await screen.findByRole('heading', { name: 'Images', level: 1 })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Users' })).not.toBeInTheDocument();
  });
});
