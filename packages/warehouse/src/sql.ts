// Small helpers for the few places where SQL text is built from trusted values (settings, names).

export type Settings = Record<string, string | number | boolean>;

/** A ClickHouse string literal. Only for values the program made, never for request input. */
export function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** `SETTINGS a = 1, b = 'x'`, or nothing. */
export function settingsClause(settings: Settings): string {
  const parts = Object.entries(settings).map(([k, v]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`invalid setting name ${JSON.stringify(k)}`);
    const value = typeof v === 'string' ? quoteString(v) : typeof v === 'boolean' ? Number(v) : v;
    return `${k} = ${value}`;
  });
  return parts.length > 0 ? `SETTINGS ${parts.join(', ')}` : '';
}
