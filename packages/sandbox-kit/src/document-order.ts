/** The order in which document lists (a search by reference, say) return their matches. */
export type DocumentOrder = 'newest_first' | 'oldest_first';
export const DOCUMENT_ORDERS: readonly DocumentOrder[] = ['newest_first', 'oldest_first'];
