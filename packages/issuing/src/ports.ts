// The provider port is defined once in core, where both adapters can import it; this layer keeps
// its own names for it (the port was Moloni's before InvoiceXpress implemented it too).
import type { FoundProviderDocument, ProviderAccount, ProviderDocument, ProviderPort } from '@faturador/core';

/** A document as the platform holds it after an issuance step. */
export type IssuedDocument = ProviderDocument;

export type FoundDocument = FoundProviderDocument;

/** What the issuing layer needs from a platform account, Moloni's or InvoiceXpress's. */
export type MoloniPort = ProviderPort;

export type MoloniAccount = ProviderAccount;

/** Resolves the platform account a request is issued with. */
export type MoloniResolver = (connectionId: string | null) => Promise<MoloniPort>;
