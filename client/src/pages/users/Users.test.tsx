import { screen, waitFor, within } from '@testing-library/react';
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

  it('shows the password rules before anything is typed', async () => {
    renderApp('/users');
    const field = await screen.findByLabelText('Password');
    await screen.findByText('A digit (0-9)');
    const rules = document.getElementById(field.getAttribute('aria-describedby')!)!;
    expect(within(rules).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'At least 6 characters (at most 256)',
      'A lowercase letter (a-z)',
      'An uppercase letter (A-Z)',
      'A digit (0-9)',
      'A symbol, such as ! or -',
    ]);
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription(/At least 6 characters/);
  });

  it('disables and enables, changes the role, resets the password and deletes another user', async () => {
    const user = userEvent.setup();
    renderApp('/users');
    const alice = await screen.findByRole('listitem', { name: 'alice@example.com' });

    await user.click(within(alice).getByRole('button', { name: 'Disable' }));
    expect(await within(alice).findByText('Disabled')).toBeInTheDocument();
    expect(fakeApi.disabled.has('u-alice')).toBe(true);
    await user.click(within(alice).getByRole('button', { name: 'Enable' }));
    await waitFor(() => expect(within(alice).queryByText('Disabled')).not.toBeInTheDocument());

    await user.click(within(alice).getByRole('button', { name: 'Make admin' }));
    expect(await within(alice).findByText('Admin')).toBeInTheDocument();
    await user.click(within(alice).getByRole('button', { name: 'Remove admin' }));
    await waitFor(() => expect(within(alice).queryByText('Admin')).not.toBeInTheDocument());

    await user.click(within(alice).getByRole('button', { name: 'Reset password…' }));
    const form = within(alice).getByRole('form', { name: 'New password for alice@example.com' });
    expect(within(form).getByLabelText('New password')).toHaveAccessibleDescription(/A digit \(0-9\)/);
    await user.type(within(form).getByLabelText('New password'), 'abc');
    await user.click(within(form).getByRole('button', { name: 'Set password' }));
    expect(await screen.findByText('Passwords must be at least 6 characters.')).toBeInTheDocument();
    await user.clear(within(form).getByLabelText('New password'));
    await user.type(within(form).getByLabelText('New password'), 'New-Passw0rd!');
    await user.click(within(form).getByRole('button', { name: 'Set password' }));
    expect(await screen.findByText(/New password set for alice@example.com/)).toBeInTheDocument();
    expect(fakeApi.passwords.get('u-alice')).toBe('New-Passw0rd!');

    await user.click(within(alice).getByRole('button', { name: 'Delete…' }));
    await user.click(within(alice).getByRole('button', { name: 'Delete alice@example.com' }));
    await waitFor(() => expect(screen.queryByRole('listitem', { name: 'alice@example.com' })).not.toBeInTheDocument());
    expect(fakeApi.users.map((u) => u.email)).toEqual(['admin@example.com']);
  });

  it('offers no way to disable, delete or demote yourself, and shows the server refusal if asked anyway', async () => {
    renderApp('/users');
    const me = await screen.findByRole('listitem', { name: 'admin@example.com' });
    expect(within(me).queryByRole('button', { name: 'Disable' })).not.toBeInTheDocument();
    expect(within(me).queryByRole('button', { name: 'Delete…' })).not.toBeInTheDocument();
    expect(within(me).getByRole('button', { name: 'Remove admin' })).toBeDisabled();
    expect(within(me).getByRole('button', { name: 'Remove admin' })).toHaveAttribute('title', 'You cannot remove your own admin role.');
  });

  it('is closed to non-admins', async () => {
    fakeApi.signedIn = fakeApi.users[1];
    renderApp('/users');
    expect(await screen.findByRole('heading', { name: 'Images', level: 1 })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Users' })).not.toBeInTheDocument();
  });
});
