import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { ADMIN, ALICE, fakeApi, server } from '../../../test/fake-api';
import { FakeEventSource } from '../../../test/fake-event-source';
import { renderApp } from '../../../test/render';
import { imageSessionKeys } from '@/hooks/use-image-generation';

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
    // The image comes by URL; the page never decodes base64.
    expect(currentImage().src).toMatch(/\/api\/v1\/admin\/users\/u-admin\/image-session\/versions\/[^/]+\/image\/$/);
    expect(await screen.findByText('Image generated.')).toBeInTheDocument();
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
    const panel = await screen.findByRole('region', { name: 'Applying edit…' });
    expect(within(panel).getByRole('timer')).toHaveTextContent(/^\d+ s$/);
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
    expect(await screen.findByText(/Could not understand "make the jacket red"/)).toBeInTheDocument();
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
    // An ordinary edit has no region to outline.
    expect(screen.queryByRole('button', { name: 'Outline the edited area' })).not.toBeInTheDocument();
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

  it('returns focus to the input after Apply Edit; Ctrl+Z there undoes the image, but not while it holds text', async () => {
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

    // Typing: the browser's text undo wins.
    await user.type(input, 'blur');
    await user.keyboard('{Control>}z{/Control}');
    await new Promise((r) => setTimeout(r, 50));
    expect(session.currentId).toBe(session.versions[1].id);

    // Right after an edit the box is empty: Ctrl+Z undoes the image (issue 11, finding 7).
    await user.clear(input);
    await user.keyboard('{Control>}z{/Control}');
    await waitFor(() => expect(session.currentId).toBe(session.versions[0].id));
    await waitFor(() => expect(screen.getByRole('button', { name: /Redo/ })).toBeEnabled());
    expect(input).toHaveFocus();
    await user.keyboard('{Control>}{Shift>}z{/Shift}{/Control}');
    await waitFor(() => expect(session.currentId).toBe(session.versions[1].id));
  });

  it('keeps focus on a history version after choosing it', async () => {
    const user = userEvent.setup();
    const identity = fakeApi.addIdentity('Ada');
    const session = fakeApi.startSession(ADMIN.id, identity.id);
    fakeApi.addVersion(session, 'edit', 'sepia', session.versions[0].id);
    renderApp();
    const first = await screen.findByRole('button', { name: /^Version 1, generated/ });
    await user.click(first);
    await waitFor(() => expect(session.currentId).toBe(session.versions[0].id));
    await waitFor(() => expect(screen.getByRole('button', { name: /^Version 1, generated.*\(current\)/ })).toHaveFocus());
    // The keyboard still works from there: Ctrl+Shift+Z goes forward again.
    await user.keyboard('{Control>}{Shift>}z{/Shift}{/Control}');
    await waitFor(() => expect(session.currentId).toBe(session.versions[1].id));
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
      http.get('/api/v1/admin/users/:userId/image-session/', () =>
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
    await screen.findByRole('region', { name: 'Applying edit…' });
    await user.click(screen.getByRole('link', { name: 'Identities' }));
    await screen.findByRole('heading', { name: 'Identities', level: 1 });
    await user.click(screen.getByRole('link', { name: 'Images' }));
    expect(await screen.findByRole('region', { name: 'Applying edit…' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Generate New' })).toBeDisabled();
    release();
    await waitFor(() => expect(session.versions).toHaveLength(2));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Generate New' })).toBeEnabled());
    expect(document.title).toBe('Images · Likeness');
  });

  it('disables Generate for an identity without references, with the hint (finding 9)', async () => {
    fakeApi.addIdentity('Empty', 0);
    renderApp();
    expect(await screen.findByText(/This identity has no reference images yet/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Generate' })).toBeDisabled();
    expect(screen.getByText('No active session')).toBeInTheDocument();
  });

  describe('jobs with live progress', () => {
    it('shows the stage, the model\'s thoughts and its drafts while an edit runs, then the result and a success toast', async () => {
      const user = userEvent.setup();
      const identity = fakeApi.addIdentity('Ada');
      const session = fakeApi.startSession(ADMIN.id, identity.id);
      renderApp();
      const input = await screen.findByLabelText('Edit this image:');
      const release = fakeApi.hold();
      await user.type(input, 'sepia');
      await user.click(screen.getByRole('button', { name: 'Apply Edit' }));

      const panel = await screen.findByRole('region', { name: 'Applying edit…' });
      await waitFor(() => expect(within(panel).getByRole('status')).toHaveTextContent('The model is thinking'));
      const cancel = within(panel).getByRole('button', { name: 'Cancel' });
      expect(cancel).toHaveFocus(); // the pressed button went disabled; Cancel is what can be done now
      expect(screen.getByRole('button', { name: 'Applying…' })).toBeDisabled();
      expect(screen.getByRole('button', { name: 'Generate New' })).toBeDisabled();

      const [job] = fakeApi.jobs.values();
      act(() => fakeApi.emit(job.job.id, 'thought', { text: '**Warming the tones** Shifting the palette towards brown.' }));
      act(() => fakeApi.emit(job.job.id, 'stage', { stage: 'drawing' }));
      act(() => fakeApi.emit(job.job.id, 'preview', { image_url: '/api/v1/admin/users/u-admin/image-session/jobs/x/previews/9/', width: 1024, height: 576 }));
      const thoughts = await within(panel).findByRole('list', { name: 'What the model is thinking' });
      expect(thoughts).toHaveTextContent('Warming the tones Shifting the palette towards brown.');
      await waitFor(() => expect(within(panel).getByRole('status')).toHaveTextContent('Drawing the image'));
      const draft = await within(panel).findByRole('img', { name: 'Draft 1' });
      expect(draft).toHaveAttribute('src', '/api/v1/admin/users/u-admin/image-session/jobs/x/previews/9/');
      expect(screen.getByTestId('stage-draft')).toHaveAttribute('src', draft.getAttribute('src'));

      release();
      expect(await screen.findByText('Edit applied.')).toBeInTheDocument();
      expect(screen.queryByRole('region', { name: 'Applying edit…' })).not.toBeInTheDocument();
      expect(currentImage().getAttribute('src')).toBe(session.versions[1].image_url);
      expect(input).toHaveValue('');
      await waitFor(() => expect(input).toHaveFocus());
      expect(screen.getByRole('button', { name: 'Generate New' })).toBeEnabled();
    });

    it('a failed event shows the server\'s detail as an error toast and keeps the image and the input', async () => {
      const user = userEvent.setup();
      const identity = fakeApi.addIdentity('Ada');
      const session = fakeApi.startSession(ADMIN.id, identity.id);
      renderApp();
      const input = await screen.findByLabelText('Edit this image:');
      fakeApi.hold();
      await user.type(input, 'blur{Enter}');
      await screen.findByRole('region', { name: 'Applying edit…' });
      const [job] = fakeApi.jobs.values();
      act(() => fakeApi.emit(job.job.id, 'failed', { status: 500, detail: 'Image generation failed. Please try again.' }));
      expect(await screen.findByText('Image generation failed. Please try again.')).toBeInTheDocument();
      await waitFor(() => expect(screen.queryByRole('region', { name: 'Applying edit…' })).not.toBeInTheDocument());
      expect(screen.queryByText('Edit applied.')).not.toBeInTheDocument();
      expect(input).toHaveValue('blur');
      expect(currentImage().getAttribute('src')).toBe(session.versions[0].image_url);
      await waitFor(() => expect(screen.getByRole('button', { name: 'Apply Edit' })).toBeEnabled());
    });

    it('Cancel sends DELETE for the job and leaves the session unchanged (the user\'s own routes)', async () => {
      const user = userEvent.setup();
      fakeApi.signedIn = ALICE;
      const identity = fakeApi.addIdentity('Ada');
      const session = fakeApi.startSession(ALICE.id, identity.id);
      const deletes: string[] = [];
      server.events.on('request:start', ({ request }) => {
        if (request.method === 'DELETE') deletes.push(new URL(request.url).pathname);
      });
      renderApp();
      fakeApi.hold();
      await user.type(await screen.findByLabelText('Edit this image:'), 'sepia{Enter}');
      const panel = await screen.findByRole('region', { name: 'Applying edit…' });
      await user.click(within(panel).getByRole('button', { name: 'Cancel' }));

      const [job] = fakeApi.jobs.values();
      await waitFor(() => expect(deletes).toEqual([`/api/v1/identities/image-session/jobs/${job.job.id}/`]));
      expect(fakeApi.cancelled).toEqual([`${ALICE.id}/${job.job.id}`]);
      expect(await screen.findByText('Edit cancelled. The image is unchanged.')).toBeInTheDocument();
      await waitFor(() => expect(screen.queryByRole('region', { name: 'Applying edit…' })).not.toBeInTheDocument());
      expect(session.versions).toHaveLength(1);
      await waitFor(() => expect(screen.getByRole('button', { name: 'Generate New' })).toBeEnabled());
      server.events.removeAllListeners();
    });

    it('after a reload, a running job (status running_job) is followed again, with its events so far', async () => {
      const identity = fakeApi.addIdentity('Ada');
      const release = fakeApi.hold();
      const { job } = fakeApi.startJob(ADMIN.id, 'generate', { identity_id: identity.id, aspect_ratio: '1:1', resolution: '1K' });
      await Promise.resolve();
      fakeApi.emit(job.id, 'thought', { text: 'Studying the reference photos' });

      renderApp(); // a fresh page: nothing known but what the server says
      const panel = await screen.findByRole('region', { name: 'Generating…' });
      expect(await within(panel).findByText('Studying the reference photos')).toBeInTheDocument();
      await waitFor(() => expect(within(panel).getByRole('status')).toHaveTextContent('The model is thinking'));
      expect(screen.getByRole('button', { name: 'Generating…' })).toBeDisabled();
      expect(within(panel).getByRole('button', { name: 'Cancel' })).not.toHaveFocus(); // a reload does not steal focus

      act(() => fakeApi.emit(job.id, 'thought', { text: 'Choosing the light' }));
      expect(await within(panel).findByText('Choosing the light')).toBeInTheDocument();
      release();
      expect(await screen.findByText('Image generated.')).toBeInTheDocument();
      expect(await screen.findByLabelText('Edit this image:')).toBeInTheDocument();
      expect(currentImage().getAttribute('src')).toBe(fakeApi.sessions.get(ADMIN.id)!.versions[0].image_url);
      await waitFor(() => expect(FakeEventSource.open()).toEqual([]));
    });

    it('keeps following its edit to the end when a fresher status no longer names the job', async () => {
      const user = userEvent.setup();
      const identity = fakeApi.addIdentity('Ada');
      fakeApi.startSession(ADMIN.id, identity.id);
      const { queryClient } = renderApp();
      const input = await screen.findByLabelText('Edit this image:');
      const release = fakeApi.hold();
      await user.type(input, 'sepia{Enter}');
      await screen.findByRole('region', { name: 'Applying edit…' });
      // Another part of the app re-reads the status and gets it without running_job (a race).
      server.use(
        http.get('/api/v1/admin/users/:userId/image-session/', () => {
          const body = fakeApi.response(fakeApi.sessions.get(ADMIN.id), 'nobody') as object;
          return HttpResponse.json({ ...body, running_job: null });
        }, { once: true }),
      );
      await act(() => queryClient.invalidateQueries({ queryKey: imageSessionKeys.all }));
      release();
      expect(await screen.findByText('Edit applied.')).toBeInTheDocument();
      expect(input).toHaveValue('');
    });

    it('a job that can no longer be found ends quietly: no success toast, the panel goes, the page is usable', async () => {
      const user = userEvent.setup();
      const identity = fakeApi.addIdentity('Ada');
      const session = fakeApi.startSession(ADMIN.id, identity.id);
      renderApp();
      fakeApi.hold();
      await user.type(await screen.findByLabelText('Edit this image:'), 'sepia{Enter}');
      await screen.findByRole('region', { name: 'Applying edit…' });
      const [job] = fakeApi.jobs.values();
      await waitFor(() => expect(FakeEventSource.instances[0]?.readyState).toBe(FakeEventSource.OPEN));
      fakeApi.jobs.delete(job.job.id); // swept away on the server
      act(() => FakeEventSource.instances[0].drop());
      await waitFor(() => expect(screen.queryByRole('region', { name: 'Applying edit…' })).not.toBeInTheDocument());
      await waitFor(() => expect(screen.getByRole('button', { name: 'Generate New' })).toBeEnabled());
      expect(screen.queryByText('Edit applied.')).not.toBeInTheDocument();
      expect(session.versions).toHaveLength(1);
      expect(FakeEventSource.open()).toEqual([]);
    });

    it('a generate refused before any job starts (409) says why and starts nothing', async () => {
      const user = userEvent.setup();
      const identity = fakeApi.addIdentity('Ada');
      fakeApi.startSession(ADMIN.id, identity.id);
      server.use(
        http.post('/api/v1/admin/identities/edit-image/', () =>
          HttpResponse.json(
            { detail: 'Another edit of this image session is still running. Try again when it finishes.' },
            { status: 409, headers: { 'Content-Type': 'application/problem+json' } },
          ),
        ),
      );
      renderApp();
      await user.type(await screen.findByLabelText('Edit this image:'), 'sepia{Enter}');
      expect(await screen.findByText(/Another edit of this image session is still running/)).toBeInTheDocument();
      expect(screen.queryByRole('region', { name: 'Applying edit…' })).not.toBeInTheDocument();
      expect(FakeEventSource.instances).toEqual([]);
    });
  });
});

describe('Images page: the walkthrough of issue 11', () => {
  afterEach(() => localStorage.clear());

  it('keeps the session identity in the picker after leaving the page and coming back (finding 1)', async () => {
    const user = userEvent.setup();
    const ada = fakeApi.addIdentity('Ada');
    fakeApi.addIdentity('Bob'); // first in the list
    fakeApi.startSession(ADMIN.id, ada.id);
    renderApp();
    await screen.findByLabelText('Edit this image:');
    await waitFor(() => expect(screen.getByLabelText('Identity')).toHaveValue(ada.id));

    // Everything is cached now: both effects run in the same commit when the page opens again.
    for (let i = 0; i < 3; i++) {
      await user.click(screen.getByRole('link', { name: 'Identities' }));
      await user.click(await screen.findByRole('link', { name: 'Images' }));
      await screen.findByLabelText('Edit this image:');
      expect(screen.getByLabelText('Identity')).toHaveValue(ada.id);
    }
  });

  it('says plainly that Generate New starts a session for another picked identity (findings 1 and 8)', async () => {
    const user = userEvent.setup();
    const ada = fakeApi.addIdentity('Ada');
    const bob = fakeApi.addIdentity('Bob');
    fakeApi.startSession(ADMIN.id, ada.id);
    renderApp();
    await screen.findByLabelText('Edit this image:');
    await waitFor(() => expect(screen.getByLabelText('Identity')).toHaveValue(ada.id));
    expect(screen.queryByText(/Current session is for a different identity/)).not.toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText('Identity'), bob.id);
    expect(screen.getByText('Current session is for a different identity. Generate a new image to start editing.')).toBeInTheDocument();
    expect(screen.getByText(/Generate New starts a new session for Bob/)).toBeInTheDocument();
    expect(screen.getByText('The current session is for Ada. Generate starts a new session for Bob.')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Edit this image:'), 'sepia');
    expect(screen.getByRole('button', { name: 'Apply Edit' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Keep editing Ada' }));
    expect(screen.getByLabelText('Identity')).toHaveValue(ada.id);
    expect(screen.queryByText(/Current session is for a different identity/)).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Apply Edit' })).toBeEnabled();
  });

  it('asks before Generate New replaces the session; Cancel keeps it (finding 3)', async () => {
    const user = userEvent.setup();
    const ada = fakeApi.addIdentity('Ada');
    const bob = fakeApi.addIdentity('Bob');
    const session = fakeApi.startSession(ADMIN.id, ada.id);
    fakeApi.addVersion(session, 'edit', 'sepia', session.currentId);
    renderApp();
    await screen.findByLabelText('Edit this image:');
    await waitFor(() => expect(screen.getByLabelText('Identity')).toHaveValue(ada.id));

    const generateNew = screen.getByRole('button', { name: 'Generate New' });
    await user.click(generateNew);
    const dialog = screen.getByRole('alertdialog', { name: 'Start a new session?' });
    expect(dialog).toHaveTextContent(
      'This starts a new session for Ada. The current session (Ada, 2 versions) moves to your Library, where you can view, download or reopen it.',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(generateNew).toHaveFocus();
    expect(fakeApi.jobs.size).toBe(0);

    // Generate in the form asks too; Escape is Cancel.
    await user.selectOptions(screen.getByLabelText('Identity'), bob.id);
    await user.click(screen.getByRole('button', { name: 'Generate' }));
    expect(screen.getByRole('alertdialog')).toHaveTextContent('This starts a new session for Bob.');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(fakeApi.sessions.get(ADMIN.id)).toBe(session);

    await user.click(screen.getByRole('button', { name: 'Generate' }));
    await user.click(screen.getByRole('button', { name: 'Start new session' }));
    await waitFor(() => expect(fakeApi.sessions.get(ADMIN.id)!.identityId).toBe(bob.id));
  });

  it('treats "undo that" and "redo" typed as an edit as Undo and Redo (finding 4)', async () => {
    const user = userEvent.setup();
    const identity = fakeApi.addIdentity('Ada');
    const session = fakeApi.startSession(ADMIN.id, identity.id);
    fakeApi.addVersion(session, 'edit', 'sepia', session.currentId);
    const [v1, v2] = session.versions;
    renderApp();
    const input = await screen.findByLabelText('Edit this image:');
    await user.type(input, 'undo that{Enter}');
    await waitFor(() => expect(session.currentId).toBe(v1.id));
    await waitFor(() => expect(input).toHaveValue(''));
    await user.type(input, 'Redo{Enter}');
    await waitFor(() => expect(session.currentId).toBe(v2.id));
    await user.type(input, 'go back{Enter}');
    await waitFor(() => expect(session.currentId).toBe(v1.id));
    expect(fakeApi.jobs.size).toBe(0); // nothing went to the engine
    expect(session.versions).toHaveLength(2);
  });

  it('shows a refused instruction briefly, with a link to every instruction (finding 5)', async () => {
    const user = userEvent.setup();
    const identity = fakeApi.addIdentity('Ada');
    fakeApi.startSession(ADMIN.id, identity.id);
    renderApp();
    await user.type(await screen.findByLabelText('Edit this image:'), 'make the jacket red{Enter}');
    expect(
      await screen.findByText('Could not understand "make the jacket red". Try "make the background red", "red tint" or "add a red border".'),
    ).toBeInTheDocument();
    const toastLink = (await screen.findAllByRole('button', { name: 'See all instructions' }))[0];
    fireEvent.click(toastLink); // a click without pointer events: sonner captures the pointer, which jsdom lacks
    expect(await screen.findByRole('heading', { name: 'Local engine instructions' })).toBeInTheDocument();
    expect(await screen.findByText('An old-photo brown tone.')).toBeInTheDocument();
    expect(screen.getByText('make it vintage')).toBeInTheDocument();
  });

  it('shows the ratio of the image as it is now, after a rotate (finding 10)', async () => {
    const identity = fakeApi.addIdentity('Ada');
    const session = fakeApi.startSession(ADMIN.id, identity.id);
    fakeApi.addVersion(session, 'edit', 'rotate 90', session.currentId);
    Object.assign(session.versions[1], { width: 576, height: 1024 });
    renderApp();
    expect(await screen.findByText('9:16 · 1K · 576×1024')).toBeInTheDocument();
  });

  it('compares across a rotation side by side, each image in its own shape (finding 12)', async () => {
    const user = userEvent.setup();
    const identity = fakeApi.addIdentity('Ada');
    const session = fakeApi.startSession(ADMIN.id, identity.id);
    fakeApi.addVersion(session, 'edit', 'rotate 90', session.currentId);
    Object.assign(session.versions[1], { width: 576, height: 1024 });
    renderApp();
    const compare = await screen.findByRole('button', { name: 'Compare' });
    await waitFor(() => expect(compare).toBeEnabled());
    await user.click(compare);
    const pair = screen.getByTestId('compare-side-by-side');
    expect(within(pair).getByTestId('compare-before')).toHaveAttribute('width', '1024');
    expect(within(pair).getByTestId('compare-before')).toHaveAttribute('height', '576');
    expect(within(pair).getByTestId('current-image')).toHaveAttribute('width', '576');
    expect(screen.queryByTestId('compare')).not.toBeInTheDocument(); // no slider of two shapes
  });

  it('restores the additional prompt after a reload (finding 11)', async () => {
    const user = userEvent.setup();
    fakeApi.addIdentity('Ada');
    const first = renderApp();
    await user.type(await screen.findByLabelText('Additional prompt'), 'on a beach');
    first.unmount();
    renderApp();
    expect(await screen.findByLabelText('Additional prompt')).toHaveValue('on a beach');
  });

  it('brings the new image into view on a phone (finding 13)', async () => {
    const user = userEvent.setup();
    fakeApi.addIdentity('Ada');
    const matchMedia = window.matchMedia;
    window.matchMedia = ((query: string) => ({ matches: query.includes('max-width'), media: query })) as typeof window.matchMedia;
    const scrolled: Element[] = [];
    Element.prototype.scrollIntoView = function (this: Element) {
      scrolled.push(this);
    };
    // jsdom lays nothing out: say the session card is far above the form the user pressed Generate in.
    const rect = HTMLElement.prototype.getBoundingClientRect;
    HTMLElement.prototype.getBoundingClientRect = function (this: HTMLElement) {
      return this.classList.contains('session') ? ({ top: -950, bottom: -400 } as DOMRect) : rect.call(this);
    };
    try {
      renderApp();
      await user.click(await screen.findByRole('button', { name: 'Generate' }));
      await screen.findByLabelText('Edit this image:');
      const card = screen.getByRole('region', { name: /Current image/ });
      await waitFor(() => expect(scrolled).toContain(card));
    } finally {
      window.matchMedia = matchMedia;
      HTMLElement.prototype.getBoundingClientRect = rect;
      delete (Element.prototype as Partial<Element>).scrollIntoView;
    }
  });

  it("explains what still works in a deleted identity's session (finding 16)", async () => {
    const session = fakeApi.startSession(ADMIN.id, 'gone');
    session.identityId = null as unknown as string;
    fakeApi.addIdentity('Bob');
    renderApp();
    expect(await screen.findByText('Deleted identity')).toBeInTheDocument();
    expect(screen.getByText(/This session's identity was deleted\. Its images stay/)).toBeInTheDocument();
    expect(screen.queryByText(/Current session is for a different identity/)).not.toBeInTheDocument();
  });

  it('shows a prompt with quotes of its own without nesting them (finding 19)', async () => {
    const identity = fakeApi.addIdentity('Ada');
    const session = fakeApi.startSession(ADMIN.id, identity.id);
    fakeApi.addVersion(session, 'edit', 'add text "Hello"', session.currentId);
    renderApp();
    const lastEdit = await screen.findByText(/Last edit:/);
    expect(lastEdit).toHaveTextContent('Last edit: add text "Hello"');
    expect(lastEdit.querySelector('q')).toBeNull();
  });
});
