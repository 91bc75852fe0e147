// Plain, accessible HTML for the hosted checkout, billing portal and invoice pages.
import { describePrice, formatAmount, periodOf, type CheckoutLineItem, type CheckoutSession, type Invoice, type PortalSession, type Subscription } from './objects';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const date = (ts: number) => new Date(ts * 1000).toISOString().slice(0, 10);

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#111}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem;border-bottom:1px solid #ddd}
button{font-size:1rem;padding:.5rem 1.2rem;margin-right:.5rem;cursor:pointer}
[role=alert]{background:#fee;border:1px solid #c00;padding:.6rem;color:#900}
.note{color:#555;font-size:.9rem}
</style>
</head>
<body>
<main>
${body}
<p class="note">Stripe emulator (test mode) — no real payment is made.</p>
</main>
</body>
</html>`;
}

export function checkoutPage(cs: CheckoutSession, items: CheckoutLineItem[], declined = false): string {
  const rows = items
    .map((li) => {
      const amount = li.quantity === null ? describePrice(li.price) : formatAmount(li.amount_total, li.currency);
      return `<tr><td>${escapeHtml(li.description)}</td><td>${li.quantity ?? 'metered'}</td><td>${escapeHtml(describePrice(li.price))}</td><td>${escapeHtml(amount)}</td></tr>`;
    })
    .join('\n');
  const alert = declined ? `<div role="alert"><p>Your card was declined.</p></div>` : '';
  const cancel = cs.cancel_url ? `<p><a href="${escapeHtml(cs.cancel_url)}">Cancel and return</a></p>` : '';
  const body =
    cs.status === 'open'
      ? `<form method="post" action="/checkout/${escapeHtml(cs.id)}/pay">
<button type="submit">Pay</button>
<button type="submit" formaction="/checkout/${escapeHtml(cs.id)}/decline">Decline</button>
</form>`
      : `<p>This checkout session is ${escapeHtml(cs.status)}.</p>`;
  return layout(
    'Souk test checkout',
    `<h1>Souk test checkout</h1>
${alert}
<table>
<caption>Order summary</caption>
<thead><tr><th scope="col">Item</th><th scope="col">Quantity</th><th scope="col">Price</th><th scope="col">Amount</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr><th scope="row" colspan="3">Total due today</th><td>${escapeHtml(formatAmount(cs.amount_total, cs.currency))}</td></tr></tfoot>
</table>
${cs.customer_email ? `<p>Billed to ${escapeHtml(cs.customer_email)}</p>` : ''}
${body}
${cancel}`,
  );
}

export function portalPage(ps: PortalSession, subs: Subscription[]): string {
  const items = subs
    .map((sub) => {
      const plan = sub.items.data.map((i) => escapeHtml(describePrice(i.price))).join(', ');
      const state = sub.cancel_at_period_end ? `Cancels on ${date(periodOf(sub).end)}` : `Renews on ${date(periodOf(sub).end)}`;
      const action = sub.cancel_at_period_end ? 'renew' : 'cancel';
      const label = sub.cancel_at_period_end ? 'Renew subscription' : 'Cancel at period end';
      return `<li><p><strong>${plan}</strong> — status ${escapeHtml(sub.status)}. ${state}.</p>
<form method="post" action="/portal/${escapeHtml(ps.id)}/subscriptions/${escapeHtml(sub.id)}/${action}"><button type="submit">${label}</button></form></li>`;
    })
    .join('\n');
  const back = ps.return_url ? `<p><a href="${escapeHtml(ps.return_url)}">Return</a></p>` : '';
  return layout(
    'Souk test billing portal',
    `<h1>Billing portal</h1>
<h2>Subscriptions</h2>
${subs.length ? `<ul>${items}</ul>` : '<p>No active subscriptions.</p>'}
${back}`,
  );
}

export function invoicePage(inv: Invoice): string {
  const rows = inv.lines.data.map((l) => `<tr><td>${escapeHtml(l.description)}</td><td>${escapeHtml(formatAmount(l.amount, l.currency))}</td></tr>`).join('\n');
  return layout(
    `Invoice ${inv.number}`,
    `<h1>Invoice ${escapeHtml(inv.number)}</h1>
<p>Status: ${escapeHtml(inv.status)}. Period ${date(inv.period_start)} – ${date(inv.period_end)}.</p>
<table><thead><tr><th scope="col">Line</th><th scope="col">Amount</th></tr></thead><tbody>${rows}</tbody>
<tfoot><tr><th scope="row">Amount due</th><td>${escapeHtml(formatAmount(inv.amount_due, inv.currency))}</td></tr></tfoot></table>`,
  );
}

export function messagePage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}
