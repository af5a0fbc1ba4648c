import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { ADMIN, fakeApi, server } from '../../../test/fake-api';
import { renderApp } from '../../../test/render';

const QUOTA = "The image model's quota is used up. Try again in 3 minutes.";

describe('What the server says about a turn', () => {
  it('shows a notice event in the progress panel and as a toast', async () => {
    const user = userEvent.setup();
    const identity = fakeApi.addIdentity('Ada');
    fakeApi.startSession(ADMIN.id, identity.id);
    renderApp();
    const release = fakeApi.hold();
    await user.type(await screen.findByLabelText('Edit this image:'), 'sepia{Enter}');
    const panel = await screen.findByRole('region', { name: 'Applying edit…' });
    const [job] = fakeApi.jobs.values();
    const message = 'Left out 2 reference images: Gemini 3 Pro Image takes at most 14 input images.';
    act(() => fakeApi.emit(job.job.id, 'notice', { message }));

    const notes = await within(panel).findByRole('list', { name: 'Notes about this turn' });
    expect(notes).toHaveTextContent(message);
    await waitFor(() => expect(document.querySelector('[data-sonner-toast][data-type="info"]')).toHaveTextContent(message));
    release();
    expect(await screen.findByText('Edit applied.')).toBeInTheDocument();
  });

  it('a 429 refusal shows the server\'s detail as it is', async () => {
    const user = userEvent.setup();
    fakeApi.addIdentity('Ada');
    server.use(
      http.post('/api/v1/admin/identities/generate-image/', () =>
        HttpResponse.json(
          { title: 'Too Many Requests', status: 429, detail: 'Your daily image budget is used up.' },
          { status: 429, headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '36000' } },
        ),
      ),
    );
    renderApp();
    const button = await screen.findByRole('button', { name: 'Generate' });
    await waitFor(() => expect(button).toBeEnabled()); // once the identities are known
    await user.click(button);
    expect(await screen.findByText('Your daily image budget is used up.')).toBeInTheDocument();
    expect(screen.getByText('No active session')).toBeInTheDocument();
  });

  it('a job that fails with 429 shows the quota message as it is', async () => {
    const user = userEvent.setup();
    const identity = fakeApi.addIdentity('Ada');
    fakeApi.startSession(ADMIN.id, identity.id);
    renderApp();
    fakeApi.hold();
    await user.type(await screen.findByLabelText('Edit this image:'), 'blur{Enter}');
    await screen.findByRole('region', { name: 'Applying edit…' });
    const [job] = fakeApi.jobs.values();
    act(() => fakeApi.emit(job.job.id, 'failed', { status: 429, detail: QUOTA }));
    expect(await screen.findByText(QUOTA)).toBeInTheDocument();
    expect(screen.getByLabelText('Edit this image:')).toHaveValue('blur');
  });
});
