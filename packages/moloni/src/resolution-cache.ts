/**
 * What a Moloni company's customers and products resolved to, kept per client (one per connection
 * per process) so a warm issuance makes no lookups: insert the draft, read it back, close it, read
 * the number. An entry is keyed by everything that decided it — a customer's NIF *and* the fields
 * the request asks Moloni's record to hold — so a changed address or e-mail misses and is still
 * updated. Entries expire (someone may edit or delete the record in Moloni meanwhile), and an
 * insert that Moloni refuses over a customer or product id clears the company's entries first.
 */
export class ResolutionCache {
  private readonly entries = new Map<string, { value: number; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string): number | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: number): void {
    // Oldest first out: a Map iterates in insertion order.
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
  }

  /** Every entry of one company (their keys start with `<company id>:`). */
  clearCompany(companyId: number): void {
    const prefix = `${companyId}:`;
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * Whether Moloni refused a document over an id it no longer knows (a customer or product deleted
 * or merged since it was cached): Moloni names the field (`2 customer_id`, `products[0][product_id]`).
 */
export function refusedOverCachedId(error: unknown): boolean {
  const errors = (error as { code?: unknown; details?: { errors?: unknown } } | null)?.details?.errors;
  if ((error as { code?: unknown })?.code !== 'MOLONI_BUSINESS_ERROR' || !Array.isArray(errors)) return false;
  return errors.some((entry: { field?: unknown }) =>
    typeof entry.field === 'string' ? /(^|\[)(customer_id|product_id)\]?$/.test(entry.field) : false,
  );
}
