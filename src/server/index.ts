export { type ServerDeps, buildServer, BODY_LIMIT } from './app.js';
export { type RunningServer, startServer, checkTransport, isLoopback } from './listen.js';
export { createMetrics, type ServerMetrics } from './metrics.js';
export { type ServerSettings, type TlsSettings, type OidcSettings, DEFAULT_SERVER_SETTINGS, DEFAULT_LISTEN } from './settings.js';
export type { Authenticator, Credentials as RequestCredentials } from './auth/authenticator.js';
export { apiTokenAuthenticator } from './auth/api-token.js';
export { oidcAuthenticator } from './auth/oidc.js';
export { clientCertificateAuthenticator } from './auth/client-certificate.js';
