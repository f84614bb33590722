import type { AuthenticatedClient, Authenticator } from '@faturador/store';
import type { Logger } from 'pino';

export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    client: AuthenticatedClient;
    clientIp: string;
    authenticator: Authenticator;
  };
}
