import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ADMIN, ALICE, fakeApi } from '../../../test/fake-api';
import { renderApp } from '../../../test/render';

describe('sign in', () => {
  it('shows the server message for wrong credentials, then signs in and out', async () => {
    const user = userEvent.setup();
    fakeApi.signedIn = null;
    renderApp('/images');
    await user.type(await screen.findByLabelText('Email'), 'alice@example.com');
    await user.type(screen.getByLabelText('Password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Invalid email or password.');

    await user.clear(screen.getByLabelText('Password'));
    await user.type(screen.getByLabelText('Password'), 'Secret123!');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'Images' })).toBeInTheDocument();
    expect(screen.getByText('alice@example.com')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
  });

  it("does not keep an admin's ?user= choice after signing out (finding 19)", async () => {
    const user = userEvent.setup();
    fakeApi.signedIn = ADMIN;
    renderApp(`/images?user=${ALICE.id}`);
    await waitFor(() => expect(screen.getByLabelText('User')).toHaveValue(ALICE.id));
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/images$/));
  });
});
