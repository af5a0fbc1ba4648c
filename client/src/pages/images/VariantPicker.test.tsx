import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { VariantCountSelect } from './VariantCountSelect';
import { VariantPicker, type Variant } from './VariantPicker';

const variant = (index: number): Variant => ({ version_id: `v-${index}`, index, image_url: `/img/${index}.png` });

function renderPicker(props: Partial<Parameters<typeof VariantPicker>[0]> = {}) {
  const onPick = vi.fn<(versionId: string) => void>();
  render(
    <>
      <input aria-label="Instruction" />
      <VariantPicker expected={4} variants={[0, 1, 2, 3].map(variant)} failed={[]} onPick={onPick} {...props} />
    </>,
  );
  return onPick;
}

describe('VariantPicker', () => {
  it('arrow keys move between the variants in a 2-column grid and Enter picks', async () => {
    const user = userEvent.setup();
    const onPick = renderPicker();
    const choices = screen.getAllByRole('button', { name: /keep variant/i });
    expect(choices.map((c) => c.tabIndex)).toEqual([0, -1, -1, -1]); // one Tab stop

    await user.tab();
    await user.tab();
    expect(choices[0]).toHaveFocus();
    await user.keyboard('{ArrowRight}');
    expect(screen.getByRole('button', { name: 'Keep variant 2 of 4' })).toHaveFocus();
    await user.keyboard('{ArrowDown}');
    expect(screen.getByRole('button', { name: 'Keep variant 4 of 4' })).toHaveFocus();
    await user.keyboard('{ArrowLeft}');
    expect(screen.getByRole('button', { name: 'Keep variant 3 of 4' })).toHaveFocus();
    await user.keyboard('{ArrowUp}');
    expect(screen.getByRole('button', { name: 'Keep variant 1 of 4' })).toHaveFocus();
    await user.keyboard('{End}');
    expect(choices[3]).toHaveFocus();
    expect(choices[3].tabIndex).toBe(0);
    expect(onPick).not.toHaveBeenCalled();

    await user.keyboard('{ArrowLeft}{Enter}');
    expect(onPick).toHaveBeenCalledTimes(1);
    expect(onPick).toHaveBeenCalledWith('v-2');
  });

  it('a click picks that variant', async () => {
    const user = userEvent.setup();
    const onPick = renderPicker();
    await user.click(screen.getByRole('button', { name: 'Keep variant 2 of 4' }));
    expect(onPick).toHaveBeenCalledWith('v-1');
  });

  it('Escape keeps the first variant, from the grid, the page or an empty text box, but not from one with text', async () => {
    const user = userEvent.setup();
    const onPick = renderPicker({ variants: [variant(2), variant(1)], expected: 3 });
    await user.type(screen.getByRole('textbox', { name: 'Instruction' }), 'sepia');
    await user.keyboard('{Escape}');
    expect(onPick).not.toHaveBeenCalled();
    await user.clear(screen.getByRole('textbox', { name: 'Instruction' }));
    await user.keyboard('{Escape}');
    expect(onPick).toHaveBeenCalledExactlyOnceWith('v-1');
    onPick.mockClear();

    act(() => screen.getByRole('button', { name: 'Keep variant 3 of 3' }).focus());
    await user.keyboard('{Escape}');
    expect(onPick).toHaveBeenCalledExactlyOnceWith('v-1'); // the first that arrived by index

    act(() => (document.activeElement as HTMLElement).blur());
    await user.keyboard('{Escape}');
    expect(onPick).toHaveBeenCalledTimes(2);
    expect(onPick).toHaveBeenLastCalledWith('v-1');
  });

  it('Escape does nothing before any variant arrived', async () => {
    const user = userEvent.setup();
    const onPick = renderPicker({ variants: [], expected: 2 });
    await user.keyboard('{Escape}');
    expect(onPick).not.toHaveBeenCalled();
    expect(screen.getByText('The variants appear here as they are made.')).toBeInTheDocument();
  });

  it('shows the pending ones as placeholders and the failed ones with their message', () => {
    renderPicker({ expected: 3, variants: [variant(0)], failed: [{ index: 2, message: 'The model refused.' }] });
    expect(screen.getAllByRole('button', { name: /keep variant/i })).toHaveLength(1);
    expect(screen.getByRole('group', { name: 'Variant 2 of 3: being made' })).toHaveAttribute('aria-busy', 'true');
    expect(screen.getByText('Making variant 2…')).toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'Variant 3 of 3: failed' })).toHaveTextContent('The model refused.');
    expect(screen.getByText(/1 still being made/)).toBeInTheDocument();
  });

  it('arrow keys skip nothing that is not there: no move onto a placeholder', async () => {
    const user = userEvent.setup();
    renderPicker({ expected: 4, variants: [variant(0), variant(3)] });
    act(() => screen.getByRole('button', { name: 'Keep variant 1 of 4' }).focus());
    await user.keyboard('{ArrowDown}'); // variant 3 is not made yet
    expect(screen.getByRole('button', { name: 'Keep variant 1 of 4' })).toHaveFocus();
    await user.keyboard('{ArrowRight}'); // the next one that exists
    expect(screen.getByRole('button', { name: 'Keep variant 4 of 4' })).toHaveFocus();
  });
});

describe('VariantCountSelect', () => {
  function Harness() {
    const [count, setCount] = useState(1);
    return <VariantCountSelect value={count} onChange={setCount} />;
  }

  it('says the cost of more than one image before sending', async () => {
    const user = userEvent.setup();
    render(<Harness />);
    const select = screen.getByRole('combobox', { name: 'Images per turn' });
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['1', '2', '3', '4']);
    expect(screen.queryByText(/the cost of one/)).not.toBeInTheDocument();

    await user.selectOptions(select, '3');
    expect(select).toHaveValue('3');
    expect(select).toHaveAccessibleDescription('Makes 3 images: about 3× the cost of one.');

    await user.selectOptions(select, '1');
    expect(screen.queryByText(/the cost of one/)).not.toBeInTheDocument();
  });
});
