// Links that open the segment builder filled in with a definition (the RFM grid's cells, "edit a copy").
import { builderFields } from '../builder/form.js';
import { dataToForm, type DefinitionData } from '../builder/definition.js';

export function builderHref(data: DefinitionData, site: string): string {
  const r = dataToForm(data);
  const fields = 'form' in r ? builderFields(r.form) : { from: String(data.name ?? '') };
  return `/admin/segments/new?${new URLSearchParams({ ...(site ? { site } : {}), ...fields }).toString()}`;
}
