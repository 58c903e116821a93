// Telling data ClickHouse refuses (retrying cannot help) from failures that pass (retry).

/**
 * ClickHouse error types caused by the rows themselves: parse and type errors, values out of
 * range. Connection resets, timeouts, memory limits and the like are not in this list.
 */
const DATA_ERROR =
  /^(CANNOT_PARSE|TYPE_MISMATCH|INCORRECT_DATA|CANNOT_CONVERT_TYPE|ARGUMENT_OUT_OF_BOUND|DECIMAL_OVERFLOW|TOO_LARGE_STRING_SIZE|CANNOT_READ_ALL_DATA|INCORRECT_NUMBER_OF_COLUMNS|VALUE_IS_OUT_OF_RANGE|CANNOT_INSERT_NULL|UNKNOWN_FIELD|ILLEGAL_TYPE_OF_ARGUMENT|CANNOT_READ_ARRAY|SIZES_OF_ARRAYS_DONT_MATCH|SIZES_OF_NESTED_COLUMNS_ARE_INCONSISTENT)/;

export function isDataError(err: unknown): boolean {
  const type = (err as { type?: unknown } | null)?.type;
  return typeof type === 'string' && DATA_ERROR.test(type);
}
