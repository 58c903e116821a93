// Query strings of the segment routes, validated: the reserved names, and everything else as
// segment parameters (which the segment's own definition then checks).
import { z } from 'zod';
import { EXPORT_FORMATS, RESERVED_PARAMS, SegmentError } from '@spoor/segments';

const schema = z.object({
  format: z.enum(EXPORT_FORMATS).optional(),
  site: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

export interface SegmentQuery {
  format?: (typeof EXPORT_FORMATS)[number] | undefined;
  site?: string | undefined;
  limit?: number | undefined;
  params: Record<string, string>;
}

export function parseSegmentQuery(query: Record<string, string>): SegmentQuery {
  const known: Record<string, string> = {};
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) {
    if (RESERVED_PARAMS.has(k)) known[k] = v;
    else if (v !== '') params[k] = v;
  }
  const r = schema.safeParse(known);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new SegmentError('invalid_param', issue.message, issue.path.join('.'));
  }
  return { ...r.data, params };
}
