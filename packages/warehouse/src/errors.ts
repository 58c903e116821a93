// Typed warehouse errors with stable codes.

export type WarehouseErrorCode =
  | 'config'
  | 'data_dir_in_use'
  | 'open_failed'
  | 'migration_changed'
  | 'migration_failed'
  | 'unsafe_settings'
  /** A bounded read did not finish in its time. */
  | 'timeout';

export class WarehouseError extends Error {
  constructor(
    readonly code: WarehouseErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WarehouseError';
  }
}
