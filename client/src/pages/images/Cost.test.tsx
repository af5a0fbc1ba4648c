import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ADMIN, fakeApi } from '../../../test/fake-api';
import { GEMINI_OPTIONS } from '../../../test/fake-catalogue';
import { renderApp } from '../../../test/render';

describe('Cost in the page', () => {
  it('shows each version\'s cost and model in the history, and the session\'s total, model and edit mode', async () => {
    const user = userEvent.setup();
    fakeApi.imageOptions = GEMINI_OPTIONS;
    const identity = fakeApi.addIdentity('Ada');
    const session = fakeApi.startSession(ADMIN.id, identity.id, 'portrait', '16:9', '4K', { model: 'gemini-3-pro-image', editMode: 'chat' });
    renderApp();

    const history = await screen.findByRole('region', { name: /History/ });
    const v1 = await within(history).findByRole('button', { name: /^Version 1, generated: portrait/ });
    expect(v1).toHaveAccessibleName('Version 1, generated: portrait (current); Gemini 3 Pro Image, about $0.24, 1,880 tokens');
    expect(v1).toHaveTextContent('$0.24');
    expect(v1.title).toContain('Gemini 3 Pro Image');
    expect(await screen.findByText('Session total $0.24')).toBeInTheDocument();
    expect(screen.getByTitle("The model that makes this session's images")).toHaveTextContent('Gemini 3 Pro Image');
    expect(screen.getByText('chat edits')).toBeInTheDocument();

    // An edit adds its own cost; the total follows.
    await user.type(screen.getByLabelText('Edit this image:'), 'sepia{Enter}');
    await waitFor(() => expect(session.versions).toHaveLength(2));
    const v2 = await within(history).findByRole('button', { name: /^Version 2, edit: sepia/ });
    expect(v2).toHaveTextContent('$0.24');
    expect(await screen.findByText('Session total $0.48')).toBeInTheDocument();
  });

  it('the offline engine: no cost, and no model or edit mode beside its provider badge', async () => {
    const identity = fakeApi.addIdentity('Ada');
    fakeApi.startSession(ADMIN.id, identity.id, 'portrait', '16:9', '1K', { model: 'local', editMode: 'single' });
    renderApp();
    const history = await screen.findByRole('region', { name: /History/ });
    const v1 = await within(history).findByRole('button', { name: /^Version 1/ });
    expect(v1).not.toHaveTextContent('$');
    expect(screen.queryByText(/Session total/)).not.toBeInTheDocument();
    expect(screen.getByTitle('The image provider that made this image')).toHaveTextContent('local engine');
    expect(screen.queryByText('single-turn edits')).not.toBeInTheDocument(); // one engine, one mode: nothing to tell
  });
});
