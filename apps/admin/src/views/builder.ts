// The segment builder page: the form (conditions from the fields whitelist, time windows,
// parameters), and the result beside it — size, first rows, the YAML it saves, downloads and the
// save form. admin.js re-fetches the result as the form changes; without scripts "Preview" does.
import {
  COUNT_OPERATORS,
  EVENT_TYPES,
  FIELDS,
  TRAIT_OPERATORS,
  fieldOperators,
  isFieldName,
  type FieldName,
  type OpName,
  type SegmentPreview,
} from '@spoor/segments';
import { html, type Html } from '../html.js';
import { builderFields, MAX_CONDITIONS, MAX_PARAMS, type BuilderForm, type ConditionRow, type ParamRow } from '../builder/form.js';
import { CSRF_FIELD } from '../middleware/session/forms.js';
import type { AdminSession } from '../middleware/session/store.js';
import { formatFigure } from './format.js';
import { previewTable } from './segments.js';

const OP_LABELS: Record<OpName, string> = {
  eq: '=',
  ne: '≠',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  in: 'is one of',
  not_in: 'is none of',
  between: 'between',
  contains: 'contains',
  contains_any: 'contains any of',
  starts_with: 'starts with',
  is_empty: 'is empty',
  within: 'within the last',
  within_next: 'within the next',
  older_than: 'longer ago than',
  before: 'before',
  after: 'on or after',
  exists: 'exists',
};

const FIELD_NAMES = Object.keys(FIELDS) as FieldName[];
const ALL_OPS = Object.keys(OP_LABELS) as OpName[];

function opsFor(c: ConditionRow): readonly OpName[] {
  if (c.kind === 'trait') return TRAIT_OPERATORS;
  if (c.kind === 'event') return COUNT_OPERATORS;
  return isFieldName(c.field) ? fieldOperators(c.field) : ALL_OPS;
}

function select(name: string, label: string, options: Array<[string, string]>, current: string, attrs: Html | string = ''): Html {
  return html`<label class="${name.replace(/^c\d+_/, 'f-')}"><span class="sr">${label}</span><select name="${name}"${attrs}>${options.map(
    ([v, text]) => html`<option value="${v}"${v === current ? html` selected` : ''}>${text}</option>`,
  )}</select></label>`;
}

function input(name: string, label: string, value: string, placeholder = '', size = 10): Html {
  return html`<label class="${name.replace(/^[cp]\d+_/, 'f-')}"><span class="sr">${label}</span><input name="${name}" value="${value}" placeholder="${placeholder}" size="${size}"></label>`;
}

function conditionRow(c: ConditionRow, i: number): Html {
  const p = `c${i}_`;
  return html`<fieldset class="condition" data-row="${i}"><legend>Condition ${i + 1}</legend>
    ${select(
      `${p}kind`,
      'Kind',
      [
        ['field', 'field'],
        ['trait', 'trait'],
        ['event', 'event count'],
      ],
      c.kind,
    )}
    ${select(`${p}field`, 'Field', [['', '(field)'], ...FIELD_NAMES.map((f): [string, string] => [f, f])], c.field)}
    ${input(`${p}trait`, 'Trait key', c.trait, 'trait, e.g. email')}
    ${select(`${p}event`, 'Event type', [['', '(event)'], ...EVENT_TYPES.map((e): [string, string] => [e, e])], c.event)}
    ${input(`${p}name`, 'Custom event name', c.name, 'custom event name')}
    ${select(`${p}op`, 'Operator', [['', '(operator)'], ...opsFor(c).map((o): [string, string] => [o, OP_LABELS[o]])], c.op)}
    ${input(`${p}value`, 'Value', c.value, 'value, 7d, a,b or $param', 14)}
    ${input(`${p}value2`, 'Second value (between)', c.value2, 'and …', 8)}
    ${input(`${p}within`, 'Time window (event count)', c.within, 'within, e.g. 30d', 8)}
  </fieldset>`;
}

function paramRow(p: ParamRow, i: number): Html {
  const k = `p${i}_`;
  return html`<fieldset class="param"><legend>Parameter ${i + 1}</legend>
    ${input(`${k}name`, 'Parameter name', p.name, 'name')}
    ${select(
      `${k}type`,
      'Type',
      [
        ['duration', 'duration'],
        ['integer', 'whole number'],
        ['number', 'number'],
        ['string', 'text'],
      ],
      p.type,
    )}
    ${input(`${k}default`, 'Default', p.default, 'default')}
    ${input(`${k}description`, 'Description', p.description, 'what it means', 24)}
  </fieldset>`;
}

const BLANK_CONDITION: ConditionRow = { kind: 'field', field: '', trait: '', event: '', name: '', op: '', value: '', value2: '', within: '' };
const BLANK_PARAM: ParamRow = { name: '', type: 'duration', default: '', description: '' };

export function builderForm(form: BuilderForm, site: string, sites: string[]): Html {
  const rows = [...form.conditions, BLANK_CONDITION, BLANK_CONDITION].slice(0, MAX_CONDITIONS);
  const params = [...form.params, BLANK_PARAM].slice(0, MAX_PARAMS);
  const fieldKinds = Object.fromEntries(FIELD_NAMES.map((f) => [f, fieldOperators(f).join(' ')]));
  return html`<form method="get" action="/admin/segments/new" id="builder" class="builder" aria-describedby="builder-help"
      data-field-ops="${JSON.stringify(fieldKinds)}" data-trait-ops="${TRAIT_OPERATORS.join(' ')}" data-count-ops="${COUNT_OPERATORS.join(' ')}" data-op-labels="${JSON.stringify(OP_LABELS)}">
    <p id="builder-help" class="note">People who meet ${form.match === 'any' ? 'any' : 'all'} of the conditions. Values: numbers, text, durations (30m, 1h, 7d, 2w), dates (2025-01-31), lists as a,b; <code>$name</code> uses a parameter. Fields are those of docs/SEGMENTS.md.</p>
    <div class="row">
      ${input('name', 'Segment name', form.name, 'name, e.g. vip_tea_buyers', 24)}
      ${input('description', 'Description', form.description, 'what it is for', 40)}
      <label>Site (preview, downloads) <select name="site">${['', ...sites].map((s) => html`<option value="${s}"${s === site ? html` selected` : ''}>${s === '' ? 'All sites' : s}</option>`)}</select></label>
    </div>
    <fieldset class="match"><legend>People who meet</legend>
      <label><input type="radio" name="match" value="all"${form.match === 'all' ? html` checked` : ''}> all conditions</label>
      <label><input type="radio" name="match" value="any"${form.match === 'any' ? html` checked` : ''}> any condition</label>
    </fieldset>
    <div class="conditions">${rows.map(conditionRow)}</div>
    <details${form.params.length ? html` open` : ''}><summary>Parameters</summary><div class="params">${params.map(paramRow)}</div></details>
    <button type="submit">Preview</button>
  </form>`;
}

export interface BuilderResult {
  form: BuilderForm;
  site: string;
  yaml?: string | undefined;
  preview?: SegmentPreview | undefined;
  problem?: string | undefined;
  session: AdminSession;
}

/** The part that changes as the form does (also served alone to admin.js). */
export function builderResult(r: BuilderResult): Html {
  if (r.problem !== undefined || !r.preview) {
    return html`<div id="builder-result" aria-live="polite"><p class="error" role="alert" data-builder-error>${r.problem ?? 'Add a condition.'}</p></div>`;
  }
  const fields = builderFields({ ...r.form, replace: false });
  const qs = (format: string) => new URLSearchParams({ format, ...(r.site ? { site: r.site } : {}), ...fields }).toString();
  return html`<div id="builder-result" aria-live="polite">
    <p class="size"><strong data-builder-size>${formatFigure(r.preview.size, 'count')}</strong> people
      · download ${(['csv', 'ndjson', 'json'] as const).map((f) => html`<a class="button" data-download="${f}" href="/admin/segments/new/export?${qs(f)}" download>${f.toUpperCase()}</a> `)}</p>
    ${previewTable(r.preview)}
    <details><summary>The definition (YAML)</summary><pre class="yaml" data-builder-yaml>${r.yaml ?? ''}</pre></details>
    <form method="post" action="/admin/segments" class="save">
      <input type="hidden" name="${CSRF_FIELD}" value="${r.session.csrf}">
      ${Object.entries(fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
      ${r.site ? html`<input type="hidden" name="site" value="${r.site}">` : ''}
      <label><input type="checkbox" name="replace" value="1"${r.form.replace ? html` checked` : ''}> replace a custom segment of this name</label>
      <button type="submit">Save as custom segment</button>
    </form>
    <p class="note">A saved segment is listed by <code>spoor segments list</code> and the API at once; its page schedules webhooks of who enters and leaves.</p>
  </div>`;
}
