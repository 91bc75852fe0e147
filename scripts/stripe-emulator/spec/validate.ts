// Checks emulator output against Stripe's published object shapes (shapes.json, see
// generate-shapes.ts): every object found in a response, nested ones included (list
// entries, items, lines, expanded ids, an event's data.object), must carry each field
// Stripe always sends and no field Stripe does not define (removed fields fail here).
import shapes from './shapes.json';

type Shape = { required: string[]; optional: string[] };
const objects: Record<string, Shape> = shapes.objects;

/**
 * Fields Stripe always sends that the emulator does not model yet, per object. The app
 * must not read them. Keep this list shrinking: a field listed here that the emulator
 * starts sending is reported, so the list cannot go stale.
 */
export const NOT_EMULATED: Record<string, readonly string[]> = {
  customer: [],
  invoice: [
    'account_country', 'account_name', 'account_tax_ids', 'amount_overpaid', 'amount_shipping', 'application', 'automatically_finalizes_at',
    'custom_fields', 'customer_account', 'customer_address', 'customer_name', 'customer_phone', 'customer_shipping', 'customer_tax_exempt',
    'default_payment_method', 'default_source', 'default_tax_rates', 'description', 'due_date', 'effective_at', 'footer', 'from_invoice', 'issuer',
    'last_finalization_error', 'latest_revision', 'next_payment_attempt', 'on_behalf_of', 'payment_settings', 'post_payment_credit_notes_amount',
    'pre_payment_credit_notes_amount', 'receipt_number', 'rendering', 'shipping_cost', 'shipping_details', 'statement_descriptor',
    'subtotal_excluding_tax', 'test_clock', 'total_discount_amounts', 'total_excluding_tax', 'total_pretax_credit_amounts', 'total_taxes', 'webhooks_delivered_at',
    'auto_advance',
  ],
  line_item: ['discount_amounts', 'discountable', 'discounts', 'pretax_credit_amounts', 'quantity_decimal', 'subtotal', 'taxes'],
  subscription: [
    'application', 'application_fee_percent', 'billing_cycle_anchor_config', 'billing_schedules', 'billing_thresholds', 'customer_account', 'days_until_due',
    'default_payment_method', 'default_source', 'description', 'discounts', 'managed_payments', 'next_pending_invoice_item_invoice', 'on_behalf_of',
    'pause_collection', 'payment_settings', 'pending_invoice_item_interval', 'pending_setup_intent', 'pending_update', 'schedule', 'transfer_data', 'trial_settings',
  ],
  subscription_item: ['billing_thresholds', 'plan'],
  'checkout.session': [
    'adaptive_pricing', 'after_expiration', 'allow_promotion_codes', 'automatic_tax', 'billing_address_collection', 'client_secret', 'collected_information',
    'consent', 'consent_collection', 'currency_conversion', 'custom_fields', 'custom_text', 'customer_account', 'customer_creation', 'discounts',
    'integration_identifier', 'invoice_creation', 'locale', 'managed_payments', 'origin_context', 'payment_intent', 'payment_link', 'payment_method_collection',
    'payment_method_configuration_details', 'payment_method_options', 'payment_method_types', 'permissions', 'phone_number_collection', 'recovered_from',
    'saved_payment_method_options', 'setup_intent', 'shipping_address_collection', 'shipping_cost', 'shipping_options', 'submit_type', 'total_details',
    'ui_mode', 'wallet_options',
  ],
  item: ['adjustable_quantity', 'amount_discount', 'amount_tax', 'metadata'],
  price: ['custom_unit_amount', 'tiers_mode', 'transform_quantity'],
  product: ['images', 'marketing_features', 'package_dimensions', 'shippable', 'url'],
  'billing.meter': ['event_time_window'],
  'billing_portal.session': ['customer_account'],
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Problems found in `value` (an API response or webhook body); empty when it matches the spec. */
export function shapeViolations(value: unknown, where = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => shapeViolations(v, `${where}[${i}]`));
  if (!isRecord(value)) return [];
  const out: string[] = [];
  const kind = value.object;
  if (typeof kind === 'string' && kind !== 'list' && kind !== 'search_result') {
    const shape = objects[kind];
    if (!shape) out.push(`${where}: no spec shape for object '${kind}' (add it to SERVED in generate-shapes.ts)`);
    else {
      const known = new Set([...shape.required, ...shape.optional]);
      const gaps = new Set(NOT_EMULATED[kind] ?? []);
      for (const field of Object.keys(value)) {
        if (!known.has(field)) out.push(`${where} (${kind}): '${field}' is not a field of Stripe's ${kind}`);
        else if (gaps.has(field)) out.push(`${where} (${kind}): '${field}' is sent now: remove it from NOT_EMULATED`);
      }
      for (const field of shape.required) if (!(field in value) && !gaps.has(field)) out.push(`${where} (${kind}): missing '${field}', which Stripe always sends`);
    }
  }
  for (const [key, v] of Object.entries(value)) {
    // previous_attributes holds partial copies of fields, not whole objects.
    if (key === 'previous_attributes') continue;
    out.push(...shapeViolations(v, `${where}.${key}`));
  }
  return out;
}
