import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fakeApi } from '../../../test/fake-api';
import { renderApp } from '../../../test/render';

const png = (name: string) => new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], name, { type: 'image/png' });

describe('Identities page', () => {
  it('creates, renames, uploads and removes reference images, and deletes', async () => {
    const user = userEvent.setup();
    renderApp('/identities');
    expect(await screen.findByText(/No identities yet/)).toBeInTheDocument();

    await user.type(screen.getByLabelText('Name'), 'Ada Lovelace');
    await user.click(screen.getByRole('button', { name: 'Create identity' }));
    expect(await screen.findByText('Created “Ada Lovelace”.')).toBeInTheDocument();

    const rename = await screen.findByLabelText('Name', { selector: '#identity-name' });
    await user.clear(rename);
    await user.type(rename, 'Ada King');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(fakeApi.identities[0].name).toBe('Ada King'));

    await user.upload(screen.getByLabelText(/Add reference images/), [png('a.png'), png('b.png')]);
    expect(await screen.findByRole('img', { name: 'Reference image 2' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Remove reference image 1' }));
    await waitFor(() => expect(screen.queryByRole('img', { name: 'Reference image 2' })).not.toBeInTheDocument());

    await user.click(screen.getByRole('button', { name: 'Delete identity…' }));
    await user.click(within(screen.getByRole('group', { name: 'Confirm delete' })).getByRole('button', { name: /Delete “Ada King”/ }));
    expect(await screen.findByText(/No identities yet/)).toBeInTheDocument();
  });

  it('shows the server validation error for a refused upload as a toast', async () => {
    const user = userEvent.setup({ applyAccept: false });
    fakeApi.addIdentity('Ada', 0);
    renderApp('/identities');
    const input = await screen.findByLabelText(/Add reference images/);
    await user.upload(input, new File(['hello'], 'notes.txt', { type: 'text/plain' }));
    expect(await screen.findByText('Only PNG, JPEG and WebP images are accepted.')).toBeInTheDocument();
  });
});
