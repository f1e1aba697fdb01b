/** Numbers: the tenant's numbers with a test call and release; order another and follow it until live. */
import { h } from '../shared/dom.ts';
import { attempt, button, type SectionContext, section, table } from './admin-kit.ts';

interface NumberRow {
  e164: string;
  flowId: string;
  assignedAt: string;
}

export async function numbersSection(ctx: SectionContext, refresh: () => void): Promise<HTMLElement> {
  const { numbers, limit } = await ctx.api<{ numbers: NumberRow[]; limit: number }>('GET', '/numbers');
  const type = h(
    'select',
    { id: 'number-type', name: 'numberType' },
    h('option', { value: 'local' }, 'Local'),
    h('option', { value: 'toll-free' }, 'Toll-free'),
  );
  const area = h('input', { id: 'number-area', placeholder: 'any', maxlength: '3', inputmode: 'numeric' });
  const progress = h('p', { class: 'hint', role: 'status', 'data-testid': 'number-order' });
  const order = button(
    'Order a number',
    () => {
      order.disabled = true;
      void attempt(ctx, 'The number could not be ordered', async () => {
        const body = {
          numberType: type.value,
          ...(type.value === 'local' && area.value.trim() !== '' ? { areaCode: area.value.trim() } : {}),
        };
        let state = await ctx.api<{
          orderId: string;
          state: string;
          step: string;
          phoneNumber?: string;
          error?: string;
        }>('POST', '/numbers', body);
        while (state.state === 'provisioning') {
          progress.textContent = `Ordering… (${state.step})`;
          await new Promise((r) => setTimeout(r, 400));
          state = await ctx.api('GET', `/numbers/orders/${state.orderId}`);
        }
        if (state.state === 'live') {
          ctx.notify('info', `${state.phoneNumber} is live`);
          refresh();
        } else ctx.notify('error', `The number could not be ordered: ${state.error ?? 'failed'}`);
      }).finally(() => {
        order.disabled = false;
        progress.textContent = '';
      });
    },
    'primary',
  );
  return section(
    'Numbers',
    'numbers',
    table(
      'Phone numbers',
      ['Number', 'Flow', 'Since', ''],
      numbers.map((n) => [
        n.e164,
        n.flowId,
        new Date(n.assignedAt).toLocaleDateString(),
        h(
          'span',
          { class: 'row-actions' },
          h(
            'a',
            { class: 'btn btn-secondary btn-small', href: `/phone?to=${encodeURIComponent(n.e164)}` },
            'Test call',
          ),
          button(
            `Release`,
            () => {
              if (!confirm(`Release ${n.e164}? Callers will no longer reach you on it.`)) return;
              void attempt(ctx, `${n.e164} could not be released`, async () => {
                await ctx.api('DELETE', `/numbers/${encodeURIComponent(n.e164)}`);
                ctx.notify('info', `${n.e164} released`);
                refresh();
              });
            },
            'danger',
          ),
        ),
      ]),
    ),
    h('p', { class: 'hint' }, `${numbers.length} of ${limit} numbers.`),
    h(
      'div',
      { class: 'row' },
      h('label', { for: 'number-type' }, 'Type'),
      type,
      h('label', { for: 'number-area' }, 'Area code'),
      area,
      order,
    ),
    progress,
  );
}
