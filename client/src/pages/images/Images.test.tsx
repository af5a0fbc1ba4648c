import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { ADMIN, ALICE, fakeApi, server } from '../../../test/fake-api';
import { renderApp } from '../../../test/render';

const currentImage = () => screen.getByTestId('current-image') as HTMLImageElement;

describe('Images page', () => {
  it('shows a graceful "No active session" state', async () => {
    fakeApi.addIdentity('Ada');
    renderApp();
    expect(await screen.findByText('No active session')).toBeInTheDocument();
    expect(screen.queryByLabelText('Edit this image:')).not.toBeInTheDocument();
  });

  it('generates, then shows the plan edit section with the image', async () => {
    const user = userEvent.setup();
    fakeApi.addIdentity('Ada');
    renderApp();
    await user.type(await screen.findByLabelText('Additional prompt'), 'on a beach');
    await user.selectOptions(screen.getByLabelText('Aspect ratio'), '4:5');
    expect(screen.getByLabelText('Resolution')).toHaveValue('1K');
    await user.click(screen.getByRole('button', { name: 'Generate' }));

    expect(await screen.findByLabelText('Edit this image:')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Apply Edit' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Generate New' })).toBeEnabled();
    expect(currentImage().src).toMatch(/^data:image\/png;base64,/);
    expect(screen.getByTitle('The image provider that made this image')).toHaveTextContent('local engine');
    const session = fakeApi.sessions.get(ADMIN.id)!;
    expect(session.aspectRatio).toBe('4:5');
    expect(session.versions[0].prompt).toBe('on a beach');
  });

  it('restores the session from the status endpoint on load', async () => {
    const identity = fakeApi.addIdentity('Ada');
    fakeApi.startSession(ADMIN.id, identity.id, 'portrait', '3:2', '2K');
    renderApp();
    expect(await screen.findByLabelText('Edit this image:')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByLabelText('Aspect ratio')).toHaveValue('3:2'));
    expect(screen.getByLabelText('Resolution')).toHaveValue('2K');
    expect(currentImage()).toBeInTheDocument();
  });

  it('applies an edit with Enter, shows elapsed time, disables both buttons, clears the input', async () => {
    const user = userEvent.setup();
    const identity = fakeApi.addIdentity('Ada');
    fakeApi.startSession(ADMIN.id, identity.id);
    renderApp();
    const input = await screen.findByLabelText('Edit this image:');
    const before = currentImage().src;

    const release = fakeApi.hold();
    await user.type(input, 'make it black and white{Enter}');
    const status = await screen.findByRole('status');
    expect(status).toHaveTextContent(/Applying edit… \d+ s/);
    expect(screen.getByRole('button', { name: 'Applying…' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Generate New' })).toBeDisabled();
    release();

    await waitFor(() => expect(currentImage().src).not.toBe(before));
    expect(input).toHaveValue('');
    expect(screen.getByRole('button', { name: 'Apply Edit' })).toBeDisabled();
  });

  it('shows a refused edit as a toast with the server message and keeps the input', async () => {
    const user = userEvent.setup();
    const identity = fakeApi.addIdentity('Ada');
    fakeApi.startSession(ADMIN.id, identity.id);
    renderApp();
    const input = await screen.findByLabelText('Edit this image:');
    await user.type(input, 'make the jacket red');
    await user.click(screen.getByRole('button', { name: 'Apply Edit' }));
    expect(await screen.findByText(/does not understand “make the jacket red”/)).toBeInTheDocument();
    expect(input).toHaveValue('make the jacket red');
  });

  it('undoes and redoes with the buttons and Ctrl+Z / Ctrl+Shift+Z, and selects from history', async () => {
    const user = userEvent.setup();
    const identity = fakeApi.addIdentity('Ada');
    const session = fakeApi.startSession(ADMIN.id, identity.id);
    fakeApi.addVersion(session, 'edit', 'sepia', session.currentId);
    const [v1, v2] = session.versions;
    renderApp();
    await screen.findByLabelText('Edit this image:');
    expect(screen.getByRole('button', { name: /Redo/ })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: /Undo/ }));
    await waitFor(() => expect(session.currentId).toBe(v1.id));
    await waitFor(() => expect(screen.getByRole('button', { name: /Redo/ })).toBeEnabled());

    await user.click(document.body);
    await user.keyboard('{Control>}{Shift>}z{/Shift}{/Control}');
    await waitFor(() => expect(session.currentId).toBe(v2.id));
    await waitFor(() => expect(screen.getByRole('button', { name: /Undo/ })).toBeEnabled());
    await user.keyboard('{Control>}z{/Control}');
    await waitFor(() => expect(session.currentId).toBe(v1.id));

    const history = await screen.findByRole('region', { name: /History/ });
    await waitFor(() =>
      expect(within(history).getByRole('button', { name: /Version 1.*\(current\)/ })).toHaveAttribute('aria-current', 'true'),
    );
    await user.click(within(history).getByRole('button', { name: /Version 2, edit: sepia/ }));
    await waitFor(() => expect(session.currentId).toBe(v2.id));
  });

  it('compares the current image with its parent', async () => {
    const user = userEvent.setup();
    const identity = fakeApi.addIdentity('Ada');
    const session = fakeApi.startSession(ADMIN.id, identity.id);
    fakeApi.addVersion(session, 'edit', 'sepia', session.currentId);
    renderApp();
    const compare = await screen.findByRole('button', { name: 'Compare' });
    await waitFor(() => expect(compare).toBeEnabled());
    await user.click(compare);
    expect(compare).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByTestId('compare-before')).toHaveAttribute('src', session.versions[0].image_url);
    expect(screen.getByLabelText('Before/after position')).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(compare).toHaveAttribute('aria-pressed', 'false');
    expect(screen.queryByTestId('compare-before')).not.toBeInTheDocument();
  });

  it('offers Generate New when the references changed', async () => {
    const identity = fakeApi.addIdentity('Ada');
    fakeApi.startSession(ADMIN.id, identity.id).referencesChanged = true;
    renderApp();
    const notice = await screen.findByRole('region', { name: 'Reference images changed' });
    expect(within(notice).getByRole('button', { name: 'Generate New' })).toBeEnabled();
  });

  it('lets an admin pick another user and work on their session', async () => {
    const user = userEvent.setup();
    const identity = fakeApi.addIdentity('Ada');
    fakeApi.startSession(ALICE.id, identity.id, 'alice image');
    renderApp();
    expect(await screen.findByText('No active session')).toBeInTheDocument();
    const picker = screen.getByLabelText('User');
    await waitFor(() => expect(within(picker).getAllByRole('option')).toHaveLength(2));
    await user.selectOptions(picker, ALICE.id);
    expect(await screen.findByLabelText('Edit this image:')).toBeInTheDocument();
    expect(screen.getByText('alice image')).toBeInTheDocument();
  });

  it('a non-admin has no user picker and uses their own session', async () => {
    fakeApi.signedIn = ALICE;
    const identity = fakeApi.addIdentity('Ada');
    fakeApi.startSession(ADMIN.id, identity.id, 'admin image');
    renderApp();
    expect(await screen.findByText('No active session')).toBeInTheDocument();
    expect(screen.queryByLabelText('User')).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Identities' })).not.toBeInTheDocument();
  });

  it('returns focus to the input after Apply Edit, and Ctrl+Z inside it does not undo the image', async () => {
    const user = userEvent.setup();
    const identity = fakeApi.addIdentity('Ada');
    const session = fakeApi.startSession(ADMIN.id, identity.id);
    renderApp();
    const input = await screen.findByLabelText('Edit this image:');
    await user.type(input, 'sepia');
    await user.click(screen.getByRole('button', { name: 'Apply Edit' }));
    await waitFor(() => expect(session.versions).toHaveLength(2));
    await waitFor(() => expect(input).toHaveValue(''));
    await waitFor(() => expect(input).toHaveFocus());

    await user.keyboard('{Control>}z{/Control}');
    await new Promise((r) => setTimeout(r, 50));
    expect(session.currentId).toBe(session.versions[1].id);
  });

  it('fills the input from an example instruction of the local engine', async () => {
    const user = userEvent.setup();
    const identity = fakeApi.addIdentity('Ada');
    fakeApi.startSession(ADMIN.id, identity.id);
    renderApp();
    await user.click(await screen.findByRole('button', { name: 'rotate 90' }));
    expect(screen.getByLabelText('Edit this image:')).toHaveValue('rotate 90');
    expect(screen.getByRole('button', { name: 'Apply Edit' })).toBeEnabled();
  });

  it('says so when the session cannot be loaded, and retries', async () => {
    const user = userEvent.setup();
    server.use(
      http.get('/api/v1/admin/identities/image-session/', () =>
        HttpResponse.json({ detail: 'Image generation failed. Please try again.' }, { status: 500 }),
        { once: true },
      ),
    );
    const identity = fakeApi.addIdentity('Ada');
    fakeApi.startSession(ADMIN.id, identity.id);
    renderApp();
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not load the image session');
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByLabelText('Edit this image:')).toBeInTheDocument();
  });

  it('still shows a running edit after leaving the page and coming back', async () => {
    const user = userEvent.setup();
    const identity = fakeApi.addIdentity('Ada');
    const session = fakeApi.startSession(ADMIN.id, identity.id);
    renderApp();
    const release = fakeApi.hold();
    await user.type(await screen.findByLabelText('Edit this image:'), 'sepia{Enter}');
    await screen.findByText(/Applying edit…/);
    await user.click(screen.getByRole('link', { name: 'Identities' }));
    await screen.findByRole('heading', { name: 'Identities', level: 1 });
    await user.click(screen.getByRole('link', { name: 'Images' }));
    expect(await screen.findByText(/Applying edit…/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Generate New' })).toBeDisabled();
    release();
    await waitFor(() => expect(session.versions).toHaveLength(2));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Generate New' })).toBeEnabled());
    expect(document.title).toBe('Images · Likeness');
  });

  it('warns about an identity without references and shows the server refusal', async () => {
    const user = userEvent.setup();
    fakeApi.addIdentity('Empty', 0);
    renderApp();
    expect(await screen.findByText('This identity has no reference images yet.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Generate' }));
    expect(await screen.findByText('Reference images are required for image generation.')).toBeInTheDocument();
    expect(screen.getByText('No active session')).toBeInTheDocument();
  });
});
