import type { AuthenticatedClient, Authenticator } from '@faturador/store';
import type { Logger } from 'pino';

export interface AppEnv {
  Variables: {
    requestId: string;
    /** The request's logger (bound to `requestId`), and the one it was made from. */
    logger: Logger;
    baseLogger: Logger;
    client: AuthenticatedClient;
    clientIp: string;
    authenticator: Authenticator;
  };
}
