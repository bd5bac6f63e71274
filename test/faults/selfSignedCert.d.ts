// Types for selfSignedCert.js.

/**
 * A self-signed certificate (RSA 2048, SHA-256, one year) for IP 127.0.0.1 and DNS localhost, as
 * PEM strings for the `tls` option of startSandbox() and startKeyTrap(). Generated once per
 * process; async because the `selfsigned` package (5.x) generates asynchronously only.
 */
export declare function selfSignedCert(): Promise<{ key: string; cert: string }>;
