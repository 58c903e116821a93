// The HTTP interface's pure parts: parameter decoding and the read-only statement checks on the
// engine's canonical text (the end-to-end behaviour is tested against spoor up in apps/cli).
import { describe, expect, it } from 'vitest';
import { ClickHouseHttpError, httpStatusFor } from '../src/http/errors.js';
import { bindValue, placeholderTypes, unescape } from '../src/http/params.js';
import { assertReadOnly, describeStatement } from '../src/http/policy.js';

describe('query parameters', () => {
  it('finds placeholder types, nested parentheses included', () => {
    expect(placeholderTypes('SELECT {a:String}, { b : Map(String, Array(UInt8)) }, {c:Nullable(DateTime64(3))}')).toEqual(
      new Map([
        ['a', 'String'],
        ['b', 'Map(String, Array(UInt8))'],
        ['c', 'Nullable(DateTime64(3))'],
      ]),
    );
  });

  it('decodes escaped scalars and passes plain text through untouched', () => {
    expect(bindValue("it\\'s", 'String')).toBe("it's");
    expect(bindValue('a\\tb\\\\c\\x41', 'String')).toBe('a\tb\\cA');
    expect(bindValue('plain [text]', 'String')).toBe('plain [text]');
    expect(bindValue('\\N', 'Nullable(String)')).toBeNull();
    expect(unescape('keep \\d unknown')).toBe('keep \\d unknown');
  });

  it('parses escaped composite literals into values chdb renders back', () => {
    const v = bindValue("['o\\'brien', 'x\\\\y', NULL]", 'Array(Nullable(String))');
    expect(v).toEqual(["o'brien", 'x\\y', null]);
    const m = bindValue("{'k\\'':[1, 2]}", 'Map(String, Array(UInt8))') as Map<string, unknown>;
    expect([...m]).toEqual([["k'", [1n, 2n]]]);
    expect(() => bindValue("['unterminated\\'", 'Array(String)')).toThrow(ClickHouseHttpError);
  });
});

describe('read-only statements', () => {
  const check = (canonical: string) => () => assertReadOnly(describeStatement(canonical), 'analyst');

  it('allows reading statements and finds their output format', () => {
    for (const s of ['SELECT 1', 'WITH 1 AS x\nSELECT x', 'SHOW TABLES FROM spoor', 'DESCRIBE TABLE spoor.events', 'EXISTS TABLE spoor.events', 'EXPLAIN PIPELINE\nSELECT 1', 'USE spoor', 'SET max_threads = 1']) {
      expect(check(s)).not.toThrow();
    }
    expect(describeStatement('SELECT 1\nFORMAT JSONEachRow').format).toBe('JSONEachRow');
    expect(describeStatement("SELECT 'FORMAT CSV' AS s").format).toBeUndefined();
  });

  it('refuses writes, outfiles, outside-reaching functions and locked settings', () => {
    for (const s of [
      "INSERT INTO spoor.t SELECT 1",
      'CREATE TABLE spoor.t (a UInt8) ENGINE = Memory',
      'SYSTEM STOP MERGES',
      'KILL QUERY WHERE 1 ASYNC',
      "SELECT 1\nINTO OUTFILE 'x'",
      "SELECT file('/etc/passwd')",
      "SELECT *\nFROM `s3Cluster`('c', 'u')",
      "SELECT catboostEvaluate('/m.bin', 1)",
      'SELECT 1\nSETTINGS max_threads = 1, readonly = 0',
      "SET dialect = 'prql'",
    ]) {
      expect(check(s), s).toThrow(ClickHouseHttpError);
    }
    // A string or a column that merely mentions those names is fine.
    expect(check("SELECT 'file(' AS f, readonly FROM system.settings WHERE readonly = 0")).not.toThrow();
    expect(check('SELECT URLHash(url) FROM spoor.events')).not.toThrow();
  });

  it('maps exception codes to the statuses a server answers with', () => {
    expect([516, 164, 62, 60, 47, 229, 48, 1001].map(httpStatusFor)).toEqual([403, 500, 400, 404, 404, 413, 501, 500]);
  });
});
