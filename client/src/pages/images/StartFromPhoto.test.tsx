import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ADMIN, fakeApi } from '../../../test/fake-api';
import { renderApp } from '../../../test/render';

const photo = (name = 'me.png', type = 'image/png', size = 2048) => new File([new Uint8Array(size)], name, { type });

describe('Start from your photo', () => {
  it('uploads a photo for the chosen identity: it becomes version 1 and the old session goes to the library', async () => {
    const user = userEvent.setup();
    const ada = fakeApi.addIdentity('Ada');
    const old = fakeApi.startSession(ADMIN.id, ada.id, 'first');
    renderApp();
    await screen.findByLabelText('Edit this image:');

    await user.click(screen.getByText('Start from your photo'));
    const form = screen.getByRole('form', { name: 'Start from your photo' });
    expect(within(form).getByText(/up to 10 MB and 40 megapixels\. It becomes version 1 of a new session for Ada/)).toBeInTheDocument();
    const button = within(form).getByRole('button', { name: 'Start from this photo' });
    expect(button).toBeDisabled();
    await user.upload(within(form).getByLabelText('Photo'), photo());
    await user.click(button);

    expect(await screen.findByText(/Your photo is version 1 of a new session/)).toBeInTheDocument();
    expect(fakeApi.uploads).toEqual(['image/png']);
    const session = fakeApi.sessions.get(ADMIN.id)!;
    expect(session.versions[0].kind).toBe('upload');
    expect(fakeApi.library.get(ADMIN.id)?.[0].session).toBe(old);
    expect((await screen.findByTestId('current-image')).getAttribute('src')).toContain(session.currentId);
  });

  it('refuses a file over 10 MB or of another type before sending it', async () => {
    const user = userEvent.setup({ applyAccept: false });
    fakeApi.addIdentity('Ada');
    renderApp();
    await user.click(await screen.findByText('Start from your photo'));
    const form = screen.getByRole('form', { name: 'Start from your photo' });

    await user.upload(within(form).getByLabelText('Photo'), photo('huge.jpg', 'image/jpeg', 11 * 1024 * 1024));
    expect(within(form).getByRole('alert')).toHaveTextContent('“huge.jpg” is 11.0 MB; a photo may be at most 10 MB.');
    expect(within(form).getByRole('button', { name: 'Start from this photo' })).toBeDisabled();
    await user.upload(within(form).getByLabelText('Photo'), photo('notes.gif', 'image/gif'));
    expect(within(form).getByRole('alert')).toHaveTextContent('“notes.gif” is not a PNG, JPEG or WebP image.');
    expect(fakeApi.uploads).toEqual([]);
  });
});
