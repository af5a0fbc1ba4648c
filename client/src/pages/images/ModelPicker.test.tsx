import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { ADMIN, fakeApi, server } from '../../../test/fake-api';
import { GEMINI_OPTIONS } from '../../../test/fake-catalogue';
import { renderApp } from '../../../test/render';

const optionValues = (label: string) =>
  within(screen.getByLabelText(label)).getAllByRole('option').map((o) => (o as HTMLOptionElement).value);
const optionNames = (label: string) => within(screen.getByLabelText(label)).getAllByRole('option').map((o) => o.textContent);
const lastGenerate = () => [...fakeApi.jobs.values()].filter((j) => j.job.kind === 'generate').at(-1)?.request;

/** Generate, once the identities are known (the button is disabled until then). */
async function generate(user: ReturnType<typeof userEvent.setup>) {
  const button = await screen.findByRole('button', { name: 'Generate' });
  await waitFor(() => expect(button).toBeEnabled());
  await user.click(button);
}

describe('Model picker', () => {
  it('offers only the catalogue\'s models, and only the chosen model\'s ratios and resolutions', async () => {
    const user = userEvent.setup();
    fakeApi.imageOptions = GEMINI_OPTIONS;
    fakeApi.addIdentity('Ada');
    renderApp();

    const model = await screen.findByLabelText('Model');
    await waitFor(() => expect(model).toHaveValue('gemini-3-pro-image')); // the catalogue's default
    expect(optionNames('Model')).toEqual(['Gemini 3 Pro Image', 'Gemini 3.1 Flash Image', 'Gemini 2.5 Flash Image']);
    expect(optionValues('Aspect ratio')).toEqual(GEMINI_OPTIONS.models[0].aspect_ratios);
    expect(optionValues('Resolution')).toEqual(['1K', '2K', '4K']);
    expect(screen.getByText(/About \$0\.13 per image at 1K/)).toBeInTheDocument();
    expect(model).toHaveAccessibleDescription(/About \$0\.13 per image at 1K/);

    // 3.1 Flash adds extreme ratios and 512.
    await user.selectOptions(model, 'gemini-3.1-flash-image');
    expect(optionValues('Aspect ratio')).toEqual(expect.arrayContaining(['1:8', '8:1', '1:4', '4:1']));
    expect(optionValues('Resolution')).toEqual(['512', '1K', '2K', '4K']);
    await user.selectOptions(screen.getByLabelText('Aspect ratio'), '1:8');
    await user.selectOptions(screen.getByLabelText('Resolution'), '4K');
    expect(screen.getByText(/About \$0\.15 per image at 4K/)).toBeInTheDocument();

    // 2.5 Flash takes neither: the choice falls back to what it allows.
    await user.selectOptions(model, 'gemini-2.5-flash-image');
    expect(optionValues('Aspect ratio')).not.toContain('1:8');
    expect(optionValues('Resolution')).toEqual(['1K']);
    expect(screen.getByLabelText('Aspect ratio')).toHaveValue('16:9');
    expect(screen.getByLabelText('Resolution')).toHaveValue('1K');

    const modes = screen.getByRole('group', { name: 'Edit mode' });
    expect(within(modes).getByRole('radio', { name: 'Chat (the model sees earlier turns)' })).toBeChecked();
    expect(within(modes).getByRole('radio', { name: 'Single turn' })).not.toBeChecked();
  });

  it('sends the chosen model and edit mode with Generate', async () => {
    const user = userEvent.setup();
    fakeApi.imageOptions = GEMINI_OPTIONS;
    fakeApi.addIdentity('Ada');
    renderApp();
    const model = await screen.findByLabelText('Model');
    await user.selectOptions(model, 'gemini-3.1-flash-image');
    await user.selectOptions(screen.getByLabelText('Aspect ratio'), '1:8');
    await user.selectOptions(screen.getByLabelText('Resolution'), '512');
    await user.click(screen.getByRole('radio', { name: 'Single turn' }));
    await generate(user);

    expect(await screen.findByLabelText('Edit this image:')).toBeInTheDocument();
    expect(lastGenerate()).toMatchObject({
      model: 'gemini-3.1-flash-image',
      edit_mode: 'single',
      aspect_ratio: '1:8',
      resolution: '512',
    });
  });

  it('sends the default model and mode when the user changes nothing', async () => {
    const user = userEvent.setup();
    fakeApi.imageOptions = GEMINI_OPTIONS;
    fakeApi.addIdentity('Ada');
    renderApp();
    await waitFor(() => expect(screen.getByLabelText('Model')).toHaveValue('gemini-3-pro-image'));
    await generate(user);
    expect(await screen.findByLabelText('Edit this image:')).toBeInTheDocument();
    expect(lastGenerate()).toMatchObject({ model: 'gemini-3-pro-image', edit_mode: 'chat', resolution: '1K' });
  });

  it('with the offline engine: its one model, no price and no choice of edit mode', async () => {
    const user = userEvent.setup();
    fakeApi.addIdentity('Ada');
    renderApp();
    await waitFor(() => expect(optionNames('Model')).toEqual(['Offline engine']));
    expect(screen.queryByRole('group', { name: 'Edit mode' })).not.toBeInTheDocument();
    expect(screen.queryByText(/per image at/)).not.toBeInTheDocument();
    await generate(user);
    expect(await screen.findByLabelText('Edit this image:')).toBeInTheDocument();
    expect(lastGenerate()).toMatchObject({ model: 'local', edit_mode: 'single' });
  });

  it('restores the session\'s model, ratio and edit mode', async () => {
    fakeApi.imageOptions = GEMINI_OPTIONS;
    const identity = fakeApi.addIdentity('Ada');
    fakeApi.startSession(ADMIN.id, identity.id, 'tall', '1:8', '512', { model: 'gemini-3.1-flash-image', editMode: 'single' });
    renderApp();
    expect(await screen.findByLabelText('Edit this image:')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByLabelText('Model')).toHaveValue('gemini-3.1-flash-image'));
    expect(screen.getByLabelText('Aspect ratio')).toHaveValue('1:8');
    expect(screen.getByLabelText('Resolution')).toHaveValue('512');
    expect(screen.getByRole('radio', { name: 'Single turn' })).toBeChecked();
  });

  it('without a catalogue (an older server) keeps the plan\'s choices, sends no model and shows no error', async () => {
    const user = userEvent.setup();
    server.use(http.get('/api/v1/image-options', () => new HttpResponse(null, { status: 404 })));
    fakeApi.addIdentity('Ada');
    renderApp();
    await generate(user);
    expect(await screen.findByLabelText('Edit this image:')).toBeInTheDocument();
    expect(screen.queryByLabelText('Model')).not.toBeInTheDocument();
    expect(optionValues('Resolution')).toEqual(['1K', '2K', '4K']);
    expect(lastGenerate()?.model).toBeUndefined();
    expect(screen.queryByText('Not found.')).not.toBeInTheDocument();
  });
});
