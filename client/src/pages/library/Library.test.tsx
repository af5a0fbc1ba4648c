import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ADMIN, ALICE, fakeApi } from '../../../test/fake-api';
import { renderApp } from '../../../test/render';

describe('Library page', () => {
  it('says so when there are no past sessions', async () => {
    renderApp('/library');
    expect(await screen.findByText('No past sessions yet')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Library' })).toHaveAttribute('aria-current', 'page');
  });

  it('lists replaced sessions as cards, opens one to view, compare and pick its versions', async () => {
    const user = userEvent.setup();
    const ada = fakeApi.addIdentity('Ada');
    const bob = fakeApi.addIdentity('Bob');
    const old = fakeApi.startSession(ADMIN.id, ada.id, 'first', '1:1');
    fakeApi.addVersion(old, 'edit', 'make it sepia', old.currentId);
    fakeApi.startSession(ADMIN.id, bob.id, 'second');
    renderApp('/library');

    const list = await screen.findByRole('list', { name: 'Past sessions' });
    const card = within(list).getByRole('listitem');
    expect(within(card).getByRole('heading', { name: 'Ada' })).toBeInTheDocument();
    expect(within(card).getByText(/2 versions · 1:1 · 1K/)).toBeInTheDocument();
    expect(within(card).getByText(/Replaced/)).toBeInTheDocument();

    await user.click(within(card).getByRole('button', { name: 'Open' }));
    const view = await screen.findByRole('region', { name: /Ada/ });
    const versions = await within(view).findByRole('list', { name: 'Versions' });
    expect(within(versions).getAllByRole('button')).toHaveLength(2);
    // It opens at the version it stood at; the first can be chosen.
    expect(within(view).getByTestId('library-image')).toHaveAttribute('alt', 'Ada, version 2 (Edit)');
    await user.click(within(versions).getByRole('button', { name: 'Version 1: Generated, first' }));
    expect(within(view).getByTestId('library-image')).toHaveAttribute('alt', 'Ada, version 1 (Generated)');
    expect(within(view).getByRole('button', { name: 'Download version 1' })).toBeEnabled();

    // Compare two versions: the slider shows both.
    await user.selectOptions(within(view).getByLabelText('Compare with'), 'Version 2 (Edit)');
    expect(within(view).getByTestId('compare-before')).toHaveAttribute('alt', 'Before: Ada, version 1 and version 2');
    await user.click(within(view).getByRole('button', { name: '← Back to the library' }));
    expect(await screen.findByRole('list', { name: 'Past sessions' })).toBeInTheDocument();
  });

  it('reopens a session after a confirmation that says the current one goes to the library', async () => {
    const user = userEvent.setup();
    const ada = fakeApi.addIdentity('Ada');
    const old = fakeApi.startSession(ADMIN.id, ada.id, 'first');
    const current = fakeApi.startSession(ADMIN.id, ada.id, 'second');
    renderApp('/library');

    const card = within(await screen.findByRole('list', { name: 'Past sessions' })).getByRole('listitem');
    await user.click(within(card).getByRole('button', { name: 'Reopen…' }));
    const confirm = within(card).getByRole('alertdialog', { name: 'Reopen this session?' });
    expect(confirm).toHaveTextContent('Your current session, if you have one, goes to the library.');
    await user.click(within(confirm).getByRole('button', { name: 'Reopen session' }));

    // Back on Images with the reopened session; the replaced one is in the library now.
    expect(await screen.findByRole('heading', { name: 'Images', level: 1 })).toBeInTheDocument();
    expect(await screen.findByText(/Session reopened/)).toBeInTheDocument();
    expect(fakeApi.sessions.get(ADMIN.id)).toBe(old);
    expect(fakeApi.library.get(ADMIN.id)?.map((e) => e.session)).toEqual([current]);
    await waitFor(() => expect((screen.getByTestId('current-image') as HTMLImageElement).src).toContain(old.currentId));
  });

  it('cancelling the confirmation reopens nothing; delete asks first, then removes the card', async () => {
    const user = userEvent.setup();
    const ada = fakeApi.addIdentity('Ada');
    fakeApi.startSession(ADMIN.id, ada.id, 'first');
    const current = fakeApi.startSession(ADMIN.id, ada.id, 'second');
    renderApp('/library');

    const card = within(await screen.findByRole('list', { name: 'Past sessions' })).getByRole('listitem');
    await user.click(within(card).getByRole('button', { name: 'Reopen…' }));
    await user.click(within(card).getByRole('button', { name: 'Cancel' }));
    expect(fakeApi.sessions.get(ADMIN.id)).toBe(current);

    await user.click(within(card).getByRole('button', { name: 'Delete…' }));
    await user.click(within(card).getByRole('button', { name: 'Delete for good' }));
    expect(await screen.findByText('No past sessions yet')).toBeInTheDocument();
    expect(fakeApi.library.get(ADMIN.id)).toEqual([]);
  });

  it('names a deleted identity, and a plain user sees their own library', async () => {
    fakeApi.signedIn = ALICE;
    const ada = fakeApi.addIdentity('Ada');
    fakeApi.startSession(ALICE.id, ada.id, 'first');
    fakeApi.startSession(ALICE.id, ada.id, 'second');
    fakeApi.identities = [];
    renderApp('/library');
    const card = within(await screen.findByRole('list', { name: 'Past sessions' })).getByRole('listitem');
    expect(within(card).getByRole('heading', { name: /Deleted identity/ })).toBeInTheDocument();
    expect(card.querySelector('img')).toHaveAttribute(
      'src',
      expect.stringMatching(/^\/api\/v1\/identities\/image-session\/library\/session-\d+\/versions\/version-\d+\/thumbnail\/$/),
    );
  });
});
