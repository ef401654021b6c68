/**
 * Choosing the organisation a page shows (`?org=`). An enterprise user sees its own organisation, whatever the URL
 * says, named rather than offered; others choose among the park's organisations, or (where the page has one) the
 * whole park.
 */
import type { ReactNode } from 'react';
import { useQueryParam } from '../router.ts';
import { usePark } from '../shell/park-context.tsx';

/**
 * The organisation of the URL: the user's own for an enterprise user; else `?org=` if the park has it, else none
 * (`fallback: 'park'`, the whole park) or the park's first organisation (`'first'`, a page about one organisation).
 */
export function useOrganisationParam(
  fallback: 'park' | 'first',
): [organisation: string | null, setOrganisation: (id: string | null) => void] {
  const { park, scope } = usePark();
  const [orgParam, setOrg] = useQueryParam('org');
  const chosen = orgParam && park.organisations.some((o) => o.id === orgParam) ? orgParam : null;
  const organisation = scope ?? chosen ?? (fallback === 'first' ? (park.organisations[0]?.id ?? null) : null);
  return [organisation, setOrg];
}

/** The park's organisations as the options of a select, by name. */
export function OrganisationOptions() {
  const { park } = usePark();
  return park.organisations.map((o) => (
    <option key={o.id} value={o.id}>
      {o.name}
    </option>
  ));
}

/**
 * A labelled organisation select of a page's filters, or the enterprise user's own organisation, named (test ids
 * `<testId>` and `<testId>-fixed`). With `parkOption` the first option ('') stands for the whole park.
 * @example <OrganisationSelect label={t('account.scope')} value={org} onChange={setOrg} testId="account-scope" />
 */
export function OrganisationSelect(props: {
  label: string;
  value: string | null;
  onChange: (id: string | null) => void;
  parkOption?: ReactNode;
  testId: string;
}) {
  const { scope, orgName } = usePark();
  return (
    <label className="inline-field">
      <span>{props.label}</span>
      {scope ? (
        <strong data-testid={`${props.testId}-fixed`}>{orgName(scope)}</strong>
      ) : (
        <select
          value={props.value ?? ''}
          onChange={(e) => props.onChange(e.target.value || null)}
          data-testid={props.testId}
        >
          {props.parkOption === undefined ? null : <option value="">{props.parkOption}</option>}
          <OrganisationOptions />
        </select>
      )}
    </label>
  );
}
