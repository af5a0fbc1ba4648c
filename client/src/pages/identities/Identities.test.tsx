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
    // The server's words (test/server-messages.json), naming the file it refused.
    expect(await screen.findByText(/is not a PNG, JPEG or WebP image\. Only those types are accepted\.$/)).toBeInTheDocument();
  });

  it('shows the upload limits and checks them before sending anything (finding 15)', async () => {
    const user = userEvent.setup();
    const identity = fakeApi.addIdentity('Ada', 0);
    renderApp('/identities');
    const input = await screen.findByLabelText(/Add reference images/);
    expect(input).toHaveAccessibleDescription(/at most 10 MB and 40 megapixels each · up to 14 per identity/);
    const huge = new File([new Uint8Array(11 * 1024 * 1024)], 'huge.png', { type: 'image/png' });
    await user.upload(input, huge);
    expect(await screen.findByText('huge.png is 11.0 MB; a reference image may be at most 10 MB.')).toBeInTheDocument();
    await user.upload(input, Array.from({ length: 15 }, (_, i) => png(`p${i}.png`)));
    expect(await screen.findByText(/at most 14 reference images: 0 already, 15 chosen/)).toBeInTheDocument();
    expect(identity.reference_images).toHaveLength(0); // nothing was sent
  });

  it('focuses Name when arriving from "Create an identity", and drops a deleted identity from the URL (finding 19)', async () => {
    const user = userEvent.setup();
    renderApp('/images');
    await user.click(await screen.findByRole('link', { name: 'Create an identity' }));
    await waitFor(() => expect(screen.getByLabelText('Name')).toHaveFocus());

    await user.type(screen.getByLabelText('Name'), 'Ada');
    await user.click(screen.getByRole('button', { name: 'Create identity' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/identities\?id=.+/));
    await user.click(await screen.findByRole('button', { name: 'Delete identity…' }));
    await user.click(within(screen.getByRole('group', { name: 'Confirm delete' })).getByRole('button', { name: /Delete “Ada”/ }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/identities$/));
  });
});
