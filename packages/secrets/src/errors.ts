// The one error type of this package, with a stable code.

export type SecretErrorCode = 'invalid_secret_key' | 'unreadable';

export class SecretError extends Error {
  constructor(
    readonly code: SecretErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SecretError';
  }
}
