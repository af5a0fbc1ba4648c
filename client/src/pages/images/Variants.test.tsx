import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { variantKeptMessage } from '@/hooks/use-image-generation';
import { ADMIN, fakeApi, server } from '../../../test/fake-api';
import { renderApp } from '../../../test/render';
import { maskOutlinePath } from './mask-outline';

/** Every POST to a session's select endpoint, by path. */
function recordSelects(): string[] {
  const selects: string[] = [];
  server.events.on('request:start', ({ request }) => {
    if (request.method === 'POST' && new URL(request.url).pathname.endsWith('/select/')) selects.push(new URL(request.url).pathname);
  });
  return selects;
}
afterEach(() => server.events.removeAllListeners());

const picker = () => screen.getByRole('region', { name: /Pick the one to keep/ });

/** A session of one version, and an edit of `count` images applied to it (the job is held when `hold`). */
async function editWithVariants(count: number, { hold = false } = {}) {
  const user = userEvent.setup();
  const identity = fakeApi.addIdentity('Ada');
  const session = fakeApi.startSession(ADMIN.id, identity.id);
  renderApp();
  const input = await screen.findByLabelText('Edit this image:');
  await user.selectOptions(screen.getByRole('combobox', { name: 'Images per edit' }), String(count));
  const release = hold ? fakeApi.hold() : () => {};
  await user.type(input, 'sepia{Enter}');
  return { user, session, release };
}

describe('Variants on the Images page (issue 12)', () => {
  it('the count control says the cost before sending and sends `variants` with Generate and edits', async () => {
    const user = userEvent.setup();
    fakeApi.addIdentity('Ada');
    renderApp();
    const count = await screen.findByRole('combobox', { name: 'Images to generate' });
    expect(count).toHaveValue('1');
    expect(screen.queryByText(/the cost of one/)).not.toBeInTheDocument();
    await user.selectOptions(count, '3');
    expect(count).toHaveAccessibleDescription('Makes 3 images: about 3× the cost of one.');
    await user.click(screen.getByRole('button', { name: 'Generate' }));
    await screen.findByRole('region', { name: /Pick the one to keep/ });
    const [generate] = fakeApi.jobs.values();
    expect(generate.request.variants).toBe(3);
    expect(generate.job.variants).toBe(3);

    // The edit has its own count; one image sends no `variants` at all (the server's default).
    await user.click(document.body);
    await user.keyboard('{Escape}');
    const editCount = screen.getByRole('combobox', { name: 'Images per edit' });
    expect(editCount).toHaveValue('1');
    await user.type(screen.getByLabelText('Edit this image:'), 'blur{Enter}');
    expect(await screen.findByText('Edit applied.')).toBeInTheDocument();
    await user.selectOptions(editCount, '2');
    expect(screen.getByText('Makes 2 images: about 2× the cost of one.')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Edit this image:'), 'sepia{Enter}');
    await waitFor(() => expect(fakeApi.jobs.size).toBe(3));
    const [, single, double] = fakeApi.jobs.values();
    expect(single.request).not.toHaveProperty('variants');
    expect(double.request.variants).toBe(2);
  });

  it('fills the grid as `variant` events arrive while the job runs; a failed one says why', async () => {
    await editWithVariants(3, { hold: true });
    await screen.findByRole('region', { name: 'Applying edit…' }); // the progress stays
    expect(within(picker()).getAllByText(/Making variant \d…/)).toHaveLength(3);
    const [job] = fakeApi.jobs.values();

    const url = '/api/v1/admin/users/u-admin/image-session/versions/v-x/image/';
    act(() =>
      fakeApi.emit(job.job.id, 'variant', { index: 1, variants: 3, version_id: 'v-x', image_url: url, width: 1024, height: 576, error: null }),
    );
    const made = await within(picker()).findByRole('button', { name: 'Keep variant 2 of 3' });
    expect(made.querySelector('img')).toHaveAttribute('src', url);
    expect(made).toBeDisabled(); // nothing is picked before the turn has finished
    act(() =>
      fakeApi.emit(job.job.id, 'variant', {
        index: 0, variants: 3, version_id: null, image_url: null, width: null, height: null,
        error: { status: 422, detail: 'The model returned no image.' },
      }),
    );
    expect(await within(picker()).findByRole('group', { name: 'Variant 1 of 3: failed' })).toHaveTextContent('The model returned no image.');
    expect(within(picker()).getByRole('group', { name: 'Variant 3 of 3: being made' })).toBeInTheDocument();
  });

  it('after the turn a failed variant keeps its message, the others stay pickable, and a pick selects it', async () => {
    fakeApi.variantFailures.set(1, { status: 422, detail: 'The model refused this one.' });
    const selects = recordSelects();
    const { user, session } = await editWithVariants(3);
    expect(await screen.findByText('Edit applied.')).toBeInTheDocument();
    const choices = within(picker()).getAllByRole('button', { name: /Keep variant/ });
    expect(choices.map((c) => c.getAttribute('aria-label'))).toEqual(['Keep variant 1 of 3', 'Keep variant 3 of 3']);
    expect(within(picker()).getByRole('group', { name: 'Variant 2 of 3: failed' })).toHaveTextContent('The model refused this one.');
    const [, first, third] = session.versions;
    expect(first.parent_id).toBe(session.versions[0].id);
    expect(third.parent_id).toBe(first.parent_id); // siblings
    expect(session.currentId).toBe(first.id); // the first made is current

    await user.click(choices[1]);
    await waitFor(() => expect(session.currentId).toBe(third.id));
    expect(selects).toEqual(['/api/v1/admin/users/u-admin/image-session/select/']);
    expect(await screen.findByText(variantKeptMessage(2))).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('region', { name: /Pick the one to keep/ })).not.toBeInTheDocument());
    expect(screen.getByTestId('current-image')).toHaveAttribute('src', third.image_url);
    // The other stays in the history, beside the one kept.
    const history = screen.getByRole('region', { name: /History/ });
    expect(within(history).getAllByRole('button', { name: /^Version \d/ })).toHaveLength(3);
  });

  it('Escape keeps the first variant, already current, without a call (from the emptied edit box, where focus is)', async () => {
    const selects = recordSelects();
    const { user, session } = await editWithVariants(2);
    expect(await screen.findByText('Edit applied.')).toBeInTheDocument();
    expect(picker()).toBeInTheDocument();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('region', { name: /Pick the one to keep/ })).not.toBeInTheDocument());
    expect(screen.getByTestId('current-image')).toHaveAttribute('src', session.versions[1].image_url);
    expect(session.currentId).toBe(session.versions[1].id);
    expect(selects).toEqual([]);
  });

  it("Compare keeps the first variant and shows the comparison in the picker's place", async () => {
    const selects = recordSelects();
    const { user } = await editWithVariants(2);
    expect(await screen.findByText('Edit applied.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Compare' }));
    await waitFor(() => expect(screen.queryByRole('region', { name: /Pick the one to keep/ })).not.toBeInTheDocument());
    expect(screen.getByRole('button', { name: 'Compare' })).toHaveAttribute('aria-pressed', 'true');
    expect(selects).toEqual([]);
  });

  it('Ctrl+Z inside the picker does not undo the version under it', async () => {
    const { user, session } = await editWithVariants(2);
    expect(await screen.findByText('Edit applied.')).toBeInTheDocument();
    const first = within(picker()).getByRole('button', { name: 'Keep variant 1 of 2' });
    act(() => first.focus());
    await user.keyboard('{Control>}z{/Control}');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(session.currentId).toBe(session.versions[1].id);
    expect(picker()).toBeInTheDocument();
  });

  it('when every variant fails the turn fails as one call would', async () => {
    fakeApi.variantFailures.set(0, { status: 422, detail: 'The model refused this one.' });
    fakeApi.variantFailures.set(1, { status: 422, detail: 'The model refused that one too.' });
    const { session } = await editWithVariants(2);
    expect(await screen.findByText('The model refused this one.')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('region', { name: /Pick the one to keep/ })).not.toBeInTheDocument());
    expect(session.versions).toHaveLength(1);
    expect(screen.getByLabelText('Edit this image:')).toHaveValue('sepia');
  });
});

describe('Outlining a region edit in the compare view', () => {
  it('offers "Outline the edited area" when the current version has a mask, and draws it on', async () => {
    const user = userEvent.setup();
    const identity = fakeApi.addIdentity('Ada');
    const session = fakeApi.startSession(ADMIN.id, identity.id);
    const edit = fakeApi.addVersion(session, 'edit', 'sepia', session.currentId);
    edit.mask_url = edit.image_url.replace(/image\/$/, 'mask/');
    renderApp();
    const compare = await screen.findByRole('button', { name: 'Compare' });
    await waitFor(() => expect(compare).toBeEnabled());
    await user.click(compare);
    const toggle = await screen.findByRole('button', { name: 'Outline the edited area' });
    expect(toggle).toHaveAttribute('aria-pressed', 'false');
    expect(screen.queryByTestId('mask-outline')).not.toBeInTheDocument();
    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByTestId('mask-outline')).toBeInTheDocument();
  });

  it('traces the edge of the white area as runs of pixel edges', () => {
    // A 4×3 mask with the 2×2 block at x 1–2, y 0–1 painted.
    const width = 4;
    const height = 3;
    const data = new Uint8ClampedArray(width * height * 4);
    for (const [x, y] of [[1, 0], [2, 0], [1, 1], [2, 1]]) data[(y * width + x) * 4] = 255;
    expect(maskOutlinePath({ width, height, data })).toBe('M1 0H3M1 2H3M1 0V2M3 0V2');
    expect(maskOutlinePath({ width, height, data: new Uint8ClampedArray(width * height * 4) })).toBe('');
  });
});
