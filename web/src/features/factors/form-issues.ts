/**
 * A refused POST as the forms show it: each reason under the field it names. The server names fields in `issues`
 * (domain validation), or at the head of the message ('organisation: …', or the schema check's 'body/validFrom …').
 */
import { ApiFailure } from '../../api/client.ts';

export interface FormIssues {
  /** Reasons by field (a dotted path such as 'gridFactor.dataYear' is filed under its first part too). */
  byField: Map<string, string[]>;
  /** Reasons that name no field of the form. */
  general: string[];
}

const add = (map: Map<string, string[]>, field: string, reason: string) => {
  const list = map.get(field);
  if (list) list.push(reason);
  else map.set(field, [reason]);
};

/** Files a 400's reasons under the form's fields; null for anything else (shown as an error message). */
export function formIssues(error: unknown, fields: readonly string[]): FormIssues | null {
  if (!(error instanceof ApiFailure) || error.status !== 400) return null;
  const byField = new Map<string, string[]>();
  const general: string[] = [];
  const known = new Set(fields);
  const file = (field: string | undefined, reason: string) => {
    const root = field?.split(/[.[]/)[0];
    if (field && known.has(field)) add(byField, field, reason);
    else if (root && known.has(root)) add(byField, root, reason);
    else general.push(field ? `${field}: ${reason}` : reason);
  };
  const issues = error.body?.issues ?? [];
  if (issues.length > 0) for (const i of issues) file(i.field, i.reason);
  else {
    const message = error.body?.message ?? error.message;
    const named = /^(?:body\/)?([A-Za-z][\w.]*)(?::\s*|\s)(.*)$/s.exec(message);
    const field = named?.[1];
    if (field && (known.has(field) || known.has(field.split('.')[0] ?? ''))) file(field, named[2] ?? message);
    else general.push(message);
  }
  return { byField, general };
}
